package dev.agentmesh.runtime;

/**
 * What a running agent did, as every runtime reports it (issue 6, part 1), translated from the runtime's own
 * stream (pi RPC events, Claude Code stream-json lines, Codex app-server notifications). Each carries {@code at},
 * the epoch ms the runtime's line was read.
 */
public sealed interface AgentEvent {
    /** @return epoch ms the event was read */
    long at();

    /** A turn began (a prompt, a steer that woke the agent, or a follow-up). */
    record TurnStarted(long at) implements AgentEvent {
    }

    /**
     * A tool call began.
     *
     * @param callId the runtime's id of the call, or "" when it gives none
     * @param tool   the tool's name as the runtime calls it (e.g. {@code bash}, {@code Edit}, {@code commandExecution})
     * @param path   the file an edit or write tool was given (as given: relative or absolute), or null
     */
    record ToolCallStarted(long at, String callId, String tool, String path) implements AgentEvent {
    }

    /**
     * A tool call ended.
     *
     * @param error true when the tool failed or was refused
     */
    record ToolCallEnded(long at, String callId, String tool, boolean error) implements AgentEvent {
    }

    /** Assistant text, once a message is complete (no streaming deltas). */
    record Text(long at, String text) implements AgentEvent {
    }

    /**
     * Tokens (and cost) of one model call or turn, as the runtime reports them.
     *
     * @param costUsd dollars, or a negative number when the runtime does not say
     */
    record Usage(long at, long inputTokens, long outputTokens, double costUsd) implements AgentEvent {
    }

    /** Something went wrong that the runtime reported (a model error, a refused command); the turn may go on. */
    record Error(long at, String message) implements AgentEvent {
    }

    /**
     * A turn ended.
     *
     * @param ok        true when the agent ended it normally
     * @param finalText its last assistant text, may be empty
     * @param error     why it did not end normally, or null when ok
     */
    record TurnEnded(long at, boolean ok, String finalText, String error) implements AgentEvent {
    }

    /** The session moved to {@code state}. */
    record StateChanged(long at, AgentSession.State state) implements AgentEvent {
    }
}
