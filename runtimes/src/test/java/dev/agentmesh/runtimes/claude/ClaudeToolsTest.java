package dev.agentmesh.runtimes.claude;

import dev.agentmesh.runtime.Capability;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Claude Code's tool names for capabilities ({@code --tools}, {@code --allowedTools}): mesh is the mesh server's two tools. */
class ClaudeToolsTest {
    @Test
    void meshGivesBothToolsOfTheMeshServer() {
        java.util.List<String> mesh = java.util.stream.Stream.concat(java.util.stream.Stream.of("pi_messenger", "agent_team"),
                dev.agentmesh.api.OrchestratorTools.ALL.stream().map(dev.agentmesh.api.ToolSpec::name)).map(t -> "mcp__mesh__" + t).toList();
        assertThat(ClaudeRuntime.tools(Set.of(Capability.MESH))).containsExactlyElementsOf(mesh).contains("mcp__mesh__wait_on_ack");
        assertThat(ClaudeRuntime.tools(Capability.ALL)).containsExactlyElementsOf(java.util.stream.Stream.concat(
                java.util.stream.Stream.of("Read", "Grep", "Glob", "Edit", "NotebookEdit", "Write", "Bash"), mesh.stream()).toList());
        assertThat(ClaudeRuntime.TEAM_TOOL).isEqualTo("mcp__" + ClaudeRuntime.MCP_SERVER + "__agent_team");
        assertThat(ClaudeRuntime.tools(Set.of(Capability.READ))).containsExactly("Read");
    }
}
