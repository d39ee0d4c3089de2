package dev.agentmesh.model;

import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * What the script needs from an OpenAI Chat Completions request body.
 *
 * @param model     the requested model id; {@code scripted} when the request names none
 * @param stream    whether the client asked for an SSE stream
 * @param tools     the names of the tools the request offers; empty for title or summary requests
 * @param prompt    the text of the last message with role {@code user} (text parts joined by newlines); empty if none
 * @param step      the number of assistant messages after that user message: the index of the step to play
 * @param bodyChars the length of the request body in characters, to estimate prompt tokens
 * @param cwd       the agent's working directory when its system prompt says it (Claude Code's), else null
 */
record ChatRequest(String model, boolean stream, List<String> tools, String prompt, int step, int bodyChars, String cwd) {

    /** A request whose agent's working directory is not known. */
    ChatRequest(String model, boolean stream, List<String> tools, String prompt, int step, int bodyChars) {
        this(model, stream, tools, prompt, step, bodyChars, null);
    }

    /**
     * Reads a request body. The prompt is the last {@code user} message that is not a notice of the mesh steered into a
     * running turn (text starting {@code [mesh] } right after a tool's result, e.g. an {@code agent_team} notice) that
     * no rule answers; the assistant messages after it count the step. A steered message a rule answers (a change of
     * plan) is the prompt.
     *
     * @param answered whether the script has a rule for a text
     * @throws IllegalArgumentException with a message for the client when the body is not an object or
     *                                  {@code messages} is not an array
     */
    static ChatRequest of(JsonNode body, int bodyChars) {
        return of(body, bodyChars, text -> false);
    }

    /** As {@link #of(JsonNode, int)}, a steered {@code [mesh]} message the script {@code answered} being a prompt. */
    static ChatRequest of(JsonNode body, int bodyChars, java.util.function.Predicate<String> answered) {
        if (body == null || !body.isObject()) {
            throw new IllegalArgumentException("the request body must be a JSON object with 'messages'");
        }
        JsonNode messages = body.get("messages");
        if (messages == null || !messages.isArray()) {
            throw new IllegalArgumentException("'messages' must be an array of chat messages");
        }
        int lastUser = -1;
        boolean afterTool = false;
        for (int i = 0; i < messages.size(); i++) {
            String role = text(messages.get(i).get("role"));
            if ("user".equals(role)) {
                // a notice of the mesh steered into a running turn (after a tool's result) does not start a rule anew
                String text = content(messages.get(i).get("content")).strip();
                boolean midTurnNotice = afterTool && text.startsWith("[mesh] ") && !answered.test(text);
                if (!midTurnNotice) {
                    lastUser = i;
                    afterTool = false;
                }
            } else {
                afterTool = "tool".equals(role);
            }
        }
        int step = 0;
        for (int i = lastUser + 1; i < messages.size(); i++) {
            if ("assistant".equals(text(messages.get(i).get("role")))) {
                step++;
            }
        }
        String prompt = lastUser < 0 ? "" : content(messages.get(lastUser).get("content"));
        List<String> tools = new ArrayList<>();
        JsonNode t = body.get("tools");
        if (t != null && t.isArray()) {
            for (JsonNode tool : t) {
                JsonNode fn = tool.get("function");
                String name = text(fn != null ? fn.get("name") : tool.get("name"));
                tools.add(name == null ? "" : name);
            }
        }
        String model = text(body.get("model"));
        JsonNode stream = body.get("stream");
        return new ChatRequest(model == null || model.isEmpty() ? "scripted" : model,
                stream != null && stream.isBoolean() && stream.booleanValue(), List.copyOf(tools), prompt, step, bodyChars);
    }

    /** @return whether the request offers any tool; requests without tools get a short text and play no step */
    boolean hasTools() {
        return !tools.isEmpty();
    }

    /** A message's text: a string, or the {@code text} of its parts (e.g. {@code {type:"text",text}}), one per line. */
    private static String content(JsonNode content) {
        return text(content, part -> part.path("text").isString());
    }

    /**
     * The text of a message's content in any of the three wire formats: a string, or an array whose string parts
     * and whose parts accepted by {@code textPart} (their {@code text}) are joined one per line; "" for null.
     */
    static String text(JsonNode content, java.util.function.Predicate<JsonNode> textPart) {
        if (content == null) {
            return "";
        }
        if (content.isString()) {
            return content.stringValue();
        }
        List<String> parts = new ArrayList<>();
        if (content.isArray()) {
            for (JsonNode part : content) {
                if (part.isString()) {
                    parts.add(part.stringValue());
                } else if (textPart.test(part)) {
                    parts.add(part.path("text").asString(""));
                }
            }
        }
        return String.join("\n", parts);
    }

    private static String text(JsonNode node) {
        return node != null && node.isString() ? node.stringValue() : null;
    }
}
