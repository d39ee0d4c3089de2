package dev.agentmesh.model;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

/**
 * Writes one scripted answer in the OpenAI Chat Completions wire format: a {@code chat.completion} object, or the
 * {@code chat.completion.chunk} objects of an SSE stream. Shapes as the OpenAI JS SDK (used by pi 0.73.1) reads them.
 *
 * @param id      the completion id, {@code chatcmpl-N}
 * @param created the creation time in epoch seconds
 * @param model   the model id the client asked for, echoed back
 */
record Completions(String id, long created, String model) {
    static final JsonMapper JSON = JsonMapper.builder().build();
    /** Most pieces a text or an arguments string is streamed in. */
    private static final int MAX_PIECES = 4;
    /** Fewest characters in a streamed piece, so short texts go in one piece. */
    private static final int MIN_PIECE = 12;

    /**
     * The answer as one {@code chat.completion} object.
     *
     * @param callId the tool call id when {@code answer} is a tool call; unused for a text
     */
    ObjectNode completion(Script.Answer answer, String callId, int promptTokens) {
        ObjectNode root = header("chat.completion");
        ObjectNode choice = root.putArray("choices").addObject().put("index", 0);
        ObjectNode message = choice.putObject("message").put("role", "assistant");
        switch (answer) {
            case Script.Text t -> message.put("content", t.text());
            case Script.ToolCall c -> {
                message.putNull("content");
                ObjectNode call = message.putArray("tool_calls").addObject().put("id", callId).put("type", "function");
                call.putObject("function").put("name", c.tool()).put("arguments", c.arguments());
            }
        }
        choice.put("finish_reason", finishReason(answer));
        usage(root, promptTokens, answer);
        return root;
    }

    /**
     * The answer as SSE chunks: for a tool call, one chunk with the call's id and name, then the arguments in
     * pieces; for a text, the text in pieces (the first carrying the role); then the finish reason, then usage.
     * The caller ends the stream with {@code data: [DONE]}.
     */
    List<ObjectNode> chunks(Script.Answer answer, String callId, int promptTokens) {
        List<ObjectNode> chunks = new ArrayList<>();
        switch (answer) {
            case Script.Text t -> {
                List<String> pieces = pieces(t.text());
                for (int i = 0; i < pieces.size(); i++) {
                    ObjectNode delta = JSON.createObjectNode();
                    if (i == 0) {
                        delta.put("role", "assistant");
                    }
                    chunks.add(chunk(delta.put("content", pieces.get(i)), null));
                }
            }
            case Script.ToolCall c -> {
                ObjectNode first = JSON.createObjectNode().put("role", "assistant").putNull("content");
                first.putArray("tool_calls").addObject().put("index", 0).put("id", callId).put("type", "function")
                        .putObject("function").put("name", c.tool()).put("arguments", "");
                chunks.add(chunk(first, null));
                for (String piece : pieces(c.arguments())) {
                    ObjectNode delta = JSON.createObjectNode();
                    delta.putArray("tool_calls").addObject().put("index", 0).putObject("function").put("arguments", piece);
                    chunks.add(chunk(delta, null));
                }
            }
        }
        chunks.add(chunk(JSON.createObjectNode(), finishReason(answer)));
        ObjectNode usage = header("chat.completion.chunk");
        usage.putArray("choices");
        chunks.add(usage(usage, promptTokens, answer));
        return chunks;
    }

    /** @return tokens estimated as characters / 4, at least 1 */
    static int tokens(int chars) {
        return Math.max(1, (chars + 3) / 4);
    }

    private ObjectNode chunk(ObjectNode delta, String finishReason) {
        ObjectNode chunk = header("chat.completion.chunk");
        ArrayNode choices = chunk.putArray("choices");
        ObjectNode choice = choices.addObject().put("index", 0);
        choice.set("delta", delta);
        choice.put("finish_reason", finishReason);
        return chunk;
    }

    private ObjectNode header(String object) {
        return JSON.createObjectNode().put("id", id).put("object", object).put("created", created).put("model", model);
    }

    /** @return the tokens of an answer, estimated from its text or its tool name and arguments */
    static int outputTokens(Script.Answer answer) {
        return tokens(switch (answer) {
            case Script.Text t -> t.text().length();
            case Script.ToolCall c -> c.tool().length() + c.arguments().length();
        });
    }

    private static ObjectNode usage(ObjectNode root, int promptTokens, Script.Answer answer) {
        int completion = outputTokens(answer);
        root.putObject("usage").put("prompt_tokens", promptTokens).put("completion_tokens", completion)
                .put("total_tokens", promptTokens + completion);
        return root;
    }

    private static String finishReason(Script.Answer answer) {
        return answer instanceof Script.ToolCall ? "tool_calls" : "stop";
    }

    /** Splits text into up to {@value #MAX_PIECES} pieces, never inside a surrogate pair; "" gives one piece. */
    static List<String> pieces(String text) {
        int codePoints = text.codePointCount(0, text.length());
        int n = Math.clamp(codePoints / MIN_PIECE, 1, MAX_PIECES);
        List<String> pieces = new ArrayList<>(n);
        int start = 0;
        for (int i = 1; i <= n; i++) {
            int end = i == n ? text.length() : text.offsetByCodePoints(0, (int) ((long) codePoints * i / n));
            pieces.add(text.substring(start, end));
            start = end;
        }
        return pieces;
    }
}
