package dev.agentmesh.crew;

/**
 * One {@code mesh crew run} invocation and its timings.
 *
 * @param id         store id
 * @param prd        PRD path relative to the project
 * @param status     {@code running}, {@code done} (every task SHIP), {@code blocked}, {@code incomplete} (tasks left
 *                   when the waves ran out), {@code interrupted}, {@code failed} (e.g. the plan was rejected)
 * @param pid        pid of the process running it
 * @param host       host of that process
 * @param startedAt  epoch ms
 * @param endedAt    epoch ms, or null while running
 * @param planningMs wall time spent planning, ms
 * @param workMs     worker run time summed over workers (they overlap), ms
 * @param reviewMs   reviewer run time summed over reviewers, ms
 * @param waves      waves run
 */
public record CrewRun(long id, String prd, String status, long pid, String host, long startedAt, Long endedAt,
                      long planningMs, long workMs, long reviewMs, int waves) {
}
