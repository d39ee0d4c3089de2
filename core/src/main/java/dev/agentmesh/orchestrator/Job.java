package dev.agentmesh.orchestrator;

import java.util.List;
import java.util.Set;

/**
 * A durable job (seeds/004: "create a durable job when it needs lifecycle/result state"): a request an owner gives an
 * assignee, dispatched as an ask that carries the job's id, tracked through its states until a terminal one.
 *
 * @param id            unique in the store, never reused
 * @param title         a short title, 1..{@value Jobs#MAX_TITLE_CHARS} characters
 * @param kind          a free label (default {@code task}), e.g. {@code review}, {@code plan}
 * @param owner         who created it and is notified of its transitions
 * @param assignee      who runs it, or null while unassigned (it waits in the queue)
 * @param request       what to do
 * @param state         one of {@link #STATES}
 * @param phase         the assignee's current phase, free text, or null
 * @param progress      0..100, or null
 * @param result        the result once completed, or null
 * @param error         why it failed, expired or is unavailable, or null
 * @param artifacts     paths, refs or URLs the assignee reported
 * @param attempts      dispatch attempts made
 * @param maxAttempts   dispatch attempts allowed before it is dead-lettered
 * @param nextAttemptAt when a queued job is dispatched (its due time, or a retry's backoff), epoch ms, or null
 * @param deadLettered  whether dispatch gave up ({@code unavailable}); {@code job_retry} runs it again as a new job
 * @param askId         the ask of the current dispatch, or null
 * @param dueAt         a delayed one-shot's time, epoch ms, or null
 * @param cron          a recurring template's cron expression, or null; a template is never dispatched itself, each
 *                      fire creates a job whose {@code parentId} is the template
 * @param parentId      the template or the dead-lettered job this one was made from, or null
 * @param deadline      when a job not yet terminal expires, epoch ms, or null
 * @param createdAt     epoch ms
 * @param updatedAt     epoch ms of the last change
 */
public record Job(long id, String title, String kind, String owner, String assignee, String request, String state, String phase,
                  Integer progress, String result, String error, List<String> artifacts, int attempts, int maxAttempts,
                  Long nextAttemptAt, boolean deadLettered, Long askId, Long dueAt, String cron, Long parentId, Long deadline,
                  long createdAt, long updatedAt) {
    /** The states, in lifecycle order (from the issue). */
    public static final List<String> STATES = List.of("queued", "dispatching", "delivered", "running", "awaiting_input",
            "blocked", "completed", "failed", "cancelled", "expired", "unavailable");
    /** The terminal states: a job in one never changes state again. */
    public static final Set<String> TERMINAL = Set.of("completed", "failed", "cancelled", "expired", "unavailable");
    /** The states an assignee works in: its death fails the job. */
    public static final Set<String> WITH_EXECUTOR = Set.of("delivered", "running", "awaiting_input", "blocked");

    /** @return whether it is in a terminal state */
    public boolean terminal() {
        return TERMINAL.contains(state);
    }

    /** @return whether it is a recurring template */
    public boolean template() {
        return cron != null;
    }
}
