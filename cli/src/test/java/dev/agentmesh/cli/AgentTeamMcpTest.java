package dev.agentmesh.cli;

import dev.agentmesh.api.ApiResult;
import dev.agentmesh.api.Caller;
import dev.agentmesh.api.MeshApi;
import dev.agentmesh.cli.mcp.MeshMcpServer;
import dev.agentmesh.team.TeamErrors;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The stdio server of {@code mesh mcp} offers {@code agent_team} beside {@code pi_messenger}: its calls reach the API
 * as {@code team.*} actions of the connection's caller, and its failures come back as the {@code # agent_team error}
 * block. The API is a stub.
 */
class AgentTeamMcpTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final List<String> calls = new ArrayList<>();

    private final MeshApi api = (caller, args) -> {
        calls.add(caller.agent() + " " + args);
        return switch (args.path("action").asString()) {
            case "team.start" -> new ApiResult("started r1", JSON.createObjectNode().put("runId", "r1"));
            case "team.cancel" -> throw TeamErrors.state("run r1 is not live", "call run_status for its final state");
            case "join" -> {
                caller.agent("Lead");
                yield new ApiResult("joined as Lead", JSON.createObjectNode());
            }
            default -> throw dev.agentmesh.MeshException.invalidInput("unknown action '" + args.path("action").asString() + "'");
        };
    };

    @Test
    void agentTeamIsListedAndCalledAsTheConnectionsCaller() {
        List<JsonNode> out = serve(
                "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}",
                call(3, "pi_messenger", "{\"action\":\"join\"}"),
                call(4, "agent_team", "{\"action\":\"start\",\"graphFile\":\"g.json\"}"),
                call(5, "agent_team", "{\"action\":\"cancel\",\"runId\":\"r1\"}"),
                call(6, "agent_team", "{\"action\":\"run\"}"),
                call(7, "agent_team", "{\"action\":\"run_status\",\"runId\":\"r1\",\"waitSeconds\":\"30\"}"));

        JsonNode tools = out.get(1).at("/result/tools");
        List<String> names = new ArrayList<>();
        tools.forEach(t -> names.add(t.path("name").asString()));
        assertThat(names).containsExactlyElementsOf(java.util.stream.Stream.concat(java.util.stream.Stream.of("pi_messenger", "agent_team"), dev.agentmesh.api.OrchestratorTools.ALL.stream().map(dev.agentmesh.api.ToolSpec::name)).toList());
        JsonNode team = tools.get(1);
        assertThat(team.at("/inputSchema/properties/action/enum").toString())
                .isEqualTo("[\"catalog\",\"start\",\"run_status\",\"step_result\",\"message\",\"cancel\",\"cleanup\"]");
        assertThat(team.path("description").asString()).contains("run_status");

        assertThat(out.get(3).at("/result/isError").asBoolean()).isFalse();
        assertThat(out.get(3).at("/result/content/0/text").asString()).isEqualTo("started r1");
        assertThat(out.get(3).at("/result/structuredContent/runId").asString()).isEqualTo("r1");
        assertThat(out.get(4).at("/result/isError").asBoolean()).isTrue();
        assertThat(out.get(4).at("/result/content/0/text").asString())
                .isEqualTo("# agent_team error\n\nrun r1 is not live\n\nRepair: call run_status for its final state");
        assertThat(out.get(5).at("/result/content/0/text").asString())
                .isEqualTo("# agent_team error\n\nrun is intentionally absent\n\nRepair: use start, then run_status");
        assertThat(out.get(6).at("/result/content/0/text").asString()).as("until the backend answers team.run_status")
                .isEqualTo("# agent_team error\n\nunknown action 'team.run_status'");
        assertThat(calls).containsExactly("null {\"action\":\"join\"}",
                "Lead {\"action\":\"team.start\",\"graphFile\":\"g.json\"}",
                "Lead {\"action\":\"team.cancel\",\"runId\":\"r1\"}",
                "Lead {\"action\":\"team.run_status\",\"runId\":\"r1\",\"waitSeconds\":\"30\"}");
    }

    private List<JsonNode> serve(String... requests) {
        StringBuilder in = new StringBuilder()
                .append("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":")
                .append("\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"test\",\"version\":\"1\"}}}\n")
                .append("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n");
        for (String r : requests) {
            in.append(r).append('\n');
        }
        ByteArrayOutputStream protocol = new ByteArrayOutputStream();
        Caller caller = new Caller(null, Path.of("/tmp"), ProcessHandle.current().pid(), "mcp", null);
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> MeshMcpServer.serve(api, caller, "test",
                new ByteArrayInputStream(in.toString().getBytes(StandardCharsets.UTF_8)), protocol));
        List<JsonNode> out = new ArrayList<>();
        protocol.toString(StandardCharsets.UTF_8).lines().forEach(l -> out.add(JSON.readTree(l)));
        return out;
    }

    private static String call(int id, String tool, String arguments) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
                + "\",\"arguments\":" + arguments + "}}";
    }
}
