package dev.agentmesh.crew;

import java.util.List;

/**
 * A crew task as stored.
 *
 * @param id          task id from the plan, e.g. {@code task-1}
 * @param title       one line
 * @param description what to do, may be empty
 * @param status      see {@link Status}
 * @param assignee    agent working on it or who finished it, or null
 * @param attempts    worker runs started so far
 * @param reviews     reviews recorded so far
 * @param verdict     last review verdict, or null before the first review
 * @param feedback    last review feedback (the reason a task came back), or null
 * @param summary     the worker's {@code task.done} summary, or null
 * @param blockReason why it is blocked, or null
 * @param wave        number of the wave that last ran it (1-based), or null
 * @param dependsOn   ids of the tasks that must be done first, in plan order
 * @param updatedAt   epoch ms of the last change
 */
public record Task(String id, String title, String description, Status status, String assignee, int attempts,
                   int reviews, Verdict verdict, String feedback, String summary, String blockReason, Integer wave,
                   List<String> dependsOn, long updatedAt) {

    /** Task states, as in the pi-messenger crew (seeds/001). */
    public enum Status {
        /** Waiting to be started (its dependencies may not be done yet). */
        TODO,
        /** Claimed by a worker. */
        IN_PROGRESS,
        /** Finished by the worker ({@code task.done}); the review verdict tells if it stays done. */
        DONE,
        /** Stopped: a MAJOR_RETHINK verdict, too many attempts, or {@code task.block}. */
        BLOCKED;

        /** @return the wire name, e.g. {@code in_progress}; the wire records use it */
        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** @return the status for a wire name, case-insensitive */
        public static Status fromWire(String s) {
            return valueOf(s.toUpperCase(java.util.Locale.ROOT));
        }
    }
}
