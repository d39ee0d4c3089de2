package dev.agentmesh.runtimes.pi;

import dev.agentmesh.MeshException;
import dev.agentmesh.runtime.AgentEvent;
import dev.agentmesh.runtimes.internal.ProcessSession;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A pi agent in RPC mode ({@code pi --mode rpc}): JSON lines both ways (reference/agent-cli-protocols.md).
 * Commands carry an id echoed in their reply; {@code agent_start} begins a turn and {@code agent_end} ends it,
 * unless the last assistant message is an error and pi starts an automatic retry, in which case the turn ends at
 * {@code auto_retry_end} or at a later {@code agent_end}. Stdin stays open while a turn is going: closing it makes
 * pi exit. The session id is pi's own ({@code get_state}), empty when pi runs without sessions.
 */
final class PiSession extends ProcessSession {
    /** How long an errored {@code agent_end} waits for pi's {@code auto_retry_start} before it counts as the end. */
    private static final long RETRY_GRACE_MS = 400;
    /** How long a command waits for pi's reply. */
    private static final java.time.Duration REPLY = java.time.Duration.ofSeconds(30);

    private String lastError;
    private boolean retrying;
    private long endSeq;

    PiSession(Process process, Path transcript, String treeMark) throws IOException {
        super("pi", process, transcript, treeMark);
        startReading();
        JsonNode state = command(JSON.createObjectNode().put("type", "get_state"));
        sessionId(state.path("data").path("sessionId").asString(""));
        ready();
    }

    @Override
    public void prompt(String message) {
        if (!beginTurn()) {
            throw MeshException.unexpectedState("pi agent " + pid() + " is busy; steer or follow up instead");
        }
        synchronized (lock) {
            lastError = null;
            retrying = false;
        }
        JsonNode reply;
        try {
            reply = command(JSON.createObjectNode().put("type", "prompt").put("message", message));
        } catch (MeshException e) {
            endTurn(e.getMessage());
            throw e;
        }
        if (!reply.path("success").asBoolean(false)) {
            String why = reply.path("error").asString("refused");
            endTurn("pi refused the prompt: " + why);
            throw MeshException.unexpectedState("pi refused the prompt: " + why);
        }
    }

    @Override
    public void steer(String message) {
        queue("steer", message);
    }

    @Override
    public void followUp(String message) {
        queue("follow_up", message);
    }

    /** A steer or follow-up to a working agent; a new turn for an idle one. */
    private void queue(String type, String message) {
        if (!working()) {
            try {
                prompt(message);
                return;
            } catch (MeshException busy) {
                // a turn began meanwhile: give it to that turn
            }
        }
        JsonNode reply = command(JSON.createObjectNode().put("type", type).put("message", message));
        if (!reply.path("success").asBoolean(false)) {
            throw MeshException.unexpectedState("pi refused the " + type + ": " + reply.path("error").asString("no reason given"));
        }
    }

    @Override
    public void interrupt() {
        writeLine(JSON.createObjectNode().put("type", "abort").put("id", nextId("abort-")));
    }

    private JsonNode command(ObjectNode cmd) {
        String id = nextId("c");
        return request(id, cmd.put("id", id), cmd.path("type").asString(), REPLY);
    }

    @Override
    protected void onLine(JsonNode ev, String raw) {
        String type = ev.path("type").asString("");
        if (!type.equals("message_update") && !type.equals("tool_execution_update")) {
            record(raw);
        }
        long now = System.currentTimeMillis();
        switch (type) {
            case "response" -> reply(ev.path("id").asString(""), ev);
            case "tool_execution_start" -> {
                String tool = ev.path("toolName").asString("");
                JsonNode path = ev.path("args").path("path");
                emit(new AgentEvent.ToolCallStarted(now, ev.path("toolCallId").asString(""), tool,
                        (tool.equals("write") || tool.equals("edit")) && path.isString() ? path.asString() : null));
            }
            case "tool_execution_end" -> emit(new AgentEvent.ToolCallEnded(now, ev.path("toolCallId").asString(""),
                    ev.path("toolName").asString(""), ev.path("isError").asBoolean(false)));
            case "message_end" -> onMessageEnd(ev.path("message"), now);
            case "auto_retry_start" -> {
                synchronized (lock) {
                    retrying = true;
                }
            }
            case "auto_retry_end" -> {
                synchronized (lock) {
                    retrying = false;
                }
                if (!ev.path("success").asBoolean(false)) {
                    endTurn("model error: " + ev.path("finalError").asString(String.valueOf(lastError)));
                }
            }
            // a turn pi started itself (a steering message that woke the idle agent) is a turn all the same
            case "agent_start" -> beginTurn();
            case "agent_end" -> onAgentEnd();
            default -> {
            }
        }
    }

    private void onMessageEnd(JsonNode msg, long now) {
        if (!"assistant".equals(msg.path("role").asString())) {
            return;
        }
        JsonNode usage = msg.path("usage");
        emit(new AgentEvent.Usage(now, usage.path("input").asLong(usage.path("inputTokens").asLong(0)),
                usage.path("output").asLong(usage.path("outputTokens").asLong(0)),
                usage.path("cost").path("total").isNumber() ? usage.path("cost").path("total").asDouble() : -1));
        StringBuilder text = new StringBuilder();
        for (JsonNode part : msg.path("content")) {
            if ("text".equals(part.path("type").asString())) {
                text.append(part.path("text").asString(""));
            }
        }
        emit(new AgentEvent.Text(now, text.toString()));
        String error = "error".equals(msg.path("stopReason").asString()) ? msg.path("errorMessage").asString("model error") : null;
        synchronized (lock) {
            lastError = error;
        }
        if (error != null) {
            emit(new AgentEvent.Error(now, error));
        }
    }

    private void onAgentEnd() {
        String error;
        long seq;
        synchronized (lock) {
            error = lastError;
            seq = ++endSeq;
        }
        if (error == null) {
            endTurn(null);
            return;
        }
        Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(RETRY_GRACE_MS);
            } catch (InterruptedException e) {
                return;
            }
            boolean end;
            synchronized (lock) {
                end = seq == endSeq && !retrying;
            }
            if (end) {
                endTurn("model error: " + error);
            }
        });
    }
}
