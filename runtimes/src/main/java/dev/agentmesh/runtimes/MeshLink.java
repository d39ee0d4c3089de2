package dev.agentmesh.runtimes;

import java.nio.file.Path;
import java.util.List;

/**
 * How an agent CLI that speaks MCP (Claude Code, Codex) reaches the mesh: the supervisor's {@code /mcp} as the
 * agent, or the {@code mesh mcp} bridge over stdio when no supervisor runs.
 *
 * @param store       the store (Claude Code's hook script sits in {@code clients/} beside it)
 * @param project     the project root (the MCP session's project)
 * @param mcpUrl      the supervisor's {@code /mcp} URL, or null to use {@code meshCommand mcp} over stdio
 * @param secret      the supervisor's secret (with {@code mcpUrl}), or null
 * @param meshCommand the mesh command line (e.g. {@code [/path/bin/mesh]}), for the stdio bridge
 */
public record MeshLink(Path store, Path project, String mcpUrl, String secret, List<String> meshCommand) {
    /** Copies the command. */
    public MeshLink {
        meshCommand = List.copyOf(meshCommand);
    }
}
