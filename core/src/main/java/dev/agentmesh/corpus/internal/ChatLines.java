package dev.agentmesh.corpus.internal;

import dev.agentmesh.corpus.Conversation;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One conversation as a line of the export: the OpenAI chat-messages shape ({@code {"messages":[...]}}, tool calls as
 * {@code tool_calls} of an assistant message, each answered by a {@code tool} message right after it) plus a
 * {@code metadata} object. Stored messages are put in that order: an assistant's consecutive calls go in one message;
 * a text that comes while calls are open waits until they are answered; a call never answered gets
 * {@value #NO_RESULT} as its result; a result of no open call is left out.
 */
public final class ChatLines {
    /** The result written for a tool call whose result was never captured. */
    public static final String NO_RESULT = "[no result captured]";

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final ArrayNode messages = NODES.arrayNode();
    private final Set<String> open = new LinkedHashSet<>();
    private final List<ObjectNode> waiting = new ArrayList<>();
    private ObjectNode callsMessage;

    private ChatLines() {
    }

    /**
     * @param c        the conversation
     * @param rows     its stored messages in order (none for summary-only and metadata-only categories)
     * @param eligible whether it is training-eligible under the current policy
     * @return the line (no line break) and the number of chat messages in it
     */
    public static java.util.Map.Entry<String, Integer> line(Conversation c, List<MessageTable.Row> rows, boolean eligible) {
        ChatLines b = new ChatLines();
        if (c.systemPrompt() != null && !c.systemPrompt().isEmpty()) {
            b.messages.add(text("system", c.systemPrompt()));
        }
        for (MessageTable.Row r : rows) {
            b.add(r);
        }
        b.closeCalls();
        ObjectNode line = NODES.objectNode();
        line.set("messages", b.messages);
        line.set("metadata", metadata(c, eligible));
        return java.util.Map.entry(JSON.writeValueAsString(line), b.messages.size());
    }

    private void add(MessageTable.Row r) {
        switch (r.role()) {
            case MessageTable.USER -> {
                closeCalls();
                messages.add(text("user", r.content()));
            }
            case MessageTable.ASSISTANT -> {
                if (open.isEmpty()) {
                    callsMessage = null;
                    messages.add(text("assistant", r.content()));
                } else {
                    waiting.add(text("assistant", r.content()));
                }
            }
            case MessageTable.TOOL_CALL -> {
                if (callsMessage == null || !waiting.isEmpty()) {
                    closeCalls();
                    callsMessage = NODES.objectNode().put("role", "assistant").putNull("content");
                    callsMessage.putArray("tool_calls");
                    messages.add(callsMessage);
                }
                ObjectNode call = ((ArrayNode) callsMessage.get("tool_calls")).addObject();
                call.put("id", r.callId()).put("type", "function");
                call.putObject("function").put("name", r.tool()).put("arguments", r.arguments() == null ? "{}" : r.arguments());
                open.add(r.callId());
            }
            case MessageTable.TOOL -> {
                if (open.remove(r.callId())) {
                    messages.add(NODES.objectNode().put("role", "tool").put("tool_call_id", r.callId()).put("content", r.content()));
                    if (open.isEmpty()) {
                        messages.addAll(waiting);
                        waiting.clear();
                        callsMessage = null;
                    }
                }
            }
            default -> {
                // a role a newer version wrote: not part of the chat shape
            }
        }
    }

    /** Answers every open call with {@value #NO_RESULT} and lets waiting texts follow. */
    private void closeCalls() {
        for (String id : open) {
            messages.add(NODES.objectNode().put("role", "tool").put("tool_call_id", id).put("content", NO_RESULT));
        }
        open.clear();
        messages.addAll(waiting);
        waiting.clear();
        callsMessage = null;
    }

    private static ObjectNode text(String role, String content) {
        return NODES.objectNode().put("role", role).put("content", content == null ? "" : content);
    }

    private static ObjectNode metadata(Conversation c, boolean eligible) {
        ObjectNode m = NODES.objectNode();
        m.put("project", c.project()).put("agent", c.agent()).put("runtime", c.runtime()).put("model", c.model())
                .put("category", c.category().wire()).put("run_type", c.runType().wire())
                .put("created", Instant.ofEpochMilli(c.createdAt()).toString()).put("conversation", c.id())
                .put("session", c.session()).put("training_eligible", eligible).put("truncated", c.truncated())
                .put("captured_messages", c.messages()).put("input_tokens", c.inputTokens())
                .put("output_tokens", c.outputTokens()).put("cost_usd", c.costUsd());
        if (c.summary() != null) {
            m.put("summary", c.summary());
        }
        return m;
    }
}
