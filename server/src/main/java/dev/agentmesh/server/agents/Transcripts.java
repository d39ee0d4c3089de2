package dev.agentmesh.server.agents;

import dev.agentmesh.Texts;
import dev.agentmesh.api.Json;
import tools.jackson.databind.JsonNode;

/**
 * Turns a runtime's transcript line (pi RPC events, Claude Code stream-json, Codex app-server notifications, and
 * the prompts agentmesh wrote, {@code agentmesh.prompt}) into one readable line for
 * {@code agents.logs}: what the assistant said, which tool it called with what, what the tool answered (shortened).
 * Lines of no interest (state, deltas, handshakes) give null. Stateless and thread-safe.
 */
final class Transcripts {
    /** Longest text kept of one event, in characters. */
    static final int MAX = 300;

    private Transcripts() {
    }

    /** @return the readable line, or null for a line of no interest or one that is not JSON */
    static String readable(String line) {
        JsonNode e;
        try {
            e = Json.MAPPER.readTree(line);
        } catch (RuntimeException ex) {
            return null;
        }
        if (e.has("method")) {
            return codex(e);
        }
        switch (e.path("type").asString("")) {
            case "agentmesh.prompt" -> {
                return "user: " + Texts.oneLine(e.path("text").asString(""), MAX);
            }
            case "tool_execution_start" -> {
                return "tool " + e.path("toolName").asString("") + " " + Texts.oneLine(e.path("args").toString(), MAX);
            }
            case "tool_execution_end" -> {
                return (e.path("isError").asBoolean(false) ? "tool failed: " : "tool result: ")
                        + Texts.oneLine(e.path("result").toString(), MAX);
            }
            case "message_end" -> {
                JsonNode m = e.path("message");
                return text(m.path("role").asString(""), m.path("content"));
            }
            case "assistant" -> {
                StringBuilder sb = new StringBuilder();
                for (JsonNode part : e.path("message").path("content")) {
                    if ("tool_use".equals(part.path("type").asString())) {
                        sb.append(sb.isEmpty() ? "" : "\n").append("tool ").append(part.path("name").asString(""))
                                .append(" ").append(Texts.oneLine(part.path("input").toString(), MAX));
                    } else if ("text".equals(part.path("type").asString())) {
                        sb.append(sb.isEmpty() ? "" : "\n").append("assistant: ").append(Texts.oneLine(part.path("text").asString(""), MAX));
                    }
                }
                return sb.isEmpty() ? null : sb.toString();
            }
            case "user" -> {
                StringBuilder sb = new StringBuilder();
                for (JsonNode part : e.path("message").path("content")) {
                    if ("tool_result".equals(part.path("type").asString())) {
                        sb.append(sb.isEmpty() ? "" : "\n").append(part.path("is_error").asBoolean(false) ? "tool failed: " : "tool result: ")
                                .append(Texts.oneLine(part.path("content").isString() ? part.path("content").asString() : part.path("content").toString(), MAX));
                    }
                }
                return sb.isEmpty() ? null : sb.toString();
            }
            case "result" -> {
                String error = e.path("error").asString("");
                return "turn ended: " + e.path("subtype").asString("") + (error.isEmpty() ? "" : " (" + Texts.oneLine(error, MAX) + ")");
            }
            default -> {
                return null;
            }
        }
    }

    /** Codex app-server notifications: completed items and turns. */
    private static String codex(JsonNode e) {
        String method = e.path("method").asString("");
        if (method.equals("turn/completed")) {
            return "turn ended: " + e.path("params").path("turn").path("status").asString("");
        }
        if (!method.equals("item/completed")) {
            return null;
        }
        JsonNode item = e.path("params").path("item");
        return switch (item.path("type").asString("")) {
            case "agentMessage" -> "assistant: " + Texts.oneLine(item.path("text").asString(""), MAX);
            case "userMessage" -> text("user", item.path("content"));
            case "commandExecution" -> "tool exec_command " + Texts.oneLine(item.path("command").asString(""), MAX) + " ("
                    + item.path("status").asString("") + (item.path("exitCode").isNumber() ? ", exit " + item.path("exitCode").asInt() : "") + ")";
            case "mcpToolCall" -> "tool mcp__" + item.path("server").asString("") + "__" + item.path("tool").asString("") + " "
                    + Texts.oneLine(item.path("arguments").toString(), MAX) + " (" + item.path("status").asString("") + ")";
            case "fileChange" -> {
                StringBuilder paths = new StringBuilder();
                item.path("changes").forEach(c -> paths.append(paths.isEmpty() ? "" : ", ").append(c.path("path").asString("")));
                yield "tool apply_patch " + Texts.oneLine(paths.toString(), MAX) + " (" + item.path("status").asString("") + ")";
            }
            default -> null;
        };
    }

    private static String text(String role, JsonNode content) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode part : content) {
            if ("text".equals(part.path("type").asString())) {
                sb.append(part.path("text").asString(""));
            }
        }
        return sb.isEmpty() ? null : role + ": " + Texts.oneLine(sb.toString(), MAX);
    }
}
