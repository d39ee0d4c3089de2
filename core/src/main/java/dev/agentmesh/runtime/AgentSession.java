package dev.agentmesh.runtime;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * One running agent CLI driven by agentmesh (issue 6, part 1). Thread-safe: the supervisor, a crew and an attached
 * person may call it at once. Stopping it stops the agent's whole process tree, so no child survives.
 */
public interface AgentSession extends AutoCloseable {
    /** How long {@link #close} lets the agent end on its own before its tree is killed. */
    Duration DEFAULT_GRACE = Duration.ofSeconds(2);

    /** Where a session is in its life; {@code STOPPED} is final. */
    enum State {
        /** the process starts and has not yet said it is ready */
        STARTING,
        /** ready for a prompt */
        IDLE,
        /** a turn is going on */
        WORKING,
        /** the process is gone */
        STOPPED
    }

    /** @return the runtime's own id of this session (pi session file, Claude session id, Codex thread id), for {@link AgentRuntime#resume} */
    String sessionId();

    /** @return the runtime's name, e.g. {@code pi} */
    String runtime();

    /** @return the pid of the agent process (also its process group id) */
    long pid();

    /** @return the state now */
    State state();

    /**
     * Starts a turn with {@code message}.
     *
     * @throws dev.agentmesh.MeshException (unexpected state) if a turn is going on (steer or follow up instead) or the
     *                                     agent is gone
     */
    void prompt(String message);

    /**
     * Gives {@code message} to the running turn, as soon as the runtime takes it (pi: after the current tool;
     * Claude Code: with the next tool result; Codex: {@code turn/steer}); when idle, starts a turn with it.
     *
     * @throws dev.agentmesh.MeshException (unexpected state) if the agent is gone
     */
    void steer(String message);

    /**
     * Queues {@code message} for when the running turn would end; when idle, starts a turn with it.
     *
     * @throws dev.agentmesh.MeshException (unexpected state) if the agent is gone
     */
    void followUp(String message);

    /** Interrupts the running turn (the turn ends as not ok); nothing when idle. */
    void interrupt();

    /**
     * Waits for the current turn to end.
     *
     * @param timeout wall time to wait; when it passes the turn is interrupted and the result says so
     * @return how it ended, never null ("no run was started" when no turn was ever started)
     */
    RunResult awaitEnd(Duration timeout);

    /** @return counters so far */
    Progress progress();

    /**
     * Adds a listener for every later event, called in order on the thread that caused it while the session's lock is
     * held (keep it short; never block, never wait for another thread that calls the session).
     *
     * @return a handle whose {@code close} removes the listener
     */
    AutoCloseable subscribe(Consumer<AgentEvent> listener);

    /** @return true until the process is gone */
    default boolean alive() {
        return state() != State.STOPPED;
    }

    /**
     * Stops the agent: closes its input, waits up to {@code grace} for it to exit, then terminates and kills its
     * whole process tree. Idempotent; a turn going on ends as "stopped".
     */
    void stop(Duration grace);

    /** {@link #stop} with {@link #DEFAULT_GRACE}. */
    @Override
    default void close() {
        stop(DEFAULT_GRACE);
    }
}
