package dev.agentmesh.orchestrator.internal;

import dev.agentmesh.MeshException;
import dev.agentmesh.Texts;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Maps a pull-request or branch URL of a code host to a ref of the local repository, offline: the URL must name a
 * repository that is a remote of this one (its host and path, {@code .git} aside, match a remote's URL; a remote that
 * is a local path matches on the path alone). Then
 * <ul>
 *   <li>{@code .../pull/N} (and {@code .../-/merge_requests/N}) maps to the local branch whose upstream is
 *   {@code refs/pull/N/head} ({@code branch.NAME.merge}, as {@code gh pr checkout} records it), else to the fetched
 *   ref {@code refs/pull/N/head} ({@code refs/merge-requests/N/head}) itself;</li>
 *   <li>{@code .../tree/BRANCH} maps to the branch {@code BRANCH} (slashes allowed).</li>
 * </ul>
 * Anything else is a one-line error naming the URL.
 */
public final class PullUrls {
    /** Longest URL accepted, in characters. */
    public static final int MAX_URL_CHARS = 2000;

    private PullUrls() {
    }

    /** @return true when {@code ref} looks like a URL ({@code scheme://...}) rather than a ref name */
    public static boolean isUrl(String ref) {
        return ref.matches("(?i)[a-z][a-z0-9+.-]*://.*");
    }

    /**
     * @return the local ref the URL maps to: a branch name, {@code refs/pull/N/head} or {@code refs/merge-requests/N/head}
     * @throws MeshException (invalid input) when the URL is malformed, names no pull request or branch, names a
     *                       repository that is not a remote, or maps to no local ref
     */
    public static String map(String url, GitRefs git) {
        String shown = Texts.quote(url, 120);
        if (url.length() > MAX_URL_CHARS || url.codePoints().anyMatch(Character::isISOControl)) {
            throw MeshException.invalidInput("URL '" + shown + "' has control characters or more than " + MAX_URL_CHARS + " characters");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw MeshException.invalidInput("URL '" + shown + "' is not a valid URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http") || uri.getHost() == null || uri.getPath() == null) {
            throw MeshException.invalidInput("URL '" + shown + "' is not an http(s) URL of a code host");
        }
        List<String> seg = new ArrayList<>(Arrays.stream(uri.getPath().split("/")).filter(s -> !s.isEmpty()).toList());
        int at = -1;
        for (int i = 2; i < seg.size() && at < 0; i++) {
            if (List.of("pull", "pulls", "merge_requests", "tree").contains(seg.get(i)) && i + 1 < seg.size()) {
                at = i;
            }
        }
        if (at < 0) {
            throw MeshException.invalidInput("URL '" + shown + "' names no pull request or branch: expected .../OWNER/REPO/pull/N, "
                    + ".../-/merge_requests/N or .../tree/BRANCH");
        }
        List<String> repoPath = new ArrayList<>(seg.subList(0, at));
        if (repoPath.getLast().equals("-")) {
            repoPath.removeLast();
        }
        String repo = String.join("/", repoPath).replaceFirst("\\.git$", "");
        checkRemote(uri.getHost(), repo, shown, git.remoteUrls());
        String kind = seg.get(at);
        if (kind.equals("tree")) {
            String branch = String.join("/", seg.subList(at + 1, seg.size()));
            String problem = GitRefs.refNameProblem(branch);
            if (problem != null) {
                throw MeshException.invalidInput("URL '" + shown + "' names branch '" + Texts.quote(branch, 80) + "', which " + problem);
            }
            if (git.tip(branch) == null) {
                throw MeshException.invalidInput("URL '" + shown + "' names branch " + branch + ", which this repository does not have; fetch it first");
            }
            return branch;
        }
        String number = seg.get(at + 1);
        if (!number.matches("[1-9][0-9]{0,9}")) {
            throw MeshException.invalidInput("URL '" + shown + "' names pull request '" + Texts.quote(number, 20) + "', which is not a number");
        }
        String pull = kind.equals("merge_requests") ? "refs/merge-requests/" + number + "/head" : "refs/pull/" + number + "/head";
        for (Map.Entry<String, String> e : git.branchMerges().entrySet()) {
            if (e.getValue().equals(pull) && git.tip(e.getKey()) != null) {
                return e.getKey();
            }
        }
        if (git.tip(pull) != null) {
            return pull;
        }
        throw MeshException.invalidInput("URL '" + shown + "' maps to no local ref: no branch tracks " + pull
                + " (as gh pr checkout records) and " + pull + " is not fetched (git fetch origin " + pull.substring(5) + ":" + pull + ")");
    }

    private static void checkRemote(String host, String repo, String shown, Map<String, String> remotes) {
        for (String remote : remotes.values()) {
            String[] hp = hostAndPath(remote);
            boolean hostOk = hp[0] == null || hp[0].equalsIgnoreCase(host);
            if (hostOk && (hp[1].equals(repo) || hp[1].endsWith("/" + repo))) {
                return;
            }
        }
        throw MeshException.invalidInput("URL '" + shown + "' names repository " + Texts.quote(repo, 80) + " on " + Texts.quote(host, 60)
                + ", which is not a remote of this repository (" + (remotes.isEmpty() ? "it has no remote"
                : "remotes: " + String.join(", ", remotes.keySet().stream().map(n -> Texts.quote(n, 40)).toList())) + ")");
    }

    /** @return [host or null for a local path, path without a trailing {@code .git} or slash] of a remote URL */
    static String[] hostAndPath(String remote) {
        String host = null;
        String path = remote;
        if (isUrl(remote)) {
            try {
                URI u = new URI(remote);
                host = u.getHost();
                path = u.getPath() == null ? "" : u.getPath();
            } catch (URISyntaxException e) {
                path = remote;
            }
        } else if (remote.matches("[^/]+:.*")) {
            // scp-like: [user@]host:path
            int colon = remote.indexOf(':');
            host = remote.substring(0, colon).replaceFirst("^.*@", "");
            path = remote.substring(colon + 1);
        }
        path = path.replaceAll("/+$", "").replaceFirst("\\.git$", "").replaceAll("^/+", "");
        return new String[] {host, path};
    }
}
