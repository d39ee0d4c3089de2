package dev.agentmesh.orchestrator;

import java.util.List;

/**
 * One entry of the review queue (seeds/004 {@code review_queue}): a ref a peer touched and what the caller has to do
 * about it. The wire shape of {@code review_queue} and {@code mark_reviewed}.
 *
 * @param peer        the agent that touched the ref, or null when none is known (a ref only the caller touched)
 * @param ref         a branch name ({@code feature/x}), a pull-request ref ({@code refs/pull/12/head}) or a full commit id
 * @param sha         the ref's commit now (full id), or null when the ref is gone
 * @param reviewedSha the commit the caller last reviewed, or null when it never did
 * @param reviewedAt  epoch ms of that review, or null
 * @param myAction    one of {@link #ACTIONS}
 */
public record ReviewItem(String peer, String ref, String sha, String reviewedSha, Long reviewedAt, String myAction) {
    /** Never reviewed: a review is owed. */
    public static final String REVIEW_NEEDED = "review-needed";
    /** Reviewed at the ref's current commit: nothing to do. */
    public static final String NONE_NEEDED = "none-needed";
    /** The ref moved on since the review. */
    public static final String RE_REVIEW_SUGGESTED = "re-review-suggested";
    /** The reviewed commit reached the default branch after the review. */
    public static final String MERGED_SINCE_REVIEW = "merged-since-review";
    /** The ref is gone (a deleted branch) and its reviewed commit never reached the default branch. */
    public static final String CLOSED_SINCE_REVIEW = "closed-since-review";
    /** Every action, in the order the queue lists them. */
    public static final List<String> ACTIONS = List.of(REVIEW_NEEDED, RE_REVIEW_SUGGESTED, MERGED_SINCE_REVIEW,
            CLOSED_SINCE_REVIEW, NONE_NEEDED);

    /** @return true unless {@link #myAction} is {@link #NONE_NEEDED}: the caller still owes something */
    public boolean owed() {
        return !myAction.equals(NONE_NEEDED);
    }
}
