package dev.agentmesh.cli;

import dev.agentmesh.api.ApiResult;
import dev.agentmesh.api.Caller;
import dev.agentmesh.api.MeshApi;
import dev.agentmesh.team.TeamErrors;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

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
        return McpStdio.serve(api, new Caller(null, Path.of("/tmp"), ProcessHandle.current().pid(), "mcp", null), requests);
    }

    private static String call(int id, String tool, String arguments) {
        return McpStdio.call(id, tool, arguments);
    }
}
