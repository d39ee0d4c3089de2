package dev.agentmesh.runtimes.pi;

import dev.agentmesh.runtime.Capability;
import dev.agentmesh.runtime.ToolDescriptor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * pi's tool allow-list ({@code --tools}) for capabilities, and agentmesh's extension with both mesh tools filled in:
 * mesh gives {@code pi_messenger} and {@code agent_team} (seeds/001 and 002).
 */
class PiToolsTest {
    private static final ToolDescriptor MESSENGER = new ToolDescriptor("pi_messenger", "Coordinate \"mesh\".",
            "{\"type\":\"object\",\"properties\":{\"action\":{\"type\":\"string\",\"enum\":[\"join\"]}}}");
    private static final ToolDescriptor TEAM = new ToolDescriptor("agent_team", "Delegate to a team.",
            "{\"type\":\"object\",\"properties\":{\"action\":{\"type\":\"string\",\"enum\":[\"catalog\",\"start\"]}}}");

    @Test
    void meshGivesBothMeshTools() {
        java.util.List<String> mesh = java.util.stream.Stream.concat(java.util.stream.Stream.of("pi_messenger", "agent_team"),
                dev.agentmesh.api.OrchestratorTools.ALL.stream().map(dev.agentmesh.api.ToolSpec::name)).toList();
        assertThat(PiRuntime.tools(Set.of(Capability.MESH))).containsExactlyElementsOf(mesh).contains("ask", "job_create", "schedule_self");
        assertThat(PiRuntime.tools(Capability.ALL)).containsExactlyElementsOf(java.util.stream.Stream.concat(
                java.util.stream.Stream.of("read", "grep", "find", "ls", "edit", "write", "bash"), mesh.stream()).toList());
        assertThat(PiRuntime.tools(Set.of(Capability.READ, Capability.SHELL))).containsExactly("read", "bash");
    }

    @Test
    void theExtensionRegistersBothToolsWithTheirDescriptionsAndSchemas() throws Exception {
        String ts = PiRuntime.extensionSource(MESSENGER, TEAM, List.of("/opt/mesh", "--x"));
        assertThat(ts).doesNotContain("__DESCRIPTION__", "__PARAMETERS__", "__TEAM_DESCRIPTION__", "__TEAM_PARAMETERS__")
                .contains("name: \"pi_messenger\"", "description: \"Coordinate \\\"mesh\\\".\"")
                .contains("name: \"agent_team\"", "description: \"Delegate to a team.\"")
                .contains("const teamParameters: any = " + TEAM.inputSchema() + ";")
                .contains("parameters: " + MESSENGER.inputSchema() + ",")
                .contains("\"team.\" + action", "TEAM_TIMEOUT_MS = 90_000", "# agent_team error")
                .contains("process.env.MESH_CMD ?? \"[\\\"/opt/mesh\\\",\\\"--x\\\"]\"");
    }

    @Test
    void toolsNamedOtherwiseAreRefused() {
        assertThatThrownBy(() -> PiRuntime.extensionSource(TEAM, MESSENGER, List.of("mesh")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("registers pi_messenger and agent_team");
    }
}
