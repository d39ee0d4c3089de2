package dev.agentmesh.server.http;

import dev.agentmesh.MeshException;
import dev.agentmesh.Texts;
import dev.agentmesh.api.ApiResult;
import dev.agentmesh.api.Caller;
import dev.agentmesh.api.Json;
import dev.agentmesh.api.LocalMeshApi;
import dev.agentmesh.project.Project;
import dev.agentmesh.project.SessionTokens;
import dev.agentmesh.runtimes.AgentProcesses;
import dev.agentmesh.server.Supervisor;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code POST /api/v1/hooks/claude}: the Claude Code hooks that {@code mesh install claude} sets up (a small shell
 * script runs {@code curl} with the event on stdin), answered here so a hook costs one HTTP call and no runtime:
 * <ul>
 *   <li>{@code PreToolUse} of an edit ({@code tool_input.file_path}, {@code notebook_path} or {@code path}) of a file
 *       another agent holds exclusively: {@code permissionDecision: "deny"} naming the holder, the reason and since
 *       when;</li>
 *   <li>{@code UserPromptSubmit}, {@code PostToolUse}: the agent's new messages as {@code additionalContext};</li>
 *   <li>{@code Stop} (unless {@code stop_hook_active}): {@code decision: "block"} with the messages as the reason;</li>
 *   <li>{@code UserPromptSubmit} and {@code Stop} with no new message: the open asks the agent still owes
 *       ({@link dev.agentmesh.orchestrator.Asks#reminder}), re-surfaced on every turn until acked (seeds/004);</li>
 *   <li>otherwise, or when nothing waits: 204 and no body (the hook says nothing).</li>
 * </ul>
 *
 * <p>Who the agent is: the hook names its own pid ({@code X-Mesh-Pid}); the supervisor checks in {@code /proc} that
 * this pid (or its child, the {@code curl} it runs) owns the TCP connection of the request, then takes the process
 * that runs the hook script (the first above it that is not a one-shot shell: Claude Code) and, if its session file
 * ({@link SessionTokens}, written when {@code mesh mcp} joined for it) has an agent of the project, acts as that
 * agent with its token. So only a process of the agent's own tree acts as it. Before the
 * agent joined, 204. The request passes the usual Host, Origin and secret checks. Messages handed out are
 * acknowledged once the answer is written, so a later hook or tool result does not show them again. Thread-safe.
 */
final class ClaudeHooks {
    private final Supervisor supervisor;

    ClaudeHooks(Supervisor supervisor) {
        this.supervisor = supervisor;
    }

    void handle(Context ctx) {
        supervisor.touch();
        // the event of a large Write holds the whole file: read it without the API's 1 MiB limit, so the check
        // of a held file never fails for size
        ObjectNode in;
        try {
            in = Json.MAPPER.readTree(ctx.req().getInputStream()) instanceof ObjectNode o ? o : null;
        } catch (IOException | tools.jackson.core.JacksonException e) {
            throw MeshException.invalidInput("the hook event is not JSON: " + Texts.firstLine(String.valueOf(e.getMessage())));
        }
        if (in == null) {
            throw MeshException.invalidInput("the hook event must be a JSON object");
        }
        String event = in.path("hook_event_name").asString("");
        String cwd = in.path("cwd").asString("");
        if (cwd.isEmpty() || cwd.indexOf('\0') >= 0 || !Path.of(cwd).isAbsolute()) {
            throw MeshException.invalidInput("the hook event needs an absolute 'cwd'");
        }
        long pid;
        try {
            pid = Long.parseLong(String.valueOf(ctx.header("X-Mesh-Pid")).strip());
        } catch (NumberFormatException e) {
            throw MeshException.invalidInput("the hook names its process with the header X-Mesh-Pid: PID");
        }
        if (!ownsConnection(pid, ctx.req().getRemotePort(), ctx.req().getLocalPort())) {
            throw new HttpResponseException(403, "process " + pid + " does not own this connection");
        }
        Path root = Project.locate(Path.of(cwd)).root();
        Optional<Caller> me = agentOf(pid, root, Path.of(cwd));
        if (me.isEmpty()) {
            ctx.status(204);
            return;
        }
        LocalMeshApi api = supervisor.project(root.toString());
        if (event.equals("PreToolUse")) {
            ObjectNode answer = preToolUse(api, me.get(), in.path("tool_input"));
            if (answer == null) {
                ctx.status(204);
            } else {
                ctx.contentType("application/json").result(answer.toString());
            }
            return;
        }
        if (!List.of("UserPromptSubmit", "PostToolUse", "Stop").contains(event)
                || (event.equals("Stop") && in.path("stop_hook_active").asBoolean(false))) {
            ctx.status(204);
            return;
        }
        synchronized (locks.computeIfAbsent(root + "\0" + me.get().agent(), k -> new Object())) {
            ObjectNode answer = messages(api, me.get(), event);
            if (answer == null) {
                ctx.status(204);
                return;
            }
            ArrayNode handed = (ArrayNode) answer.remove("handed");
            // the answer is written and flushed first, then the messages are acknowledged (a lost answer loses nothing)
            byte[] body = answer.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            ctx.status(200).contentType("application/json");
            ctx.res().setContentLength(body.length);
            try {
                ctx.res().getOutputStream().write(body);
                ctx.res().flushBuffer();
            } catch (IOException e) {
                return;
            }
            if (!handed.isEmpty()) {
                api.call(me.get(), Json.MAPPER.createObjectNode().put("action", "inbox.ack").set("ids", handed));
            }
        }
    }

    private static ObjectNode preToolUse(LocalMeshApi api, Caller me, JsonNode input) {
        String path = null;
        for (String key : new String[]{"file_path", "notebook_path", "path"}) {
            if (input.path(key).isString() && !input.path(key).asString().isEmpty()) {
                path = input.path(key).asString();
                break;
            }
        }
        if (path == null) {
            return null;
        }
        ObjectNode check = Json.MAPPER.createObjectNode().put("action", "reservations.check");
        check.putArray("paths").add(path);
        ApiResult r = api.call(me, check);
        if (r.data().path("free").asBoolean(true)) {
            return null;
        }
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.putObject("hookSpecificOutput").put("hookEventName", "PreToolUse").put("permissionDecision", "deny")
                .put("permissionDecisionReason", "mesh: " + firstParagraph(r.text()));
        return out;
    }

    /** One lock per agent: parallel hooks of one agent (PostToolUse of parallel tool calls) hand each message out once. */
    private final java.util.concurrent.ConcurrentHashMap<String, Object> locks = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * @return the hook's answer for {@code event} (with the ids it hands over under {@code handed}): the agent's new
     *         messages, else the asks it owes on {@code UserPromptSubmit} and {@code Stop}; null when nothing waits
     */
    static ObjectNode messages(LocalMeshApi api, Caller me, String event) {
        ApiResult r = api.call(me, Json.MAPPER.createObjectNode().put("action", "inbox").put("peek", true));
        if (!(r.data() instanceof ArrayNode pending) || pending.isEmpty()) {
            // no new message: the asks it still owes are re-surfaced when a turn begins and when it would stop
            // (seeds/004: an open ask is shown on every turn until it is really acked)
            if (event.equals("PostToolUse")) {
                return null;
            }
            String owed = api.asks().reminder(me.agent()).orElse(null);
            if (owed == null) {
                return null;
            }
            ObjectNode out = Json.MAPPER.createObjectNode();
            if (event.equals("Stop")) {
                out.put("decision", "block").put("reason", owed);
            } else {
                out.putObject("hookSpecificOutput").put("hookEventName", event).put("additionalContext", owed);
            }
            out.set("handed", Json.MAPPER.createArrayNode());
            return out;
        }
        List<String> lines = new ArrayList<>();
        ArrayNode ids = Json.MAPPER.createArrayNode();
        for (JsonNode m : pending) {
            lines.add("#" + m.path("id").asLong() + " from " + Texts.escape(m.path("sender").asString(""))
                    + ": " + Texts.escape(m.path("body").asString("")));
            ids.add(m.path("id").asLong());
        }
        String text = "[mesh] " + pending.size() + " new message(s) for " + me.agent() + ":\n" + String.join("\n", lines)
                + "\n(answer with pi_messenger action \"send\"; they are marked read)";
        ObjectNode out = Json.MAPPER.createObjectNode();
        if (event.equals("Stop")) {
            out.put("decision", "block").put("reason", text);
        } else {
            out.putObject("hookSpecificOutput").put("hookEventName", event).put("additionalContext", text);
        }
        out.set("handed", ids);
        return out;
    }

    /** The text of a result without the unread notice the API appends. */
    private static String firstParagraph(String text) {
        int at = text.indexOf("\n\n" + LocalMeshApi.NOTICE);
        return at < 0 ? text : text.substring(0, at);
    }

    /**
     * @return the agent of the Claude Code process that runs the hook: the first process above the hook script that
     *     is not a one-shot shell ({@link AgentProcesses#agentOf}), if its session file has an agent of {@code root};
     *     never one further up (a person's shell that started Claude Code is not Claude Code)
     */
    private Optional<Caller> agentOf(long pid, Path root, Path cwd) {
        Path store = Path.of(supervisor.runFile().store());
        Optional<ProcessHandle> agent = ProcessHandle.of(pid).flatMap(ProcessHandle::parent).map(AgentProcesses::agentOf);
        if (agent.isEmpty()) {
            return Optional.empty();
        }
        long at = agent.get().pid();
        return SessionTokens.current(store, at, root.toString()).map(name -> new Caller(name, cwd, at, "claude", null)
                .token(SessionTokens.find(store, at, root.toString(), name).orElse(null)));
    }

    /**
     * @return whether {@code pid} (or a child of it) holds the socket of the TCP connection from {@code clientPort}
     *     to {@code serverPort} on this host (its inode from {@code /proc/net/tcp} or {@code tcp6}, matched against {@code /proc/PID/fd})
     */
    static boolean ownsConnection(long pid, int clientPort, int serverPort) {
        String inode = null;
        for (String table : new String[]{"/proc/net/tcp", "/proc/net/tcp6"}) {
            try {
                for (String line : Files.readAllLines(Path.of(table))) {
                    String[] f = line.strip().split("\\s+");
                    // the first line is the header ("sl local_address rem_address ...")
                    // a closed connection of the same ports (TIME_WAIT) has inode 0: look on
                    if (f.length > 9 && f[0].endsWith(":") && port(f[1]) == clientPort && port(f[2]) == serverPort
                            && !f[9].equals("0")) {
                        inode = f[9];
                        break;
                    }
                }
            } catch (IOException | RuntimeException e) {
                // no such table here
            }
            if (inode != null) {
                break;
            }
        }
        if (inode == null || inode.equals("0")) {
            return false;
        }
        String want = "socket:[" + inode + "]";
        if (holds(pid, want)) {
            return true;
        }
        // the hook script names itself; the curl it runs makes the connection
        return ProcessHandle.of(pid).map(h -> h.children().anyMatch(c -> holds(c.pid(), want))).orElse(false);
    }

    private static boolean holds(long pid, String want) {
        try (var fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    if (Files.readSymbolicLink(fd).toString().equals(want)) {
                        return true;
                    }
                } catch (IOException | RuntimeException e) {
                    // closed while we looked
                }
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
        return false;
    }

    /** @return the port of a {@code /proc/net/tcp} address {@code HEXADDR:HEXPORT} */
    private static int port(String address) {
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1), 16);
    }
}
