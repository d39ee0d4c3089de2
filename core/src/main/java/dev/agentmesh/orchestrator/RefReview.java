package dev.agentmesh.orchestrator;

/**
 * One {@code mark_reviewed} as the store keeps it (seeds/004).
 *
 * @param reviewer   the agent that reviewed
 * @param ref        the ref reviewed: a branch name ({@code feature/x}), a pull-request ref ({@code refs/pull/12/head})
 *                   or a full commit id
 * @param sha        the full commit id reviewed
 * @param inDefault  true when {@code sha} was already in the default branch at the review
 * @param refPresent false when the review was recorded after the ref was gone (its closure acknowledged)
 * @param reviewedAt epoch ms of the review
 */
public record RefReview(String reviewer, String ref, String sha, boolean inDefault, boolean refPresent, long reviewedAt) {
}
