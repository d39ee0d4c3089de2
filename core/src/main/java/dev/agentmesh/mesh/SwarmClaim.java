package dev.agentmesh.mesh;

/**
 * A swarm claim: an agent working on one task of a spec (pi-messenger's swarm, seeds/001).
 *
 * @param spec        the spec the task belongs to, a path relative to the project, or "" for none
 * @param taskId      the task id, as the spec names it
 * @param holder      name of the claiming agent
 * @param claimedAt   epoch ms
 * @param completedAt epoch ms of {@code complete}, or null while it is worked on
 * @param result      what {@code complete} reported, or null
 */
public record SwarmClaim(String spec, String taskId, String holder, long claimedAt, Long completedAt, String result) {
    /** @return true once the task was completed */
    public boolean completed() {
        return completedAt != null;
    }
}
