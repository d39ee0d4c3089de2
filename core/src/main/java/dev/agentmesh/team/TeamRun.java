package dev.agentmesh.team;

import java.nio.file.Path;
import java.util.Set;

/**
 * One {@code agent_team} run as the store holds it (issue 7, seeds/002). Immutable.
 *
 * @param runId          the short handle, {@code r1} to {@code r9999999}, never reused in the project
 * @param owner          the agent that started it (milestone and terminal notices go to it), or null
 * @param objective      the graph's objective
 * @param status         {@code running}, {@code succeeded}, {@code failed}, {@code cancelled} or {@code timed_out}
 * @param plan           the validated plan it runs
 * @param noticeMode     {@code none}, {@code final} or {@code milestones}
 * @param maxNotices     most milestone notices, 0..100
 * @param noticeInterval least seconds between milestone notices, 1..3600
 * @param noticesSent    milestone notices sent so far
 * @param cwd            the invocation cwd (absolute) step cwds are relative to
 * @param artifacts      its artifact folder, {@code .mesh/team/RUNID}
 * @param supervisorPid  the supervisor that drives it, or null
 * @param diagnostic     why it ended as it did when not succeeded, or null
 * @param createdAt      epoch ms it started
 * @param endedAt        epoch ms it ended, or null while running
 * @param expiresAt      epoch ms its retention ends (terminal runs only), or null
 */
public record TeamRun(String runId, String owner, String objective, String status, TeamPlan plan, String noticeMode,
                      int maxNotices, int noticeInterval, int noticesSent, Path cwd, Path artifacts, Long supervisorPid,
                      String diagnostic, long createdAt, Long endedAt, Long expiresAt) {
    /** The live status. */
    public static final String RUNNING = "running";
    /** Every sink step succeeded. */
    public static final String SUCCEEDED = "succeeded";
    /** Some sink step did not succeed. */
    public static final String FAILED = "failed";
    /** Stopped by {@code cancel}. */
    public static final String CANCELLED = "cancelled";
    /** Ran past {@code limits.maxRunSeconds}. */
    public static final String TIMED_OUT = "timed_out";
    /** The statuses a run ends in. */
    public static final Set<String> TERMINAL = Set.of(SUCCEEDED, FAILED, CANCELLED, TIMED_OUT);

    /** @return whether it has ended */
    public boolean terminal() {
        return TERMINAL.contains(status);
    }
}
