package dev.agentmesh.crew;

/**
 * One {@code mesh crew run} invocation and its timings.
 *
 * @param id         store id
 * @param prd        PRD path relative to the project, or null for an inline prompt
 * @param status     {@code running}, {@code done} (every task SHIP), {@code blocked}, {@code interrupted}, {@code failed}
 * @param pid        pid of the process running it
 * @param host       host of that process
 * @param startedAt  epoch ms
 * @param endedAt    epoch ms, or null while running
 * @param planningMs wall time spent planning, ms
 * @param workMs     wall time of worker runs (waves minus reviews), ms
 * @param reviewMs   wall time of reviews, ms
 * @param waves      waves run
 */
public record CrewRun(long id, String prd, String status, long pid, String host, long startedAt, Long endedAt,
                      long planningMs, long workMs, long reviewMs, int waves) {
}
