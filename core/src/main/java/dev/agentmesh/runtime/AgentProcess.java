package dev.agentmesh.runtime;

import java.time.Duration;

/**
 * A running agent CLI driven by agentmesh. Closing it stops the whole process group, so no child survives.
 */
public interface AgentProcess extends AutoCloseable {

    /** @return the pid of the agent process (also its process group id) */
    long pid();

    /**
     * Starts a run with a prompt.
     *
     * @throws dev.agentmesh.MeshException (unexpected state) if the agent refuses it (e.g. it is busy) or is gone
     */
    void prompt(String message);

    /** Delivers a message to the running turn as a steering message (after the current tool). */
    void steer(String message);

    /** Queues a message for when the agent would otherwise stop. */
    void followUp(String message);

    /** Aborts the current run. */
    void abort();

    /**
     * Waits for the current run to end.
     *
     * @param timeout wall time to wait; when it passes the run is aborted and the result says so
     * @return how it ended, never null
     * @throws dev.agentmesh.MeshException (unexpected state) if the abort at the timeout cannot be sent (the agent is gone)
     */
    RunResult awaitEnd(Duration timeout);

    /** @return counters so far */
    Progress progress();

    /** @return true while the process runs */
    boolean alive();

    /** Stops the agent: closes its input, then terminates and finally kills its process group. Idempotent. */
    @Override
    void close();
}
