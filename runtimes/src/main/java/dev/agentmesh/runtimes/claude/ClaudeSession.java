package dev.agentmesh.runtimes.claude;

import dev.agentmesh.MeshException;
import dev.agentmesh.runtime.AgentEvent;
import dev.agentmesh.runtimes.internal.ProcessSession;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Claude Code agent over stream-json (reference/agent-cli-protocols.md): user messages in, {@code system},
 * {@code assistant}, {@code user} (tool results) and one {@code result} per turn out; control requests
 * ({@code initialize}, {@code interrupt}) answered by {@code control_response}. A message written while a turn goes
 * on does not start a turn: Claude folds it into the next tool result, which is what a steer is. A follow-up waits
 * here and is written when the turn's {@code result} arrives, so the turn goes on with it (one end for both, as in
 * pi). Thread-safe.
 */
final class ClaudeSession extends ProcessSession {
    /** How long the start-up handshake may take (Claude Code loads its tools and MCP servers first). */
    private static final Duration HANDSHAKE = Duration.ofSeconds(60);

    private final Map<String, String> toolNames = new ConcurrentHashMap<>();
    private final Runnable onStop;
    private double costSoFar;

    ClaudeSession(Process process, Path transcript, String treeMark, String sessionId, Runnable onStop) throws IOException {
        super("claude", process, transcript, treeMark);
        this.onStop = onStop;
        sessionId(sessionId);
        startReading();
        JsonNode init = control(JSON.createObjectNode().put("subtype", "initialize"), HANDSHAKE);
        if (!"success".equals(init.path("response").path("subtype").asString())) {
            throw MeshException.unexpectedState("Claude Code refused its start: " + init.path("response").path("error").asString("no reason given"));
        }
        ready();
    }

    @Override
    public void prompt(String message) {
        if (!beginTurn()) {
            throw MeshException.unexpectedState("claude agent " + pid() + " is busy; steer or follow up instead");
        }
        writeUser(message);
    }

    @Override
    public void steer(String message) {
        if (working()) {
            // folded into the next tool result of the turn going on; if the turn ends first, Claude starts the
            // next turn with it, which the reader sees as a result without a turn begun here (begun then)
            writeUser(message);
            return;
        }
        prompt(message);
    }

    @Override
    public void followUp(String message) {
        followUpOrPrompt(message);
    }

    @Override
    public void interrupt() {
        if (!dropFollowUps()) {
            return;
        }
        String id = nextId("i");
        writeLine(JSON.createObjectNode().put("type", "control_request").put("request_id", id)
                .set("request", JSON.createObjectNode().put("subtype", "interrupt")));
    }

    @Override
    public void stop(Duration grace) {
        try {
            super.stop(grace);
        } finally {
            onStop.run();
        }
    }

    private void writeUser(String text) {
        ObjectNode msg = JSON.createObjectNode().put("type", "user");
        ObjectNode m = msg.putObject("message").put("role", "user");
        m.putArray("content").addObject().put("type", "text").put("text", text);
        writeLine(msg);
        recordPrompt(text);
    }

    private JsonNode control(ObjectNode request, Duration timeout) {
        String id = nextId("r");
        return request(id, JSON.createObjectNode().put("type", "control_request").put("request_id", id).set("request", request),
                request.path("subtype").asString(), timeout);
    }

    @Override
    protected void onLine(JsonNode line, String raw) {
        record(raw);
        long now = System.currentTimeMillis();
        switch (line.path("type").asString("")) {
            case "control_response" -> reply(line.path("response").path("request_id").asString(""), line);
            case "system" -> sessionId(line.path("session_id").asString(""));
            case "assistant" -> {
                // a turn Claude began by itself (a steer that arrived as the last turn ended) is a turn all the same
                if (!working()) {
                    beginTurn();
                }
                JsonNode msg = line.path("message");
                StringBuilder text = new StringBuilder();
                for (JsonNode part : msg.path("content")) {
                    switch (part.path("type").asString("")) {
                        case "tool_use" -> {
                            String id = part.path("id").asString("");
                            String tool = part.path("name").asString("");
                            toolNames.put(id, tool);
                            JsonNode in = part.path("input");
                            JsonNode path = in.has("file_path") ? in.path("file_path") : in.path("notebook_path");
                            boolean edit = tool.equals("Edit") || tool.equals("Write") || tool.equals("MultiEdit") || tool.equals("NotebookEdit");
                            emit(new AgentEvent.ToolCallStarted(now, id, tool, edit && path.isString() ? path.asString() : null));
                        }
                        case "text" -> text.append(part.path("text").asString(""));
                        default -> {
                        }
                    }
                }
                JsonNode usage = msg.path("usage");
                if (usage.isObject()) {
                    emit(new AgentEvent.Usage(now, usage.path("input_tokens").asLong(0) + usage.path("cache_read_input_tokens").asLong(0)
                            + usage.path("cache_creation_input_tokens").asLong(0), usage.path("output_tokens").asLong(0), -1));
                }
                if (!text.isEmpty()) {
                    emit(new AgentEvent.Text(now, text.toString()));
                }
            }
            case "user" -> {
                for (JsonNode part : line.path("message").path("content")) {
                    if ("tool_result".equals(part.path("type").asString())) {
                        String id = part.path("tool_use_id").asString("");
                        emit(new AgentEvent.ToolCallEnded(now, id, toolNames.getOrDefault(id, ""), part.path("is_error").asBoolean(false)));
                    }
                }
            }
            case "result" -> onResult(line, now);
            default -> {
            }
        }
    }

    private void onResult(JsonNode result, long now) {
        double total = result.path("total_cost_usd").asDouble(-1);
        if (total >= 0) {
            double delta;
            synchronized (lock) {
                delta = Math.max(0, total - costSoFar);
                costSoFar = Math.max(costSoFar, total);
            }
            emit(new AgentEvent.Usage(now, 0, 0, delta));
        }
        boolean ok = "success".equals(result.path("subtype").asString()) && !result.path("is_error").asBoolean(false);
        if (continueWithFollowUp(ok, this::writeUser)) {
            return;
        }
        if (ok) {
            endTurn(null);
            return;
        }
        String why = result.path("terminal_reason").asString("");
        String text = result.path("result").asString("");
        endTurn("claude: " + result.path("subtype").asString("error") + (why.isEmpty() ? "" : " (" + why + ")")
                + (text.isEmpty() ? "" : ": " + text));
    }
}
