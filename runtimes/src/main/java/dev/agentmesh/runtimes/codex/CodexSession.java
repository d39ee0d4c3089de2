package dev.agentmesh.runtimes.codex;

import dev.agentmesh.MeshException;
import dev.agentmesh.runtime.AgentEvent;
import dev.agentmesh.runtime.Capability;
import dev.agentmesh.runtimes.internal.ProcessSession;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Codex agent over {@code codex app-server}: JSON-RPC over stdio, one object a line, no {@code "jsonrpc"} field
 * (reference/agent-cli-protocols.md). {@code initialize} and {@code initialized}, then {@code thread/start} (or
 * {@code thread/resume}) give the thread, whose id is the session id; {@code turn/start} begins a turn, which
 * Codex reports with {@code turn/started}, {@code item/started} / {@code item/completed} (command executions, file
 * changes, MCP tool calls, agent messages), {@code thread/tokenUsage/updated} and {@code turn/completed}.
 *
 * <p>Codex asks before it acts ({@code approvalPolicy: untrusted}): {@code item/commandExecution/requestApproval}
 * is accepted when the agent has {@link Capability#SHELL}, or read or search and the command only reads
 * ({@link ReadOnlyCommands}); {@code item/fileChange/requestApproval} when it has
 * {@link Capability#EDIT} or {@link Capability#WRITE} and the {@link CodexRuntime.EditGuard} finds none of the
 * change's paths (known from its {@code item/started}) held by another agent. A refusal is declined and its reason
 * steered into the turn as a {@code [mesh]} notice, so the model learns who holds the file. A call of the mesh's
 * own MCP tool (an elicitation of kind {@code mcp_tool_call} from server {@value CodexRuntime#MCP_SERVER}) is accepted
 * with {@link Capability#MESH}. Every other request (user input, other elicitations, permissions) is declined or
 * answered with an error: nobody sits at this terminal.
 *
 * <p>A steer is {@code turn/steer} on the running turn; a follow-up waits here and starts the next turn when this
 * one completes, which counts as one turn for both (as in pi). Thread-safe.
 */
final class CodexSession extends ProcessSession {
    /** How long the start-up handshake may take (Codex starts its MCP servers first). */
    private static final Duration HANDSHAKE = Duration.ofSeconds(60);
    /** How long any other request waits for its reply. */
    private static final Duration REPLY = Duration.ofSeconds(30);

    private final Set<Capability> capabilities;
    private final CodexRuntime.EditGuard guard;
    private final String agent;
    private final Path cwd;
    private final Map<String, List<String>> changePaths = new ConcurrentHashMap<>();
    private final Map<String, String> toolNames = new ConcurrentHashMap<>();
    private final String threadId;
    private volatile String turnId;

    /**
     * @param thread the {@code thread/start} or {@code thread/resume} request, without its id
     * @throws MeshException (invalid input) when Codex has no thread to resume; (unexpected state) when it does not
     *                       start
     */
    CodexSession(Process process, Path transcript, String treeMark, String agent, Path cwd, Set<Capability> capabilities,
                 CodexRuntime.EditGuard guard, ObjectNode thread) throws IOException {
        super("codex", process, transcript, treeMark);
        this.agent = agent;
        this.cwd = cwd;
        this.capabilities = Set.copyOf(capabilities);
        this.guard = guard;
        startReading();
        ObjectNode init = JSON.createObjectNode().put("method", "initialize");
        init.putObject("params").putObject("clientInfo").put("name", "agentmesh").put("version", "1");
        call(init, HANDSHAKE);
        writeLine(JSON.createObjectNode().put("method", "initialized"));
        String method = thread.path("method").asString();
        JsonNode started;
        try {
            started = call(thread, HANDSHAKE);
        } catch (MeshException e) {
            if (method.equals("thread/resume")) {
                throw MeshException.invalidInput("Codex cannot resume thread '" + thread.path("params").path("threadId").asString()
                        + "': " + e.getMessage());
            }
            throw e;
        }
        this.threadId = started.path("thread").path("id").asString("");
        if (threadId.isEmpty()) {
            throw MeshException.unexpectedState("Codex answered " + method + " without a thread id" + stderrSuffix());
        }
        sessionId(threadId);
        ready();
    }

    @Override
    public void prompt(String message) {
        if (!beginTurn()) {
            throw MeshException.unexpectedState("codex agent " + pid() + " is busy; steer or follow up instead");
        }
        try {
            startTurn(message);
        } catch (MeshException e) {
            endTurn("codex refused the turn: " + e.getMessage());
            throw e;
        }
    }

    private void startTurn(String message) {
        ObjectNode req = JSON.createObjectNode().put("method", "turn/start");
        ObjectNode params = req.putObject("params").put("threadId", threadId);
        params.putArray("input").addObject().put("type", "text").put("text", message);
        JsonNode r = call(req, REPLY);
        String id = r.path("turn").path("id").asString("");
        if (!id.isEmpty()) {
            turnId = id;
        }
    }

    @Override
    public void steer(String message) {
        String current = turnId;
        if (working() && current != null) {
            ObjectNode req = JSON.createObjectNode().put("method", "turn/steer");
            ObjectNode params = req.putObject("params").put("threadId", threadId).put("expectedTurnId", current);
            params.putArray("input").addObject().put("type", "text").put("text", message);
            try {
                call(req, REPLY);
                return;
            } catch (MeshException ended) {
                // the turn ended meanwhile: the message starts the next one
            }
        }
        followUp(message);
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
        String current = turnId;
        if (current == null) {
            return;
        }
        ObjectNode req = JSON.createObjectNode().put("method", "turn/interrupt");
        req.putObject("params").put("threadId", threadId).put("turnId", current);
        String id = nextId("i");
        writeLine(req.put("id", id));
    }

    /** Sends a request and waits for its result; an error reply is an exception with Codex's message. */
    private JsonNode call(ObjectNode request, Duration timeout) {
        String id = nextId("r");
        JsonNode reply = request(id, request.put("id", id), request.path("method").asString(), timeout);
        if (reply.has("error")) {
            throw MeshException.unexpectedState("codex refused " + request.path("method").asString() + ": "
                    + reply.path("error").path("message").asString("no reason given"));
        }
        return reply.path("result");
    }

    @Override
    protected void onLine(JsonNode line, String raw) {
        String method = line.path("method").asString("");
        if (!method.endsWith("/delta") && !method.equals("account/rateLimits/updated") && !method.equals("turn/diff/updated")) {
            record(raw);
        }
        if (method.isEmpty()) {
            if (line.has("id")) {
                reply(line.path("id").asString(""), line);
            }
            return;
        }
        if (line.has("id")) {
            JsonNode id = line.path("id");
            JsonNode params = line.path("params");
            // answered off the reader thread: a refusal steers the turn, which waits for a reply this thread reads
            Thread.ofVirtual().name("codex-approval-" + pid()).start(() -> answer(id, method, params));
            return;
        }
        JsonNode p = line.path("params");
        long now = System.currentTimeMillis();
        switch (method) {
            case "turn/started" -> {
                turnId = p.path("turn").path("id").asString(turnId);
                if (!working()) {
                    beginTurn(); // a turn Codex began by itself (a steer that arrived as the last one ended)
                }
            }
            case "item/started" -> itemStarted(p.path("item"), now);
            case "item/completed" -> itemCompleted(p.path("item"), now);
            case "thread/tokenUsage/updated" -> {
                JsonNode last = p.path("tokenUsage").path("last");
                emit(new AgentEvent.Usage(now, last.path("inputTokens").asLong(0), last.path("outputTokens").asLong(0), -1));
            }
            case "error" -> emit(new AgentEvent.Error(now, "codex: " + p.path("error").path("message").asString("error")));
            case "turn/completed" -> turnCompleted(p.path("turn"));
            default -> {
            }
        }
    }

    private void itemStarted(JsonNode item, long now) {
        String id = item.path("id").asString("");
        switch (item.path("type").asString("")) {
            case "commandExecution" -> started(id, "exec_command", null, now);
            case "fileChange" -> {
                List<String> paths = new ArrayList<>();
                for (JsonNode c : item.path("changes")) {
                    if (c.path("path").isString()) {
                        paths.add(c.path("path").asString());
                    }
                }
                changePaths.put(id, paths);
                started(id, "apply_patch", paths.isEmpty() ? null : paths.getFirst(), now);
                for (int i = 1; i < paths.size(); i++) {
                    emit(new AgentEvent.ToolCallStarted(now, id + "#" + (i + 1), "apply_patch", paths.get(i)));
                }
            }
            case "mcpToolCall" -> started(id, "mcp__" + item.path("server").asString("") + "__" + item.path("tool").asString(""), null, now);
            default -> {
            }
        }
    }

    private void started(String id, String tool, String path, long now) {
        toolNames.put(id, tool);
        emit(new AgentEvent.ToolCallStarted(now, id, tool, path));
    }

    private void itemCompleted(JsonNode item, long now) {
        String id = item.path("id").asString("");
        if (item.path("type").asString("").equals("agentMessage")) {
            String text = item.path("text").asString("");
            if (!text.isEmpty()) {
                emit(new AgentEvent.Text(now, text));
            }
            return;
        }
        String tool = toolNames.remove(id);
        if (tool == null) {
            return;
        }
        boolean failed = !"completed".equals(item.path("status").asString(""))
                || (item.has("exitCode") && item.path("exitCode").isNumber() && item.path("exitCode").asInt() != 0);
        emit(new AgentEvent.ToolCallEnded(now, id, tool, failed));
        List<String> paths = changePaths.remove(id);
        for (int i = 1; paths != null && i < paths.size(); i++) {
            emit(new AgentEvent.ToolCallEnded(now, id + "#" + (i + 1), tool, failed));
        }
    }

    private void turnCompleted(JsonNode turn) {
        String status = turn.path("status").asString("");
        // a command Codex left running when the turn moved on (a steer arrived) has no completion of its own
        long now = System.currentTimeMillis();
        for (String id : List.copyOf(toolNames.keySet())) {
            String tool = toolNames.remove(id);
            if (tool != null) {
                emit(new AgentEvent.ToolCallEnded(now, id, tool, !status.equals("completed")));
            }
        }
        // turn/start waits for a reply that the reader thread reads: the follow-up goes from a thread of its own
        if (continueWithFollowUp(status.equals("completed"), this::startTurn)) {
            return;
        }
        switch (status) {
            case "completed" -> endTurn(null);
            case "interrupted" -> endTurn("interrupted");
            default -> endTurn("codex: turn " + (status.isEmpty() ? "ended" : status)
                    + (turn.path("error").isObject() ? ": " + turn.path("error").path("message").asString("") : ""));
        }
    }

    /** Answers one of Codex's requests to its client. */
    private void answer(JsonNode id, String method, JsonNode params) {
        ObjectNode reply = JSON.createObjectNode().set("id", id);
        try {
            switch (method) {
                case "item/commandExecution/requestApproval", "execCommandApproval" -> {
                    boolean v1 = method.equals("execCommandApproval"); // the older protocol answers approved/denied
                    // without the shell, a command that only reads is a read (Codex reads through commands)
                    boolean ok = capabilities.contains(Capability.SHELL) || ReadOnlyCommands.allowed(params.get("command"),
                            params.has("commandActions") ? params.get("commandActions") : params.get("parsedCmd"), capabilities);
                    reply.putObject("result").put("decision", ok ? (v1 ? "approved" : "accept") : (v1 ? "denied" : "decline"));
                }
                case "item/fileChange/requestApproval", "applyPatchApproval" -> {
                    boolean v1 = method.equals("applyPatchApproval");
                    if (v1 && params.path("fileChanges").isObject()) {
                        // the older protocol names the files in the request itself
                        List<String> paths = new ArrayList<>();
                        params.path("fileChanges").propertyNames().forEach(paths::add);
                        changePaths.put(params.path("callId").asString(""), paths);
                    }
                    Optional<String> refusal = fileChangeRefusal(params.path("itemId").asString(params.path("callId").asString("")));
                    reply.putObject("result").put("decision", refusal.isEmpty() ? (v1 ? "approved" : "accept") : (v1 ? "denied" : "decline"));
                    writeLine(reply);
                    refusal.ifPresent(why -> {
                        emit(new AgentEvent.Error(System.currentTimeMillis(), why));
                        try {
                            steer(why);
                        } catch (MeshException gone) {
                            // the turn or the agent is gone; the refusal stands
                        }
                    });
                    return;
                }
                case "mcpServer/elicitation/request" -> {
                    // Codex asks before each MCP tool call; the mesh server's tools (pi_messenger, agent_team) are the
                    // agent's by its capabilities, whichever of them it calls
                    boolean meshTool = CodexRuntime.MCP_SERVER.equals(params.path("serverName").asString(""))
                            && "mcp_tool_call".equals(params.path("_meta").path("codex_approval_kind").asString(""))
                            && capabilities.contains(Capability.MESH);
                    ObjectNode result = reply.putObject("result").put("action", meshTool ? "accept" : "decline");
                    if (meshTool) {
                        result.putObject("content");
                    }
                }
                default -> reply.putObject("error").put("code", -32601)
                        .put("message", "agentmesh runs this agent unattended; nobody can answer " + method);
            }
        } catch (RuntimeException e) {
            reply.remove("result");
            reply.putObject("error").put("code", -32603).put("message", "agentmesh: " + e.getMessage());
        }
        try {
            writeLine(reply);
        } catch (MeshException gone) {
            // the agent exited
        }
    }

    private Optional<String> fileChangeRefusal(String itemId) {
        if (!capabilities.contains(Capability.EDIT) && !capabilities.contains(Capability.WRITE)) {
            return Optional.of("[mesh] " + agent + " may not change files: its capabilities are "
                    + capabilities.stream().map(c -> c.name().toLowerCase(java.util.Locale.ROOT)).sorted().toList());
        }
        List<String> paths = changePaths.getOrDefault(itemId, List.of());
        if (paths.isEmpty()) {
            // a change whose files agentmesh cannot tell is not let through unchecked
            return Optional.of("[mesh] agentmesh could not tell which files this change touches, so it was declined; "
                    + "apply it as a patch naming its files");
        }
        return guard.refusal(agent, cwd, paths).map(why -> "[mesh] " + why);
    }
}
