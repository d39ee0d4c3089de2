package dev.agentmesh.server.mcp;

import dev.agentmesh.MeshException;
import dev.agentmesh.api.ApiResult;
import dev.agentmesh.team.TeamErrors;
import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@code agent_team} tool's adapter (seeds/002): actions map to the API's {@code team.*}, {@code run} and unknown
 * actions are refused in the error form, failures come back as the {@code # agent_team error} block, results as
 * pi_messenger's do. The API is a stub that records what it was called with.
 */
class AgentTeamToolTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String CHOOSE = "use one of catalog, start, run_status, step_result, message, cancel, cleanup";

    private final List<JsonNode> calls = new ArrayList<>();

    private SyncToolSpecification tool(java.util.function.Function<JsonNode, ApiResult> api) {
        return AgentTeamTool.specification(new JacksonMcpJsonMapper(JSON), (exchange, args) -> {
            calls.add(args);
            return api.apply(args);
        });
    }

    private CallToolResult call(SyncToolSpecification tool, String argsJson) {
        Map<String, Object> args = JSON.readValue(argsJson, new tools.jackson.core.type.TypeReference<>() { });
        return tool.callHandler().apply(null, new CallToolRequest("agent_team", args));
    }

    private static String text(CallToolResult r) {
        return ((TextContent) r.content().getFirst()).text();
    }

    @ParameterizedTest
    @ValueSource(strings = {"catalog", "start", "run_status", "step_result", "message", "cancel", "cleanup"})
    void eachActionIsTheApisTeamActionWithTheOtherArgumentsAsGiven(String action) {
        ObjectNode args = JSON.createObjectNode().put("action", action).put("runId", "r1").put("waitSeconds", 30);
        args.putObject("graph").put("objective", "x");
        ObjectNode mapped = AgentTeamTool.apiArgs(args);
        assertThat(mapped.toString()).isEqualTo("{\"action\":\"team." + action + "\",\"runId\":\"r1\",\"waitSeconds\":30,"
                + "\"graph\":{\"objective\":\"x\"}}");
        assertThat(args.path("action").asString()).as("the caller's arguments stay as they were").isEqualTo(action);
    }

    @Test
    void runIsIntentionallyAbsentAndSaysWhatToDoInstead() {
        assertThatThrownBy(() -> AgentTeamTool.apiArgs(JSON.readTree("{\"action\":\"run\",\"graph\":{}}")))
                .isInstanceOf(MeshException.class)
                .hasMessage("run is intentionally absent Repair: use start, then run_status")
                .extracting(e -> ((MeshException) e).kind()).isEqualTo(MeshException.Kind.INVALID_INPUT);

        CallToolResult r = call(tool(a -> { throw new AssertionError("run reached the API"); }), "{\"action\":\"run\"}");
        assertThat(r.isError()).isTrue();
        assertThat(text(r)).isEqualTo("# agent_team error\n\nrun is intentionally absent\n\nRepair: use start, then run_status");
        assertThat(calls).isEmpty();
    }

    @Test
    void aMissingOrUnknownActionIsRefusedListingTheActions() {
        SyncToolSpecification tool = tool(a -> { throw new AssertionError("reached the API"); });
        assertThat(text(call(tool, "{\"runId\":\"r1\"}"))).isEqualTo("# agent_team error\n\nagent_team needs an action\n\nRepair: " + CHOOSE);
        assertThat(text(call(tool, "{\"action\":\"  \"}"))).isEqualTo("# agent_team error\n\nagent_team needs an action\n\nRepair: " + CHOOSE);
        CallToolResult unknown = call(tool, "{\"action\":\"team.start\"}");
        assertThat(unknown.isError()).isTrue();
        assertThat(text(unknown)).isEqualTo("# agent_team error\n\nunknown agent_team action 'team.start'\n\nRepair: " + CHOOSE);
        assertThat(text(call(tool, "{\"action\":7}"))).startsWith("# agent_team error\n\nunknown agent_team action '7'");
        assertThat(text(call(tool, "{\"action\":\"st\\nart\"}"))).as("a bad value is quoted on one line")
                .startsWith("# agent_team error\n\nunknown agent_team action 'st\\nart'");
        assertThatThrownBy(() -> AgentTeamTool.apiArgs(JSON.readTree("[1]"))).hasMessage("agent_team takes a JSON object with an action Repair: " + CHOOSE);
        assertThat(calls).isEmpty();
    }

    @Test
    void aFailureOfTheBackendIsRenderedAsTheErrorBlock() {
        CallToolResult repaired = call(tool(a -> { throw TeamErrors.state("run r9 is not live", "call run_status for its final state"); }),
                "{\"action\":\"cancel\",\"runId\":\"r9\"}");
        assertThat(repaired.isError()).isTrue();
        assertThat(text(repaired)).isEqualTo("# agent_team error\n\nrun r9 is not live\n\nRepair: call run_status for its final state");
        assertThat(calls).extracting(JsonNode::toString).containsExactly("{\"action\":\"team.cancel\",\"runId\":\"r9\"}");

        CallToolResult plain = call(tool(a -> { throw MeshException.invalidInput("unknown action 'team.cancel'; known actions: join"); }),
                "{\"action\":\"cancel\",\"runId\":\"r9\"}");
        assertThat(text(plain)).as("a message without a repair is the problem alone")
                .isEqualTo("# agent_team error\n\nunknown action 'team.cancel'; known actions: join");

        CallToolResult bug = call(tool(a -> { throw new IllegalStateException("boom\nsecond line"); }), "{\"action\":\"catalog\"}");
        assertThat(bug.isError()).isTrue();
        assertThat(text(bug)).isEqualTo("# agent_team error\n\ninternal error: boom (IllegalStateException)");
    }

    @Test
    void aResultCarriesTheTextAndTheDataAsStructuredContent() {
        ObjectNode data = JSON.createObjectNode().put("runId", "r1").put("status", "running");
        CallToolResult started = call(tool(a -> new ApiResult("started r1 (1 step)", data)),
                "{\"action\":\"start\",\"graph\":{\"objective\":\"o\",\"steps\":[{\"id\":\"inspect\"}]},\"notices\":\"final\"}");
        assertThat(started.isError()).isFalse();
        assertThat(text(started)).isEqualTo("started r1 (1 step)");
        assertThat(started.structuredContent()).as("the text goes first: Claude Code and Codex show a model only this")
                .isEqualTo(Map.of("text", "started r1 (1 step)", "runId", "r1", "status", "running"));
        assertThat(calls.getFirst().toString()).isEqualTo("{\"action\":\"team.start\",\"graph\":{\"objective\":\"o\","
                + "\"steps\":[{\"id\":\"inspect\"}]},\"notices\":\"final\"}");

        CallToolResult listed = call(tool(a -> new ApiResult("2 profiles", JSON.createArrayNode().add("package:scout").add("package:critic"))),
                "{\"action\":\"catalog\",\"library\":{\"query\":\"review\"}}");
        assertThat(listed.structuredContent()).as("an array comes as items")
                .isEqualTo(Map.of("text", "2 profiles", "items", List.of("package:scout", "package:critic")));
    }

    @Test
    void theSchemaOffersTheSevenActionsAndBoundsTheWait() {
        JsonNode schema = JSON.readTree(AgentTeamTool.inputSchema());
        assertThat(schema.path("type").asString()).isEqualTo("object");
        assertThat(schema.path("required").toString()).isEqualTo("[\"action\"]");
        assertThat(schema.at("/properties/action/enum").toString())
                .isEqualTo("[\"catalog\",\"start\",\"run_status\",\"step_result\",\"message\",\"cancel\",\"cleanup\"]");
        assertThat(schema.at("/properties/waitSeconds/maximum").asInt()).isEqualTo(60);
        assertThat(schema.at("/properties/mode/enum").toString()).isEqualTo("[\"steer\",\"follow_up\"]");
        assertThat(schema.at("/properties/notices/enum").toString()).isEqualTo("[\"none\",\"final\",\"milestones\"]");
        assertThat(schema.at("/properties/library/properties").propertyNames()).containsExactly("query", "sources");
        assertThat(schema.at("/properties/graph/type").asString()).isEqualTo("object");
        assertThat(schema.path("properties").properties()).extracting(Map.Entry::getKey).containsExactly("action", "graph", "graphFile", "notices",
                "runId", "stepId", "waitSeconds", "cursor", "preview", "debugEvents", "library", "mode", "message", "key");
        assertThat(schema.has("additionalProperties")).as("the backend, not the schema, refuses unknown fields").isFalse();
        assertThat(AgentTeamTool.DESCRIPTION).contains("catalog", "start", "run_status", "step_result", "message", "cancel",
                "cleanup", "package:scout", "allowFilesystemRead", "r1", "sink", "There is no run action");
        assertThat(JSON.readTree(AgentTeamTool.DESCRIPTION.substring(AgentTeamTool.DESCRIPTION.indexOf("{\"action\":\"start\""),
                AgentTeamTool.DESCRIPTION.indexOf(" then {"))).at("/graph/steps/0/agent/ref").asString())
                .as("the description's minimum run is valid JSON").isEqualTo("package:scout");
        SyncToolSpecification spec = tool(a -> null);
        assertThat(spec.tool().name()).isEqualTo("agent_team");
        assertThat(spec.tool().description()).isEqualTo(AgentTeamTool.DESCRIPTION);
        assertThat(AgentTeamTool.descriptor().name()).isEqualTo("agent_team");
        assertThat(AgentTeamTool.descriptor().inputSchema()).isEqualTo(AgentTeamTool.inputSchema());
    }
}
