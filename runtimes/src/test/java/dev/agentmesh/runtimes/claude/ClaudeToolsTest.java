package dev.agentmesh.runtimes.claude;

import dev.agentmesh.runtime.Capability;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Claude Code's tool names for capabilities ({@code --tools}, {@code --allowedTools}): mesh is the mesh server's two tools. */
class ClaudeToolsTest {
    @Test
    void meshGivesBothToolsOfTheMeshServer() {
        assertThat(ClaudeRuntime.tools(Set.of(Capability.MESH))).containsExactly("mcp__mesh__pi_messenger", "mcp__mesh__agent_team");
        assertThat(ClaudeRuntime.tools(Capability.ALL)).containsExactly("Read", "Grep", "Glob", "Edit", "NotebookEdit", "Write",
                "Bash", "mcp__mesh__pi_messenger", "mcp__mesh__agent_team");
        assertThat(ClaudeRuntime.TEAM_TOOL).isEqualTo("mcp__" + ClaudeRuntime.MCP_SERVER + "__agent_team");
        assertThat(ClaudeRuntime.tools(Set.of(Capability.READ))).containsExactly("Read");
    }
}
