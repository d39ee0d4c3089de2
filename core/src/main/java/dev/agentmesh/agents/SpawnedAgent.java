package dev.agentmesh.agents;

/**
 * A persistent named agent of the registry (issue 6, parts 2 and 3; seeds 000 and 003): what was spawned, on which
 * runtime and model, the runtime's own session id (for resume) and where it is in its life.
 *
 * @param name       unique per project, given by whoever spawned it (never generated)
 * @param runtime    {@code pi}, {@code claude} or {@code codex}
 * @param model      {@code provider/model[:thinking]} as pinned at spawn, or null for the runtime's default
 * @param profile    the profile it was spawned from, or null
 * @param sessionId  the runtime's session id, or null before the runtime said it
 * @param status     where it is: {@link #SPAWNING}, {@link #IDLE}, {@link #ASSIGNED}, {@link #STOPPED}
 * @param workstream the workstream of its current or last assignment, or null
 * @param task       its current or last assignment, or null
 * @param summary    what it said it did ({@code agents.done}) for the last assignment, or null
 * @param pid        its process, or null when stopped
 * @param createdAt  epoch ms of the first spawn of this name
 * @param updatedAt  epoch ms of the last change
 */
public record SpawnedAgent(String name, String runtime, String model, String profile, String sessionId, String status,
                           String workstream, String task, String summary, Long pid, long createdAt, long updatedAt) {
    /** Starting; {@code spawn} returns once it is idle. */
    public static final String SPAWNING = "spawning";
    /** Running and waiting for an assignment. */
    public static final String IDLE = "idle";
    /** Working on an assignment. */
    public static final String ASSIGNED = "assigned";
    /** Its process is gone (killed, exited, or the supervisor restarted); {@code resume} starts it again. */
    public static final String STOPPED = "stopped";

    /** @return a copy with {@code status} and {@code updatedAt} */
    public SpawnedAgent withStatus(String status, long at) {
        return new SpawnedAgent(name, runtime, model, profile, sessionId, status, workstream, task, summary,
                STOPPED.equals(status) ? null : pid, createdAt, at);
    }
}
