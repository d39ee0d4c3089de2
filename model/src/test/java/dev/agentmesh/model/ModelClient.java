package dev.agentmesh.model;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A real HTTP client for a {@link ScriptedModelServer}, building requests as pi sends them and reading answers back. */
final class ModelClient {
    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final String baseUrl;

    ModelClient(ScriptedModelServer server) {
        this.baseUrl = server.baseUrl();
    }

    /** What the client understood from one answer, streamed or not. */
    record Answer(String text, String toolName, String toolCallId, String arguments, String finishReason, JsonNode usage) {
    }

    /** A request body as pi sends it: system prompt, the given messages, the given tools (none: no {@code tools} key). */
    static ObjectNode request(boolean stream, List<String> tools, ObjectNode... messages) {
        ObjectNode body = JSON.createObjectNode().put("model", "scripted").put("stream", stream);
        ArrayNode msgs = body.putArray("messages");
        msgs.addObject().put("role", "system").put("content", "You are an expert coding assistant.");
        for (ObjectNode m : messages) {
            msgs.add(m);
        }
        if (!tools.isEmpty()) {
            ArrayNode t = body.putArray("tools");
            tools.forEach(name -> t.addObject().put("type", "function").putObject("function").put("name", name)
                    .putObject("parameters").put("type", "object"));
        }
        return body;
    }

    /** A user message with its text as a parts array, as pi sends it. */
    static ObjectNode user(String text) {
        ObjectNode m = JSON.createObjectNode().put("role", "user");
        m.putArray("content").addObject().put("type", "text").put("text", text);
        return m;
    }

    /** The assistant message a client stores for an answer, so the next request counts it. */
    static ObjectNode assistant(Answer a) {
        ObjectNode m = JSON.createObjectNode().put("role", "assistant");
        if (a.toolName() == null) {
            return m.put("content", a.text());
        }
        m.putNull("content");
        m.putArray("tool_calls").addObject().put("id", a.toolCallId()).put("type", "function")
                .putObject("function").put("name", a.toolName()).put("arguments", a.arguments());
        return m;
    }

    static ObjectNode toolResult(Answer a, String result) {
        return JSON.createObjectNode().put("role", "tool").put("content", result).put("tool_call_id", a.toolCallId());
    }

    HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Posts a chat completion request and reads the answer back, from SSE chunks when the request streams. */
    Answer complete(ObjectNode request) throws Exception {
        HttpResponse<String> response = send("POST", "/chat/completions", JSON.writeValueAsString(request));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        if (request.path("stream").asBoolean(false)) {
            assertThat(response.headers().firstValue("Content-Type")).hasValue("text/event-stream");
            return parseStream(response.body());
        }
        JsonNode root = JSON.readTree(response.body());
        assertThat(root.get("object").stringValue()).isEqualTo("chat.completion");
        JsonNode choice = root.get("choices").get(0);
        JsonNode message = choice.get("message");
        JsonNode call = message.path("tool_calls").path(0);
        return new Answer(message.get("content").isNull() ? null : message.get("content").stringValue(),
                call.isMissingNode() ? null : call.get("function").get("name").stringValue(),
                call.isMissingNode() ? null : call.get("id").stringValue(),
                call.isMissingNode() ? null : call.get("function").get("arguments").stringValue(),
                choice.get("finish_reason").stringValue(), root.get("usage"));
    }

    /** Reassembles an SSE answer as the OpenAI SDK does: content and argument pieces concatenated. */
    static Answer parseStream(String body) {
        List<String> events = new ArrayList<>();
        for (String block : body.split("\n\n")) {
            assertThat(block).startsWith("data: ");
            events.add(block.substring("data: ".length()));
        }
        assertThat(events.getLast()).isEqualTo("[DONE]");
        StringBuilder text = new StringBuilder();
        StringBuilder args = new StringBuilder();
        String name = null;
        String id = null;
        String finish = null;
        JsonNode usage = null;
        boolean sawText = false;
        for (String event : events.subList(0, events.size() - 1)) {
            JsonNode chunk = JSON.readTree(event);
            assertThat(chunk.get("object").stringValue()).isEqualTo("chat.completion.chunk");
            if (chunk.has("usage")) {
                usage = chunk.get("usage");
            }
            for (JsonNode choice : chunk.get("choices")) {
                JsonNode delta = choice.get("delta");
                if (delta.hasNonNull("content")) {
                    sawText = true;
                    text.append(delta.get("content").stringValue());
                }
                for (JsonNode call : delta.path("tool_calls")) {
                    JsonNode fn = call.get("function");
                    if (call.has("id")) {
                        id = call.get("id").stringValue();
                        name = fn.get("name").stringValue();
                    }
                    args.append(fn.path("arguments").asString(""));
                }
                if (choice.hasNonNull("finish_reason")) {
                    finish = choice.get("finish_reason").stringValue();
                }
            }
        }
        return new Answer(sawText ? text.toString() : null, name, id, name == null ? null : args.toString(), finish, usage);
    }
}
