package dev.agentmesh.model;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Anthropic Messages wire format ({@code POST /v1/messages}, as Claude Code 2.1.197 speaks it): reads a request
 * into a {@link ChatRequest} and writes one scripted answer as a {@code message} object or as the SSE events
 * {@code message_start}, {@code content_block_start} / {@code _delta} / {@code _stop}, {@code message_delta},
 * {@code message_stop}.
 *
 * @param id    the message id, {@code msg_N}
 * @param model the model id the client asked for, echoed back
 */
record AnthropicMessages(String id, String model) implements ScriptedModelServer.EventWire {

    /**
     * Reads a request body. The "real" user message is the last {@code user} message a person wrote (see
     * {@link #written}: Anthropic sends tool results, and Claude Code hook context, as user messages too), or a
     * message the person sent while the agent worked, which Claude Code passes as a {@code system} message in the
     * list ({@value #QUEUED}...); its text selects the rule, and the assistant messages after it count the step.
     *
     * @throws IllegalArgumentException with a message for the client when the body is not an object or
     *                                  {@code messages} is not an array
     */
    static ChatRequest request(JsonNode body, int bodyChars) {
        if (body == null || !body.isObject()) {
            throw new IllegalArgumentException("the request body must be a JSON object with 'messages'");
        }
        JsonNode messages = body.get("messages");
        if (messages == null || !messages.isArray()) {
            throw new IllegalArgumentException("'messages' must be an array of messages");
        }
        int lastUser = -1;
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            String role = m.path("role").asString("");
            if ((role.equals("user") && written(m.get("content")))
                    || (role.equals("system") && text(m.get("content")).startsWith(QUEUED))) {
                lastUser = i;
            }
        }
        int step = 0;
        for (int i = lastUser + 1; i < messages.size(); i++) {
            if ("assistant".equals(messages.get(i).path("role").asString(null))) {
                step++;
            }
        }
        String prompt = lastUser < 0 ? "" : text(messages.get(lastUser).get("content"));
        List<String> tools = new ArrayList<>();
        if (body.get("tools") instanceof ArrayNode t) {
            for (JsonNode tool : t) {
                tools.add(tool.path("name").asString(""));
            }
        }
        String model = body.path("model").asString("");
        java.util.regex.Matcher cwd = WORKING_DIRECTORY.matcher(body.path("system").toString());
        return new ChatRequest(model.isEmpty() ? ScriptedModelServer.MODEL_ID : model, body.path("stream").asBoolean(false),
                List.copyOf(tools), prompt, step, bodyChars, cwd.find() ? cwd.group(1) : null);
    }

    /** The line of Claude Code's system prompt that names the agent's working directory. */
    private static final java.util.regex.Pattern WORKING_DIRECTORY =
            // read from the system field as JSON text: the path ends at the escaped newline, a space or a quote
            java.util.regex.Pattern.compile("Primary working directory: (/[^\\\\ \"]*)");

    /** How Claude Code begins the message it folds into a turn when the person wrote while the agent worked. */
    static final String QUEUED = "The user sent a new message while you were working:";

    /**
     * @return whether a user message is one the person wrote: a string, or at least one text block that is not
     *     context Claude Code added ({@code <system-reminder>...}, e.g. a hook's additional context); tool results
     *     do not count
     */
    private static boolean written(JsonNode content) {
        if (content != null && content.isString()) {
            return true;
        }
        if (!(content instanceof ArrayNode parts)) {
            return false;
        }
        for (JsonNode p : parts) {
            if ("text".equals(p.path("type").asString(null)) && !p.path("text").asString("").strip().startsWith("<system-reminder>")) {
                return true;
            }
        }
        return false;
    }

    /** A message's text: a string, or its {@code text} blocks one per line. */
    private static String text(JsonNode content) {
        return ChatRequest.text(content, p -> "text".equals(p.path("type").asString(null)));
    }

    /** The answer as one {@code message} object. */
    @Override
    public ObjectNode answer(Script.Answer answer, String callId, int promptTokens) {
        ObjectNode root = start(promptTokens);
        ArrayNode content = root.putArray("content");
        switch (answer) {
            case Script.Text t -> content.addObject().put("type", "text").put("text", t.text());
            case Script.ToolCall c -> content.addObject().put("type", "tool_use").put("id", callId).put("name", c.tool())
                    .set("input", Completions.JSON.readTree(c.arguments()));
        }
        root.put("stop_reason", stopReason(answer));
        root.putObject("usage").put("input_tokens", promptTokens).put("output_tokens", Completions.outputTokens(answer));
        return root;
    }

    /** The answer as SSE events, in order: each entry is the event name and its data. */
    @Override
    public List<Map.Entry<String, ObjectNode>> events(Script.Answer answer, String callId, int promptTokens) {
        List<Map.Entry<String, ObjectNode>> events = new ArrayList<>();
        ObjectNode start = Completions.JSON.createObjectNode().put("type", "message_start");
        ObjectNode message = start(promptTokens);
        message.putArray("content");
        message.putNull("stop_reason");
        message.putObject("usage").put("input_tokens", promptTokens).put("output_tokens", 1);
        start.set("message", message);
        events.add(Map.entry("message_start", start));
        ObjectNode blockStart = Completions.JSON.createObjectNode().put("type", "content_block_start").put("index", 0);
        List<ObjectNode> deltas = new ArrayList<>();
        switch (answer) {
            case Script.Text t -> {
                blockStart.putObject("content_block").put("type", "text").put("text", "");
                for (String piece : Completions.pieces(t.text())) {
                    deltas.add(Completions.JSON.createObjectNode().put("type", "text_delta").put("text", piece));
                }
            }
            case Script.ToolCall c -> {
                blockStart.putObject("content_block").put("type", "tool_use").put("id", callId).put("name", c.tool())
                        .putObject("input");
                for (String piece : Completions.pieces(c.arguments())) {
                    deltas.add(Completions.JSON.createObjectNode().put("type", "input_json_delta").put("partial_json", piece));
                }
            }
        }
        events.add(Map.entry("content_block_start", blockStart));
        for (ObjectNode d : deltas) {
            ObjectNode e = Completions.JSON.createObjectNode().put("type", "content_block_delta").put("index", 0);
            e.set("delta", d);
            events.add(Map.entry("content_block_delta", e));
        }
        events.add(Map.entry("content_block_stop", Completions.JSON.createObjectNode().put("type", "content_block_stop").put("index", 0)));
        ObjectNode delta = Completions.JSON.createObjectNode().put("type", "message_delta");
        delta.putObject("delta").put("stop_reason", stopReason(answer)).putNull("stop_sequence");
        delta.putObject("usage").put("output_tokens", Completions.outputTokens(answer));
        events.add(Map.entry("message_delta", delta));
        events.add(Map.entry("message_stop", Completions.JSON.createObjectNode().put("type", "message_stop")));
        return events;
    }

    private ObjectNode start(int promptTokens) {
        return Completions.JSON.createObjectNode().put("id", id).put("type", "message").put("role", "assistant").put("model", model);
    }

    private static String stopReason(Script.Answer answer) {
        return answer instanceof Script.ToolCall ? "tool_use" : "end_turn";
    }
}
