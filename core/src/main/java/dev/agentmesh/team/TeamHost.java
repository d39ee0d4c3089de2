package dev.agentmesh.team;

import tools.jackson.databind.node.ObjectNode;

import java.nio.file.Path;

/**
 * What runs {@code agent_team} graphs (issue 7, seeds/002): the supervisor, which owns the child processes. The
 * {@code start}, {@code message} and {@code cancel} actions go through it; the read actions ({@code run_status},
 * {@code step_result}) and {@code cleanup} read the store, so they answer with or without it. Implementations are
 * thread-safe.
 */
public interface TeamHost {

    /**
     * Registers a run of {@code plan} and launches its ready steps; returns once the run is registered (steps run
     * detached: seeds/002 "start returns a usable short registered runId ... or leaves no child process alive").
     *
     * @param owner          the agent that starts it (notices go to it), or null
     * @param noticeMode     {@code none}, {@code final} or {@code milestones}
     * @param maxNotices     most milestone notices, 0..100
     * @param noticeInterval least seconds between milestone notices, 1..3600
     * @param cwd            the invocation cwd (absolute, real)
     * @throws dev.agentmesh.MeshException (unexpected state) when 16 runs are live or 64 retained
     */
    TeamRun start(TeamPlan plan, String owner, String noticeMode, int maxNotices, int noticeInterval, Path cwd);

    /**
     * Queues a parent message to one live step (seeds/002 {@code message}): {@code steer} after the child's current
     * tool calls, before its next model call; {@code follow_up} when it would otherwise finish. An exact duplicate
     * key returns the first receipt.
     *
     * @param mode    {@code steer} or {@code follow_up}
     * @param key     the idempotency key, or null
     * @return the receipt: {@code {"status": "accepted"|"denied", "runId", "stepId", "mode", "key", "reason"?,
     *         "duplicate"}}
     * @throws dev.agentmesh.MeshException (invalid input) for an unknown run or step
     */
    ObjectNode message(String runId, String stepId, String mode, String text, String key);

    /**
     * Stops a live run: its running steps' processes are stopped, pending steps never launch.
     *
     * @return the run after it; a terminal run is returned as it is
     * @throws dev.agentmesh.MeshException (invalid input) for an unknown run
     */
    TeamRun cancel(String runId);

    /** @return the live assistant text of a running step so far, or null when it is not running here */
    default String liveText(String runId, String stepId) {
        return null;
    }
}
