package dev.agentmesh.orchestrator;

import dev.agentmesh.MeshException;
import dev.agentmesh.Texts;
import dev.agentmesh.mesh.Agent;
import dev.agentmesh.mesh.Presence;
import dev.agentmesh.orchestrator.internal.GitRefs;
import dev.agentmesh.orchestrator.internal.PullUrls;
import dev.agentmesh.orchestrator.internal.ReviewTable;
import dev.agentmesh.project.Project;
import dev.agentmesh.store.Store;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The orchestrator's review queue (seeds/004: "review_queue() surfaces PRs the peer has touched that you still owe a
 * review on; mark_reviewed(pr_url) clears them"), offline against the project's own git repository.
 *
 * <p>What a peer has touched: (1) every local branch but the default one whose commits that the default branch lacks
 * name the peer as git author, or in a {@code Mesh-Agent: NAME} trailer; (2) the branch the peer joined on (the agents
 * table); (3) refs recorded with {@link #touch}, and the peers found for a ref when it is marked reviewed (so a branch
 * that is merged or deleted afterwards keeps its peer, which git no longer tells). Without a peer filter, the peers are the project's agents (present or
 * not), the peers of recorded touches, and every name in a {@code Mesh-Agent} trailer; a git author name counts only
 * when it is one of them. The caller's own work is left out (unless it filters on itself).
 *
 * <p>An item's {@link ReviewItem#myAction}: {@code review-needed} (never reviewed), {@code none-needed} (reviewed at
 * the current commit), {@code re-review-suggested} (the ref moved since), {@code merged-since-review} (the reviewed
 * commit reached the default branch after the review), {@code closed-since-review} (the ref is gone, unmerged). A ref
 * that is gone and was never reviewed is left out: nothing is left to review. Reviews are rows of the store per
 * project and reviewer, so they survive restarts; {@link #markReviewed} again clears every state.
 *
 * <p>The default branch is the one {@code origin/HEAD} names, else {@code main}, else {@code master}, else the
 * checked-out one. At most {@link #MAX_BRANCHES} branches (the most recently committed) and
 * {@link GitRefs#MAX_COMMITS_PER_BRANCH} commits of each are looked at. Thread-safe; each call runs git a few times
 * (30 s timeout each) outside any store transaction.
 */
public final class ReviewQueue {
    /** Most branches looked at for authors in one call. */
    public static final int MAX_BRANCHES = 500;
    /** The commit trailer that names the agent behind a commit, whoever its git author is. */
    public static final String TRAILER = "Mesh-Agent";

    private final Store store;
    private final Project project;
    private final Presence presence;

    /**
     * @param store    the store
     * @param project  the project; its root is the git repository
     * @param presence the project's roster (its agents and the branch each joined on)
     */
    public ReviewQueue(Store store, Project project, Presence presence) {
        this.store = store;
        this.project = project;
        this.presence = presence;
    }

    /**
     * Records that {@code peer} touched {@code ref} (the lead's {@code job_update} calls it with a job's artifacts): it
     * is in the queue from now on, for every reviewer. Lenient by design, so it can be called with any artifact.
     *
     * @param peer an agent name
     * @param ref  a branch name, {@code refs/heads/NAME}, a commit id (4..64 hex digits) or a pull-request/branch URL
     * @return the ref as recorded (branch name, {@code refs/pull/N/head} or full commit id), or empty when {@code ref}
     *         is not a branch, commit or mappable URL of this repository (or the project is no git repository): nothing
     *         is recorded then
     * @throws MeshException (invalid input) for a bad agent name
     */
    public Optional<String> touch(String peer, String ref) {
        Presence.checkName(peer);
        if (!project.git() || ref == null) {
            return Optional.empty();
        }
        Resolved r;
        try {
            r = resolve(new GitRefs(project.root()), ref.strip());
        } catch (MeshException e) {
            return Optional.empty();
        }
        if (r.tip() == null) {
            return Optional.empty();
        }
        store.write(tx -> {
            ReviewTable.of(tx).touch(project.key(), peer, r.name(), System.currentTimeMillis());
            return null;
        });
        return Optional.of(r.name());
    }

    /**
     * Records that {@code reviewer} reviewed {@code ref} at {@code sha} (seeds/004 {@code mark_reviewed}).
     *
     * @param reviewer the caller's agent name
     * @param ref      a branch name, {@code refs/heads/NAME}, {@code refs/pull/N/head}, a commit id or a pull-request /
     *                 branch URL ({@link PullUrls}); a branch that is gone is accepted when the reviewer reviewed it
     *                 before (acknowledging its merge or closure)
     * @param sha      the commit reviewed (4..64 hex digits; it must be the ref's commit or one of its ancestors), or
     *                 null for the ref's current commit
     * @return the ref's item after the review (usually {@code none-needed}; {@code re-review-suggested} when an older
     *         commit was reviewed)
     * @throws MeshException (invalid input) for a bad ref, URL or sha, a ref the repository does not have, or a project
     *                       that is not a git repository
     */
    public ReviewItem markReviewed(String reviewer, String ref, String sha) {
        Presence.checkName(reviewer);
        project.requireGit("mark_reviewed");
        GitRefs git = new GitRefs(project.root());
        Resolved r = resolve(git, required(ref));
        String shaIn = sha == null || sha.isBlank() ? null : sha.strip();
        if (shaIn != null && !GitRefs.COMMIT.matcher(shaIn).matches()) {
            throw MeshException.invalidInput("sha '" + Texts.quote(shaIn, 80) + "' is not a commit id (4..64 hex digits)");
        }
        String commit = shaIn == null ? null : git.commit(shaIn).orElseThrow(() -> MeshException.invalidInput(
                "sha " + shaIn + " names no commit of " + project.root()));
        RefReview prior = store.read(tx -> ReviewTable.of(tx).latest(project.key(), reviewer, r.name())).orElse(null);
        String reviewed;
        if (r.tip() != null) {
            if (commit != null && !git.isAncestor(commit, r.tip())) {
                throw MeshException.invalidInput("sha " + shaIn + " is not on " + r.name() + " (its commit is " + r.tip() + ")");
            }
            reviewed = commit == null ? r.tip() : commit;
        } else if (prior != null) {
            reviewed = commit == null ? prior.sha() : commit;
        } else {
            throw MeshException.invalidInput("ref '" + Texts.quote(ref.strip(), 120) + "' is not a branch, pull-request ref or commit of "
                    + project.root() + " (git branch --list shows the branches)");
        }
        String base = git.defaultBranch();
        boolean inDefault = base != null && git.isAncestor(reviewed, git.tip(base));
        RefReview review = new RefReview(reviewer, r.name(), reviewed, inDefault, r.tip() != null, System.currentTimeMillis());
        // who touched it is recorded with the review: once merged or deleted, git no longer tells
        List<String> peers = touched(git, null, r.name()).getOrDefault(r.name(), Set.of()).stream().filter(p -> !p.equals(reviewer)).toList();
        store.write(tx -> {
            ReviewTable t = ReviewTable.of(tx);
            t.insert(project.key(), review);
            peers.forEach(p -> t.touch(project.key(), p, r.name(), review.reviewedAt()));
            return null;
        });
        return item(git, base, peers.isEmpty() ? null : peers.getFirst(), r.name(), review);
    }

    /**
     * The review queue of {@code reviewer} (seeds/004 {@code review_queue}).
     *
     * @param reviewer the caller's agent name
     * @param peer     only what this agent touched, or null for every peer
     * @param all      true to include {@code none-needed} items
     * @return one item per (peer, ref), by {@link ReviewItem#ACTIONS} order, then peer, then ref; empty when the
     *         project is no git repository
     * @throws MeshException (invalid input) for a bad agent name
     */
    public List<ReviewItem> queue(String reviewer, String peer, boolean all) {
        Presence.checkName(reviewer);
        if (peer != null) {
            Presence.checkName(peer);
        }
        if (!project.git()) {
            return List.of();
        }
        return collect(new GitRefs(project.root()), reviewer, peer).stream().filter(i -> all || i.owed())
                .sorted(Comparator.comparing((ReviewItem i) -> ReviewItem.ACTIONS.indexOf(i.myAction()))
                        .thenComparing(i -> i.peer() == null ? "" : i.peer()).thenComparing(ReviewItem::ref))
                .toList();
    }

    /** The reviewer's items of every (peer, ref) touched (only {@code peer}'s when not null). */
    private List<ReviewItem> collect(GitRefs git, String reviewer, String peer) {
        Map<String, RefReview> reviews = new HashMap<>();
        store.read(tx -> ReviewTable.of(tx).latest(project.key(), reviewer)).forEach(r -> reviews.put(r.ref(), r));
        String base = git.defaultBranch();
        List<ReviewItem> items = new ArrayList<>();
        for (Map.Entry<String, Set<String>> e : touched(git, peer, null).entrySet()) {
            for (String p : e.getValue()) {
                if (p.equals(reviewer) && !p.equals(peer)) {
                    continue;
                }
                ReviewItem item = item(git, base, p, e.getKey(), reviews.get(e.getKey()));
                if (item != null) {
                    items.add(item);
                }
            }
        }
        return items;
    }

    /** @return each touched ref with its peers, in the order found (only {@code peer}'s, only {@code onlyRef} when not null) */
    private Map<String, Set<String>> touched(GitRefs git, String peer, String onlyRef) {
        List<ReviewTable.Touch> touches = store.read(tx -> ReviewTable.of(tx).touches(project.key()));
        List<Agent> agents = presence.list(true);
        Set<String> known = new LinkedHashSet<>();
        agents.forEach(a -> known.add(a.name()));
        touches.forEach(t -> known.add(t.peer()));
        String base = git.defaultBranch();
        String baseTip = base == null ? null : git.tip(base);
        // ref -> its peers, in the order found
        Map<String, Set<String>> touched = new LinkedHashMap<>();
        for (ReviewTable.Touch t : touches) {
            add(touched, t.ref(), t.peer(), peer, onlyRef);
        }
        for (Agent a : agents) {
            if (a.branch() != null && !a.branch().equals(base) && GitRefs.refNameProblem(a.branch()) == null) {
                add(touched, a.branch(), a.name(), peer, onlyRef);
            }
        }
        int scanned = 0;
        for (Map.Entry<String, String> e : git.tips().entrySet()) {
            if (!e.getKey().startsWith("refs/heads/") || scanned >= MAX_BRANCHES) {
                continue;
            }
            String branch = e.getKey().substring("refs/heads/".length());
            if (branch.equals(base) || (onlyRef != null && !onlyRef.equals(branch))) {
                continue;
            }
            scanned++;
            List<Set<String>> names = git.authors(baseTip, e.getValue());
            for (String n : names.get(1)) {
                if (validName(n)) {
                    add(touched, branch, n, peer, onlyRef);
                }
            }
            for (String n : names.get(0)) {
                if (known.contains(n) || n.equals(peer)) {
                    add(touched, branch, n, peer, onlyRef);
                }
            }
        }
        return touched;
    }

    private static boolean validName(String name) {
        try {
            Presence.checkName(name);
            return true;
        } catch (MeshException e) {
            return false;
        }
    }

    private static void add(Map<String, Set<String>> touched, String ref, String by, String peer, String onlyRef) {
        if ((peer == null || peer.equals(by)) && (onlyRef == null || onlyRef.equals(ref))) {
            touched.computeIfAbsent(ref, k -> new LinkedHashSet<>()).add(by);
        }
    }

    /** @return the item of {@code ref} for {@code review} (null when never reviewed), or null when gone and never reviewed */
    private static ReviewItem item(GitRefs git, String base, String peer, String ref, RefReview review) {
        String tip = tipOf(git, ref);
        if (review == null) {
            return tip == null ? null : new ReviewItem(peer, ref, tip, null, null, ReviewItem.REVIEW_NEEDED);
        }
        String baseTip = base == null ? null : git.tip(base);
        boolean mergedSince = !review.inDefault() && baseTip != null && git.isAncestor(review.sha(), baseTip);
        String action;
        if (tip == null) {
            // gone: merged after the review is news; a review of work already in the default branch, or one that saw it
            // gone, leaves nothing to do; else the branch was closed without its reviewed work landing
            action = mergedSince ? ReviewItem.MERGED_SINCE_REVIEW
                    : review.inDefault() || !review.refPresent() ? ReviewItem.NONE_NEEDED : ReviewItem.CLOSED_SINCE_REVIEW;
        } else if (!tip.equals(review.sha())) {
            action = ReviewItem.RE_REVIEW_SUGGESTED;
        } else {
            action = mergedSince ? ReviewItem.MERGED_SINCE_REVIEW : ReviewItem.NONE_NEEDED;
        }
        return new ReviewItem(peer, ref, tip, review.sha(), review.reviewedAt(), action);
    }

    /** @return the commit {@code ref} (as recorded) is at now, or null when it is gone */
    private static String tipOf(GitRefs git, String ref) {
        if (ref.matches("[0-9a-f]{40}|[0-9a-f]{64}")) {
            return git.commit(ref).orElse(null);
        }
        return git.tip(ref);
    }

    /** A ref as recorded, and its commit now (null when the repository does not have it). */
    private record Resolved(String name, String tip) {
    }

    private static String required(String ref) {
        if (ref == null || ref.isBlank()) {
            throw MeshException.invalidInput("parameter 'ref' is required: a branch, a commit id or a pull-request URL");
        }
        return ref.strip();
    }

    /**
     * @return {@code ref} as recorded: a URL mapped by {@link PullUrls}; {@code refs/heads/X} as {@code X}; a branch;
     *         {@code refs/pull/N/head}; a commit id as its full id; else the name with no commit (a gone branch)
     * @throws MeshException (invalid input) for a malformed ref or an unmappable URL
     */
    private Resolved resolve(GitRefs git, String ref) {
        if (PullUrls.isUrl(ref)) {
            String mapped = PullUrls.map(ref, git);
            return new Resolved(mapped, git.tip(mapped));
        }
        String problem = GitRefs.refNameProblem(ref);
        if (problem != null) {
            throw MeshException.invalidInput("ref '" + Texts.quote(ref, 120) + "' " + problem);
        }
        String name = ref.startsWith("refs/heads/") ? ref.substring("refs/heads/".length()) : ref;
        if (name.startsWith("refs/") && !name.matches("refs/(pull|merge-requests)/[1-9][0-9]{0,9}/head")) {
            throw MeshException.invalidInput("ref '" + Texts.quote(ref, 120) + "' is not a branch: use a branch name, refs/heads/NAME, "
                    + "refs/pull/N/head or a commit id");
        }
        String tip = git.tip(name);
        if (tip != null) {
            return new Resolved(name, tip);
        }
        if (GitRefs.COMMIT.matcher(name).matches()) {
            Optional<String> c = git.commit(name);
            if (c.isPresent()) {
                return new Resolved(c.get(), c.get());
            }
            return new Resolved(name.length() >= 40 ? name.toLowerCase(Locale.ROOT) : name, null);
        }
        return new Resolved(name, null);
    }
}
