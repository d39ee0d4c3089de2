package dev.agentmesh.runtime;

/** Starts agents on one runtime (pi today; Claude Code and Codex follow). */
public interface AgentLauncher {

    /** @return the runtime's name as recorded on agents, e.g. {@code pi} */
    String runtimeName();

    /**
     * Starts an agent that waits for a prompt.
     *
     * @throws dev.agentmesh.MeshException (unexpected state) if the runtime cannot be started
     */
    AgentProcess launch(LaunchSpec spec);
}
