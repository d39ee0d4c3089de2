package dev.agentmesh.model;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static dev.agentmesh.model.ModelClient.JSON;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Anthropic Messages ({@code /v1/messages}, Claude Code) and OpenAI Responses ({@code /v1/responses}, Codex)
 * wire formats: which step a request plays, tool calls and texts streamed and plain, namespaced MCP tools, errors.
 */
class MessagesAndResponsesWireTest {
    static final String SCRIPT = """
            rules:
              - match: "[edit]"
                steps:
                  - tool: Write
                    args: {file_path: "/r/ü.js", content: "héllo 👋"}
                  - text: "A longer final text that the server splits into several streamed pieces 👋 done."
              - match: "[neutral]"
                steps:
                  - write: {path: src/a.txt, content: hi}
              - match: "[neutral edit]"
                steps:
                  - edit: {path: a.txt, old: hi, new: ho}
              - match: "[two steps]"
                steps:
                  - shell: "true"
                  - text: "the second step"
              - match: "[steer] also this"
                steps:
                  - text: "steered"
              - match: "[mcp]"
                steps:
                  - tool: mcp__mesh__pi_messenger
                    args: {action: join}
                  - text: "joined"
              - match: "[team]"
                steps:
                  - team: {action: run_status, runId: r1, waitSeconds: 30}
            """;

    ScriptedModelServer server = ScriptedModelServer.start(Script.parse(SCRIPT, "wire2.yaml"), 0);
    ModelClient client = new ModelClient(server);

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aNeutralWriteReachesClaudeCodeAsWriteWithTheAbsolutePathItNeeds() throws Exception {
        String body = """
                {"model": "scripted", "tools": [{"name": "Write", "input_schema": {}}],
                 "system": [{"type": "text", "text": "Environment:\\n - Primary working directory: /r/work\\n - Platform: linux"}],
                 "messages": [{"role": "user", "content": "[neutral] go"}]}""";
        JsonNode answer = JSON.readTree(client.send("POST", "/messages", body).body());
        assertThat(answer.at("/content/0/name").asString()).isEqualTo("Write");
        assertThat(answer.at("/content/0/input")).isEqualTo(JSON.readTree("{\"file_path\": \"/r/work/src/a.txt\", \"content\": \"hi\"}"));
    }

    @Test
    void aNeutralEditReachesCodexAsAnApplyPatchCommand() throws Exception {
        String body = """
                {"model": "scripted", "stream": false, "tools": [{"type": "function", "name": "exec_command"}],
                 "input": [{"type": "message", "role": "user", "content": [{"type": "input_text", "text": "go [neutral edit]"}]}]}""";
        var res = client.send("POST", "/responses", body);
        assertThat(res.statusCode()).isEqualTo(200);
        JsonNode call = JSON.readTree(res.body()).at("/output/0");
        assertThat(call.path("name").asString()).isEqualTo("exec_command");
        assertThat(JSON.readTree(call.path("arguments").asString()).path("cmd").asString())
                .startsWith("apply_patch <<'AGENTMESH_PATCH'\n*** Begin Patch\n*** Update File: ");
    }

    @Test
    void aMeshNoticeSteeredIntoACodexTurnDoesNotRestartTheRule() throws Exception {
        String body = """
                {"model": "scripted", "stream": false, "tools": [{"type": "function", "name": "exec_command"}],
                 "input": [{"type": "message", "role": "user", "content": [{"type": "input_text", "text": "go [two steps]"}]},
                           {"type": "function_call", "call_id": "c1", "name": "exec_command", "arguments": "{}"},
                           {"type": "function_call_output", "call_id": "c1", "output": "declined"},
                           {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "[mesh] a.txt is held by Bob"}]},
                           {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "[mesh] 1 new message(s) for A"}]}]}""";
        JsonNode second = JSON.readTree(client.send("POST", "/responses", body).body()).at("/output/0");
        assertThat(second.at("/content/0/text").asString()).isEqualTo("the second step");
    }

    @Test
    void aMessageClaudeCodeFoldsIntoTheRunningTurnSelectsTheRule() throws Exception {
        String body = """
                {"model": "scripted", "tools": [{"name": "Write", "input_schema": {}}],
                 "messages": [{"role": "user", "content": "please [edit]"},
                              {"role": "assistant", "content": [{"type": "tool_use", "id": "t1", "name": "Write", "input": {}}]},
                              {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t1", "content": "ok"}]},
                              {"role": "system", "content": "The user sent a new message while you were working:\\n[steer] also this\\n\\nIMPORTANT: ..."}]}""";
        JsonNode answer = JSON.readTree(client.send("POST", "/messages", body).body());
        assertThat(answer.at("/content/0/text").asString()).as("the queued message is the prompt now, at its first step").isEqualTo("steered");
    }

    @Test
    void messagesStreamsAToolUseAndCountsStepsPastToolResultsAndHookContext() throws Exception {
        String first = """
                {"model": "scripted", "stream": true, "tools": [{"name": "Write", "input_schema": {}}],
                 "messages": [{"role": "user", "content": [{"type": "text", "text": "<system-reminder>ctx</system-reminder>"},
                                                          {"type": "text", "text": "please [edit]"}]}]}""";
        List<JsonNode> events = sse(client.send("POST", "/messages", first).body());
        assertThat(events).extracting(e -> e.path("type").asString()).containsSubsequence("message_start",
                "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop");
        assertThat(events.get(1).at("/content_block/name").asString()).isEqualTo("Write");
        StringBuilder json = new StringBuilder();
        events.stream().filter(e -> e.at("/delta/type").asString("").equals("input_json_delta"))
                .forEach(e -> json.append(e.at("/delta/partial_json").asString()));
        assertThat(JSON.readTree(json.toString())).isEqualTo(JSON.readTree("{\"file_path\": \"/r/ü.js\", \"content\": \"héllo 👋\"}"));
        assertThat(events.get(events.size() - 2).at("/delta/stop_reason").asString()).isEqualTo("tool_use");

        // after the tool result and a hook's context (both sent as user messages), the next step is the text
        String second = """
                {"model": "scripted", "tools": [{"name": "Write", "input_schema": {}}],
                 "messages": [{"role": "user", "content": "please [edit]"},
                              {"role": "assistant", "content": [{"type": "tool_use", "id": "t1", "name": "Write", "input": {}}]},
                              {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t1", "content": "ok"}]},
                              {"role": "user", "content": [{"type": "text", "text": "<system-reminder>\\nPostToolUse:Write hook additional context: [mesh] hi</system-reminder>"}]}]}""";
        JsonNode message = JSON.readTree(client.send("POST", "/messages", second).body());
        assertThat(message.at("/content/0/type").asString()).isEqualTo("text");
        assertThat(message.at("/content/0/text").asString()).startsWith("A longer final text");
        assertThat(message.path("stop_reason").asString()).isEqualTo("end_turn");
        assertThat(message.at("/usage/output_tokens").asInt()).isPositive();
        assertThat(server.recentRequests()).hasSize(2).last().asString().contains("[mesh] hi");
    }

    @Test
    void responsesCallsAnMcpToolInItsNamespaceAndStreamsTheText() throws Exception {
        String first = """
                {"model": "scripted", "stream": false,
                 "tools": [{"type": "function", "name": "exec_command"},
                           {"type": "namespace", "name": "mcp__mesh", "tools": [{"type": "function", "name": "pi_messenger"}]}],
                 "input": [{"type": "message", "role": "user", "content": [{"type": "input_text", "text": "<environment_context>x</environment_context>"}]},
                           {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "go [mcp]"}]}]}""";
        JsonNode response = JSON.readTree(client.send("POST", "/responses", first).body());
        JsonNode call = response.at("/output/0");
        assertThat(call.path("type").asString()).isEqualTo("function_call");
        assertThat(call.path("name").asString()).isEqualTo("pi_messenger");
        assertThat(call.path("namespace").asString()).isEqualTo("mcp__mesh");
        assertThat(JSON.readTree(call.path("arguments").asString()).path("action").asString()).isEqualTo("join");

        String second = first.replace("\"stream\": false", "\"stream\": true").replace("]}]}", "]},"
                + "{\"type\": \"function_call\", \"call_id\": \"c1\", \"name\": \"pi_messenger\", \"arguments\": \"{}\"},"
                + "{\"type\": \"function_call_output\", \"call_id\": \"c1\", \"output\": \"joined\"}]}");
        List<JsonNode> events = sse(client.send("POST", "/responses", second).body());
        assertThat(events).extracting(e -> e.path("type").asString()).containsSubsequence("response.created",
                "response.output_item.added", "response.output_text.delta", "response.output_item.done", "response.completed");
        assertThat(events.getLast().at("/response/output/0/content/0/text").asString()).isEqualTo("joined");
        assertThat(events.getLast().at("/response/usage/total_tokens").asInt()).isPositive();
    }

    @Test
    void aTeamStepReachesCodexAsAgentTeamInTheMeshNamespaceAndClaudeCodeAsItsMcpTool() throws Exception {
        String responses = """
                {"model": "scripted", "stream": false,
                 "tools": [{"type": "function", "name": "exec_command"},
                           {"type": "namespace", "name": "mcp__mesh", "tools": [{"type": "function", "name": "pi_messenger"},
                                                                               {"type": "function", "name": "agent_team"}]}],
                 "input": [{"type": "message", "role": "user", "content": [{"type": "input_text", "text": "go [team]"}]}]}""";
        JsonNode call = JSON.readTree(client.send("POST", "/responses", responses).body()).at("/output/0");
        assertThat(call.path("type").asString()).isEqualTo("function_call");
        assertThat(call.path("namespace").asString()).isEqualTo("mcp__mesh");
        assertThat(call.path("name").asString()).isEqualTo("agent_team");
        assertThat(JSON.readTree(call.path("arguments").asString()))
                .isEqualTo(JSON.readTree("{\"action\": \"run_status\", \"runId\": \"r1\", \"waitSeconds\": 30}"));

        String messages = """
                {"model": "scripted", "tools": [{"name": "mcp__mesh__pi_messenger", "input_schema": {}},
                                                {"name": "mcp__mesh__agent_team", "input_schema": {}}],
                 "messages": [{"role": "user", "content": "go [team]"}]}""";
        JsonNode use = JSON.readTree(client.send("POST", "/messages", messages).body()).at("/content/0");
        assertThat(use.path("type").asString()).isEqualTo("tool_use");
        assertThat(use.path("name").asString()).isEqualTo("mcp__mesh__agent_team");
        assertThat(use.path("input")).isEqualTo(JSON.readTree("{\"action\": \"run_status\", \"runId\": \"r1\", \"waitSeconds\": 30}"));
    }

    @Test
    void malformedBodiesGetAJsonErrorAndTheServerGoesOn() throws Exception {
        for (String path : List.of("/messages", "/responses")) {
            HttpResponse<String> notJson = client.send("POST", path, "{\"messages\": [");
            assertThat(notJson.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(notJson.body()).at("/error/message").asString()).startsWith("the request body is not valid JSON");
            HttpResponse<String> wrongShape = client.send("POST", path, "{\"messages\": 5, \"input\": 5}");
            assertThat(wrongShape.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(wrongShape.body()).at("/error/message").asString()).contains("must be");
            assertThat(client.send("GET", path, null).statusCode()).isEqualTo(405);
        }
        assertThat(client.send("POST", "/messages/count_tokens", "{}").body()).contains("input_tokens");
        assertThat(client.send("POST", "/responses", "{\"input\": \"[mcp]\", \"tools\": [{\"type\": \"function\", \"name\": \"x\"}]}")
                .statusCode()).isEqualTo(200);
    }

    private static List<JsonNode> sse(String body) {
        List<JsonNode> events = new ArrayList<>();
        body.lines().filter(l -> l.startsWith("data: ")).forEach(l -> events.add(JSON.readTree(l.substring(6))));
        return events;
    }
}
