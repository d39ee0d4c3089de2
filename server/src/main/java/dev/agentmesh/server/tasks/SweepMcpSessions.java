package dev.agentmesh.server.tasks;

import dev.agentmesh.server.mcp.McpEndpoint;

import java.time.Duration;

/** Forgets, every minute, the MCP sessions of {@code /mcp} not connected for {@link #IDLE}. */
public final class SweepMcpSessions implements PeriodicTask {
    /** How long a session may stay unconnected before it is forgotten. */
    public static final Duration IDLE = Duration.ofHours(1);

    private final McpEndpoint endpoint;

    /** @param endpoint whose sessions to sweep */
    public SweepMcpSessions(McpEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    @Override
    public Duration period() {
        return Duration.ofMinutes(1);
    }

    @Override
    public void run() {
        endpoint.sweep(IDLE);
    }
}
