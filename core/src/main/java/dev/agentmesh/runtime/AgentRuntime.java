package dev.agentmesh.runtime;

/**
 * Starts agents on one agent CLI (issue 6, part 1): pi, Claude Code, Codex or a plain command. Named
 * {@code AgentRuntime}, not {@code Runtime}, so it never shadows {@link java.lang.Runtime}. Implementations live
 * in the runtimes module, one folder each; core holds only this API. Thread-safe.
 */
public interface AgentRuntime {
    /** The runtimes agentmesh drives, by name (issue 6, part 1); {@code command} runs any program on its prompt. */
    java.util.List<String> KNOWN = java.util.List.of("pi", "claude", "codex", "command");

    /** @return the runtime's name as recorded on agents, e.g. {@code pi}, {@code claude}, {@code codex} */
    String name();

    /**
     * Starts an agent that waits for a prompt.
     *
     * @throws dev.agentmesh.MeshException (unexpected state) if the runtime cannot be started, with its error output
     */
    AgentSession launch(AgentSpec spec);

    /**
     * Starts an agent that continues the runtime session {@code sessionId} (its history, on the same model).
     *
     * @throws dev.agentmesh.MeshException (invalid input) if the runtime has no such session; (unexpected state) if
     *                                     it cannot be started
     */
    AgentSession resume(AgentSpec spec, String sessionId);
}
