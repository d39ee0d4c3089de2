package dev.agentmesh.model;

import dev.agentmesh.MeshException;
import dev.agentmesh.model.ModelClient.Answer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpResponse;
import java.util.List;

import static dev.agentmesh.model.ModelClient.JSON;
import static dev.agentmesh.model.ModelClient.request;
import static dev.agentmesh.model.ModelClient.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The OpenAI Chat Completions wire format: SSE chunks, plain completions, models, and JSON errors. */
class ChatCompletionsWireTest {
    static final String SCRIPT = """
            rules:
              - match: "[write]"
                steps:
                  - tool: write
                    args: {path: "src/ü/a.js", content: "console.log('héllo 👋');\\n", mode: 420, opts: {dry: false, tags: [a, b]}}
              - match: "[text]"
                steps:
                  - text: "A longer final text that the server splits into several streamed pieces 👋 done."
              - match: "[two steps]"
                steps:
                  - tool: write
                  - text: "the second step"
              - match: "[team]"
                steps:
                  - team: {action: step_result, runId: r1, stepId: inspect, preview: true}
            """;

    ScriptedModelServer server = ScriptedModelServer.start(Script.parse(SCRIPT, "wire.yaml"), 0);
    ModelClient client = new ModelClient(server);

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void theStreamedToolCallParsesBackToTheScriptedNameAndArguments() throws Exception {
        HttpResponse<String> response = client.send("POST", "/chat/completions",
                JSON.writeValueAsString(request(true, List.of("write"), user("please [write]"))));
        Answer answer = ModelClient.parseStream(response.body());

        assertThat(answer.toolName()).isEqualTo("write");
        assertThat(JSON.readTree(answer.arguments())).isEqualTo(JSON.readTree("""
                {"path": "src/ü/a.js", "content": "console.log('héllo 👋');\\n", "mode": 420, "opts": {"dry": false, "tags": ["a", "b"]}}"""));
        assertThat(answer.finishReason()).isEqualTo("tool_calls");
        assertThat(answer.text()).isNull();
        assertThat(response.body().split("\n\n")).as("id chunk, argument pieces, finish, usage, [DONE]").hasSizeGreaterThan(5);
        JsonNode usage = answer.usage();
        assertThat(usage.get("total_tokens").intValue())
                .isEqualTo(usage.get("prompt_tokens").intValue() + usage.get("completion_tokens").intValue()).isPositive();
    }

    @Test
    void aTeamStepReachesPiAsItsAgentTeamTool() throws Exception {
        HttpResponse<String> response = client.send("POST", "/chat/completions",
                JSON.writeValueAsString(request(true, List.of("pi_messenger", "agent_team"), user("please [team]"))));
        Answer answer = ModelClient.parseStream(response.body());

        assertThat(answer.toolName()).isEqualTo("agent_team");
        assertThat(JSON.readTree(answer.arguments())).isEqualTo(JSON.readTree("""
                {"action": "step_result", "runId": "r1", "stepId": "inspect", "preview": true}"""));
        assertThat(answer.finishReason()).isEqualTo("tool_calls");
    }

    @Test
    void aMeshNoticeSteeredInAfterAToolResultDoesNotRestartTheRule() throws Exception {
        String body = """
                {"model": "scripted", "stream": false, "tools": [{"type": "function", "function": {"name": "write"}}],
                 "messages": [{"role": "user", "content": "go [two steps]"},
                              {"role": "assistant", "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "write", "arguments": "{}"}}]},
                              {"role": "tool", "tool_call_id": "c1", "content": "ok"},
                              {"role": "user", "content": "[mesh] message #1 from Lead: [agent_team r1] step inspect succeeded"}]}""";
        JsonNode answer = JSON.readTree(client.send("POST", "/chat/completions", body).body());
        assertThat(answer.at("/choices/0/message/content").asString()).isEqualTo("the second step");
        String later = body.substring(0, body.length() - 2) + ", {\"role\": \"assistant\", \"content\": \"the second step\"},"
                + " {\"role\": \"user\", \"content\": \"[mesh] message #2 from Lead: [two steps] again\"}]}";
        JsonNode again = JSON.readTree(client.send("POST", "/chat/completions", later).body());
        assertThat(again.at("/choices/0/message/tool_calls/0/function/name").asString())
                .as("a message that wakes an idle agent is its prompt").isEqualTo("write");
        String answered = body.replace("[agent_team r1] step inspect succeeded", "change of plan: [text]");
        JsonNode plan = JSON.readTree(client.send("POST", "/chat/completions", answered).body());
        assertThat(plan.at("/choices/0/message/content").asString()).as("a steered message the script answers is a new plan")
                .startsWith("A longer final text");
    }

    @Test
    void aStreamedTextComesInPiecesWithTheRoleFirst() throws Exception {
        HttpResponse<String> response = client.send("POST", "/chat/completions",
                JSON.writeValueAsString(request(true, List.of("write"), user("[text]"))));
        List<JsonNode> contentChunks = response.body().lines().filter(l -> l.contains("\"content\""))
                .map(l -> JSON.readTree(l.substring(6))).toList();

        assertThat(contentChunks).hasSizeGreaterThan(1);
        assertThat(contentChunks.getFirst().at("/choices/0/delta/role").stringValue()).isEqualTo("assistant");
        assertThat(ModelClient.parseStream(response.body()).text())
                .isEqualTo("A longer final text that the server splits into several streamed pieces 👋 done.");
        assertThat(contentChunks.getFirst().get("model").stringValue()).isEqualTo("scripted");
    }

    @Test
    void aNonStreamingRequestGetsOneChatCompletion() throws Exception {
        Answer call = client.complete(request(false, List.of("write"), user("[write]")));
        Answer text = client.complete(request(false, List.of("write"), user("[text]")));

        assertThat(call.toolName()).isEqualTo("write");
        assertThat(call.text()).isNull();
        assertThat(JSON.readTree(call.arguments()).get("path").stringValue()).isEqualTo("src/ü/a.js");
        assertThat(call.finishReason()).isEqualTo("tool_calls");
        assertThat(text.text()).startsWith("A longer final text");
        assertThat(text.finishReason()).isEqualTo("stop");
        assertThat(text.usage().get("completion_tokens").intValue()).isPositive();
    }

    @Test
    void modelsListsTheScriptedModel() throws Exception {
        HttpResponse<String> response = client.send("GET", "/models", null);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body())).isEqualTo(JSON.readTree("""
                {"object":"list","data":[{"id":"scripted","object":"model","owned_by":"agentmesh"}]}"""));
    }

    @Test
    void aMalformedBodyGets400() throws Exception {
        for (String body : List.of("{\"messages\": [", "", "[1, 2]", "{\"model\": \"x\"}", "{\"messages\": {}}")) {
            HttpResponse<String> response = client.send("POST", "/chat/completions", body);

            assertThat(response.statusCode()).as(body).isEqualTo(400);
            assertThat(JSON.readTree(response.body()).at("/error/type").stringValue()).isEqualTo("invalid_request_error");
            assertThat(JSON.readTree(response.body()).at("/error/message").stringValue()).isNotBlank();
        }
        assertThat(server.requestCount()).isEqualTo(5);
    }

    @Test
    void anUnknownPathGets404AndAWrongMethod405() throws Exception {
        HttpResponse<String> unknown = client.send("GET", "/completions", null);
        HttpResponse<String> wrongMethod = client.send("GET", "/chat/completions", null);

        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(unknown.body()).at("/error/message").stringValue()).contains("/v1/completions");
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(wrongMethod.headers().firstValue("Allow")).hasValue("POST");
        assertThat(server.requestCount()).isZero();
    }

    @Test
    void aPortInUseIsRefusedAndABadPortIsInvalid() {
        assertThatThrownBy(() -> ScriptedModelServer.start(server.script(), server.port()))
                .isInstanceOfSatisfying(MeshException.class, e -> assertThat(e.kind()).isEqualTo(MeshException.Kind.UNEXPECTED_STATE))
                .hasMessageContaining("port " + server.port() + " on 127.0.0.1 is in use");
        assertThatThrownBy(() -> ScriptedModelServer.start(server.script(), 70000))
                .hasMessage("port 70000 is out of range; give 1..65535, or 0 for a free port");
    }

    @Test
    void theBaseUrlIsOnLoopback() {
        assertThat(server.baseUrl()).isEqualTo("http://127.0.0.1:" + server.port() + "/v1");
        assertThat(server.port()).isPositive();
    }
}
