package dev.agentmesh.orchestrator.internal;

import dev.agentmesh.MeshException;
import dev.agentmesh.project.Commands;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The git facts the review queue needs, read offline from the project's repository by running {@code git} as a child
 * process ({@link Commands#run}, {@link #TIMEOUT} each). Output is read from formats that mark their own lines, so a
 * warning git prints to stderr (merged into the output) is never taken for data. Commit ids and ref names reach git
 * only after {@link #COMMIT} or {@link #refNameProblem} accepted them. Not thread-safe: one per call of the queue
 * (it memoises answers).
 */
public final class GitRefs {
    /** How long one git call may run. */
    public static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** A full or abbreviated commit id, 4..64 hex digits (SHA-1 or SHA-256 repositories). */
    public static final Pattern COMMIT = Pattern.compile("[0-9a-fA-F]{4,64}");
    /** Most commits of one branch looked at for its authors. */
    public static final int MAX_COMMITS_PER_BRANCH = 2000;
    private static final Pattern FULL = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");
    private static final String MARK = "\u0001";
    private static final String SEP = "\u0002";

    private final Path root;
    private Map<String, String> tips;
    private final Map<String, Boolean> ancestors = new HashMap<>();
    private final Map<String, Optional<String>> commits = new HashMap<>();

    /** @param root the git work tree's root */
    public GitRefs(Path root) {
        this.root = root;
    }

    /**
     * @return why {@code name} cannot be a branch or ref name (git's check-ref-format rules, and no leading '-' so it
     *         can never be read as an option), or null when it can
     */
    public static String refNameProblem(String name) {
        if (name.isEmpty() || name.length() > 250) {
            return "has " + name.length() + " characters; a ref name has 1..250";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= 0x20 || c == 0x7f || "~^:?*[\\".indexOf(c) >= 0) {
                return "holds '" + (c <= 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c))
                        + "', which git does not allow in a ref name";
            }
        }
        if (name.startsWith("-") || name.startsWith("/") || name.startsWith(".") || name.endsWith("/") || name.endsWith(".")
                || name.endsWith(".lock") || name.contains("..") || name.contains("//") || name.contains("@{") || name.contains("/.")
                || name.equals("@")) {
            return "is not a valid git ref name";
        }
        return null;
    }

    /** @return every branch and pull/merge-request ref with its commit: full ref name ({@code refs/heads/x}) to id */
    public Map<String, String> tips() {
        if (tips == null) {
            Commands.Output out = git("for-each-ref", "--sort=-committerdate", "--format=%01%(refname)%02%(objectname)",
                    "refs/heads", "refs/pull", "refs/merge-requests");
            Map<String, String> m = new LinkedHashMap<>();
            if (out.ok()) {
                for (String line : marked(out.output())) {
                    int at = line.indexOf(SEP);
                    if (at > 0) {
                        m.put(line.substring(0, at), line.substring(at + 1).strip());
                    }
                }
            }
            tips = m;
        }
        return tips;
    }

    /** @return the commit the branch or ref points at ({@code x}, {@code refs/heads/x}, {@code refs/pull/1/head}), or null */
    public String tip(String ref) {
        return tips().get(ref.startsWith("refs/") ? ref : "refs/heads/" + ref);
    }

    /**
     * The default branch: the local branch {@code origin/HEAD} points at, else {@code main}, else {@code master}, else
     * the checked-out branch.
     *
     * @return its short name, or null when the repository has none of them (no commit yet)
     */
    public String defaultBranch() {
        Commands.Output origin = git("symbolic-ref", "--quiet", "refs/remotes/origin/HEAD");
        List<String> candidates = new ArrayList<>();
        if (origin.ok()) {
            String target = origin.output().strip();
            if (target.startsWith("refs/remotes/origin/")) {
                candidates.add(target.substring("refs/remotes/origin/".length()));
            }
        }
        candidates.add("main");
        candidates.add("master");
        Commands.Output head = git("symbolic-ref", "--quiet", "--short", "HEAD");
        if (head.ok()) {
            candidates.add(head.output().strip());
        }
        return candidates.stream().filter(b -> tip(b) != null).findFirst().orElse(null);
    }

    /** @return the full id of the commit {@code id} (4..64 hex digits) names, if the repository has it */
    public Optional<String> commit(String id) {
        if (!COMMIT.matcher(id).matches()) {
            return Optional.empty();
        }
        return commits.computeIfAbsent(id.toLowerCase(java.util.Locale.ROOT), k -> {
            Commands.Output out = git("rev-parse", "--verify", "--quiet", k + "^{commit}");
            return out.ok() ? out.output().lines().map(String::strip).filter(l -> FULL.matcher(l).matches()).findFirst() : Optional.empty();
        });
    }

    /** @return true when commit {@code sha} is {@code of} or one of its ancestors (both full ids) */
    public boolean isAncestor(String sha, String of) {
        if (sha.equals(of)) {
            return true;
        }
        return ancestors.computeIfAbsent(sha + ".." + of, k -> git("merge-base", "--is-ancestor", sha, of).exitCode() == 0);
    }

    /**
     * The names on the commits of {@code tip} that {@code base} does not have (at most {@link #MAX_COMMITS_PER_BRANCH}).
     *
     * @param base a full commit id, or null for every commit of {@code tip}
     * @return [author names, {@code Mesh-Agent:} trailer values], each in the order met, newest commit first
     */
    public List<Set<String>> authors(String base, String tip) {
        List<String> args = new ArrayList<>(List.of("log", "-n", String.valueOf(MAX_COMMITS_PER_BRANCH),
                "--format=%x01%an%x02%(trailers:key=Mesh-Agent,valueonly,separator=%x02)", tip));
        if (base != null) {
            args.add("^" + base);
        }
        args.add("--");
        Set<String> authors = new LinkedHashSet<>();
        Set<String> trailers = new LinkedHashSet<>();
        Commands.Output out = git(args.toArray(String[]::new));
        if (out.ok()) {
            for (String line : marked(out.output())) {
                String[] parts = line.split(SEP, -1);
                if (!parts[0].isBlank()) {
                    authors.add(parts[0].strip());
                }
                for (int i = 1; i < parts.length; i++) {
                    if (!parts[i].isBlank()) {
                        trailers.add(parts[i].strip());
                    }
                }
            }
        }
        return List.of(authors, trailers);
    }

    /** @return each local branch's recorded upstream ref ({@code branch.NAME.merge}, e.g. refs/pull/12/head as gh pr checkout records) */
    public Map<String, String> branchMerges() {
        return config("^branch\\..*\\.merge$", "branch.", ".merge");
    }

    /** @return each remote's URL ({@code remote.NAME.url}) by remote name */
    public Map<String, String> remoteUrls() {
        return config("^remote\\..*\\.url$", "remote.", ".url");
    }

    private Map<String, String> config(String regex, String prefix, String suffix) {
        Commands.Output out = git("config", "--get-regexp", regex);
        Map<String, String> m = new LinkedHashMap<>();
        if (out.ok()) {
            for (String line : out.output().lines().toList()) {
                int sp = line.indexOf(' ');
                if (sp > 0 && line.startsWith(prefix) && line.substring(0, sp).endsWith(suffix)) {
                    m.put(line.substring(prefix.length(), sp - suffix.length()), line.substring(sp + 1).strip());
                }
            }
        }
        return m;
    }

    private static List<String> marked(String output) {
        List<String> lines = new ArrayList<>();
        for (String l : output.split("\n")) {
            if (l.startsWith(MARK)) {
                lines.add(l.substring(1));
            }
        }
        return lines;
    }

    private Commands.Output git(String... args) {
        List<String> cmd = new ArrayList<>(List.of("git", "-c", "core.quotepath=off", "--no-pager"));
        cmd.addAll(List.of(args));
        Commands.Output out = Commands.run(root, TIMEOUT, cmd);
        if (out.exitCode() == -1) {
            throw MeshException.unexpectedState("git " + args[0] + " in " + root + " did not answer within " + TIMEOUT.toSeconds() + " s");
        }
        return out;
    }
}
