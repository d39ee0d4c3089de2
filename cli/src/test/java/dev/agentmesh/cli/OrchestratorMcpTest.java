package dev.agentmesh.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentmesh.api.ApiResult;
import dev.agentmesh.api.Caller;
import dev.agentmesh.api.MeshApi;
import dev.agentmesh.api.OrchestratorTools;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The stdio server of {@code mesh mcp} offers each orchestrator tool (seeds/004) under its own name: a call reaches the
 * API as the action of that name with the arguments unchanged (an {@code action} among them cannot pick another
 * action), its text comes first in the structured content, and a refusal is an error result with its one line. The
 * API is a stub.
 */
class OrchestratorMcpTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final List<String> calls = new ArrayList<>();

    private final MeshApi api = (caller, args) -> {
        calls.add(args.toString());
        return switch (args.path("action").asString()) {
            case "ask" -> new ApiResult("asked @Scout: ask #1 is open", JSON.createObjectNode().put("id", 1).put("status", "open"));
            case "wait_on_ack" -> throw dev.agentmesh.MeshException.invalidInput("timeout_seconds 601 is out of range 0..600");
            default -> throw new IllegalStateException("boom\nsecond line");
        };
    };

    @Test
    void eachToolCallsTheActionOfItsNameAndRefusalsAreOneLineErrorResults() {
        List<JsonNode> out = serve("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}",
                call(3, "ask", "{\"peer\":\"Scout\",\"brief\":\"hi\",\"action\":\"agents.killall\"}"),
                call(4, "wait_on_ack", "{\"id\":1,\"timeout_seconds\":601}"),
                call(5, "job_list", "{}"));
        JsonNode tools = out.get(1).at("/result/tools");
        JsonNode ask = null;
        for (JsonNode t : tools) {
            if (t.path("name").asString().equals("ask")) {
                ask = t;
            }
        }
        assertThat(ask).isNotNull();
        assertThat(ask.at("/inputSchema/required").toString()).isEqualTo("[\"peer\",\"brief\"]");
        assertThat(ask.path("description").asString()).contains("ack");
        assertThat(tools).hasSize(2 + OrchestratorTools.ALL.size());

        assertThat(out.get(2).at("/result/isError").asBoolean()).isFalse();
        assertThat(out.get(2).at("/result/content/0/text").asString()).isEqualTo("asked @Scout: ask #1 is open");
        assertThat(out.get(2).at("/result/structuredContent").propertyNames().iterator().next()).isEqualTo("text");
        assertThat(out.get(2).at("/result/structuredContent/id").asInt()).isEqualTo(1);
        assertThat(out.get(3).at("/result/isError").asBoolean()).isTrue();
        assertThat(out.get(3).at("/result/content/0/text").asString()).isEqualTo("timeout_seconds 601 is out of range 0..600");
        assertThat(out.get(4).at("/result/isError").asBoolean()).isTrue();
        assertThat(out.get(4).at("/result/content/0/text").asString()).isEqualTo("internal error: boom (IllegalStateException)");
        assertThat(calls).containsExactly("{\"peer\":\"Scout\",\"brief\":\"hi\",\"action\":\"ask\"}",
                "{\"id\":1,\"timeout_seconds\":601,\"action\":\"wait_on_ack\"}", "{\"action\":\"job_list\"}");
    }

    private List<JsonNode> serve(String... requests) {
        return McpStdio.serve(api, new Caller("Orch", Path.of("/tmp"), ProcessHandle.current().pid(), "mcp", null), requests);
    }

    private static String call(int id, String tool, String arguments) {
        return McpStdio.call(id, tool, arguments);
    }
}
