package dev.agentmesh.agents;

import dev.agentmesh.runtime.Progress;

import java.util.List;
import java.util.Optional;

/**
 * What runs persistent named agents (issue 6, part 2; seed 000): the supervisor, which owns their processes. The
 * {@code spawn} and {@code agents.*} actions of the API go through it; without a supervisor
 * ({@code MESH_SERVE=off}) there is none and those actions are refused. Implementations are thread-safe.
 */
public interface AgentHost {

    /**
     * What to spawn; checked by {@link Agents#check(SpawnRequest)}.
     *
     * @param name     the agent's name, required (never generated: seed 003)
     * @param runtime  {@code pi} (default), {@code claude} or {@code codex}
     * @param model    {@code provider/model[:thinking]}, or null for the runtime's default
     * @param thinking a thinking level overriding the model's, or null
     * @param profile  a profile name, or null
     * @param prompt   appended to the runtime's system prompt, or null
     * @param autoKillOnDone stop the agent once it reports {@code agents.done} (seed 000; default false)
     */
    record SpawnRequest(String name, String runtime, String model, String thinking, String profile, String prompt,
                        boolean autoKillOnDone) {
        /** A request that keeps the agent after {@code agents.done}. */
        public SpawnRequest(String name, String runtime, String model, String thinking, String profile, String prompt) {
            this(name, runtime, model, thinking, profile, prompt, false);
        }
    }

    /**
     * How an assignment was taken.
     *
     * @param agent    the agent after it
     * @param queued   true when the agent was busy and the assignment waits (position in its queue, from 1)
     * @param position the queue position, 0 when it started at once
     * @param recalled how many earlier {@code agents.done} summaries of the workstream were recalled into the
     *                 assignment (0 when queued: recall happens when it starts)
     * @param paused   why it waits although the agent is free (a budget is reached: issue 6, part 7), or null
     */
    record Assigned(SpawnedAgent agent, boolean queued, int position, int recalled, String paused) {
    }

    /**
     * Starts the agent (a name whose agent stopped starts again, resuming its runtime session on the same model)
     * and returns once it is idle.
     *
     * @throws dev.agentmesh.MeshException (invalid input) for a name taken by a running agent or a bad request;
     *                                     (unexpected state) when the runtime cannot start or is not idle in time,
     *                                     with a diagnostics path
     */
    SpawnedAgent spawn(SpawnRequest request);

    /**
     * Gives the agent a task: a new turn when it is idle, else queued behind its current one; while its budget or the
     * project's is reached it waits, and {@code from} is asked (a message) to raise it.
     *
     * @param from who assigns it (the one asked when a budget stops it), or null
     * @throws dev.agentmesh.MeshException (invalid input) for an unknown or stopped agent
     */
    Assigned assign(String name, String task, String workstream, String from);

    /** A budget changed: agents paused by one start their waiting work if it now allows. */
    void budgetChanged();

    /**
     * The agent says it finished its assignment ({@code agents.done}): it is idle again, and its next queued
     * assignment starts.
     *
     * @throws dev.agentmesh.MeshException (invalid input) for an agent this host does not run
     */
    SpawnedAgent done(String name, String summary);

    /**
     * Stops the agent (its input closed, then its whole process tree); it stays in the registry as stopped.
     *
     * @throws dev.agentmesh.MeshException (invalid input) for an unknown agent
     */
    SpawnedAgent kill(String name);

    /** Stops every agent this host runs for the project; @return their names */
    List<String> killAll();

    /**
     * @return the running agent's session state (starting, idle, working), empty when not running; it can be working
     *         while the registry already says idle (the turn that reported {@code agents.done} is ending)
     */
    default Optional<dev.agentmesh.runtime.AgentSession.State> sessionState(String name) {
        return Optional.empty();
    }

    /** @return what the running agent has done so far (tool calls, tokens, last activity), empty when not running */
    Optional<Progress> progress(String name);

    /** @return the last {@code lines} lines of the agent's readable transcript ("" when it has none) */
    String logs(String name, int lines);
}
