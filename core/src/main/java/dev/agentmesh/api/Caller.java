package dev.agentmesh.api;

import java.nio.file.Path;

/**
 * Who calls the {@code pi_messenger} tool: the agent name once joined (or given by {@code MESH_AGENT}), and the
 * process facts recorded by {@code join}. One per MCP connection or CLI call; not thread-safe.
 */
public final class Caller {
    private String agent;
    private String token;
    private final Path cwd;
    private final Long pid;
    private final String runtime;
    private final String model;

    /**
     * @param agent   the caller's agent name, or null until {@code join}
     * @param cwd     working directory; relative paths are resolved against it
     * @param pid     pid recorded on join (the agent's process), or null
     * @param runtime runtime recorded on join, e.g. {@code pi}, {@code mcp}, {@code cli}
     * @param model   model recorded on join, or null
     */
    public Caller(String agent, Path cwd, Long pid, String runtime, String model) {
        this.agent = agent;
        this.cwd = cwd;
        this.pid = pid;
        this.runtime = runtime;
        this.model = model;
    }

    /** @return the agent name, or null before join */
    public String agent() {
        return agent;
    }

    /** Sets the agent name; the API calls it on {@code join} and {@code rename}, a remote client from the answer. */
    public void agent(String name) {
        this.agent = name;
    }

    /** @return the agent's token (from its join, {@code MESH_AGENT_TOKEN} or the CLI's session file), or null */
    public String token() {
        return token;
    }

    /** Sets the agent's token; the API calls it on {@code join}, a client from the answer or its environment. */
    public Caller token(String value) {
        this.token = value;
        return this;
    }

    /** @return the working directory */
    public Path cwd() {
        return cwd;
    }

    /** @return the pid recorded on join, or null */
    public Long pid() {
        return pid;
    }

    /** @return the runtime recorded on join, or null */
    public String runtime() {
        return runtime;
    }

    /** @return the model recorded on join, or null */
    public String model() {
        return model;
    }
}
