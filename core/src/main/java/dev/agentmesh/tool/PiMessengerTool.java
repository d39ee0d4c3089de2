package dev.agentmesh.tool;

import dev.agentmesh.MeshException;
import dev.agentmesh.crew.Plan;
import dev.agentmesh.crew.Task;
import dev.agentmesh.crew.TaskSpec;
import dev.agentmesh.crew.Tasks;
import dev.agentmesh.mesh.Agent;
import dev.agentmesh.mesh.FeedEvent;
import dev.agentmesh.mesh.Feed;
import dev.agentmesh.mesh.Mesh;
import dev.agentmesh.mesh.Message;
import dev.agentmesh.mesh.Presence;
import dev.agentmesh.mesh.Reservation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The {@code pi_messenger} tool: one entry point taking an {@code action} and its parameters, with the action
 * names and parameters of pi-messenger (seeds/001), so a skill written for pi-messenger works unchanged. The MCP
 * server, the {@code mesh tool} command and the pi extension all call {@link #call}.
 *
 * <p>Implemented actions: coordination ({@code join list status whois feed set_status send broadcast reserve
 * release rename}, plus {@code inbox} and {@code leave}) and crew task actions ({@code task.list task.show
 * task.start task.done task.block task.unblock task.ready task.reset crew.status crew.validate}). A joined caller
 * with unread messages gets a one-line notice appended to the result.
 */
public final class PiMessengerTool {
    /** The tool name, as in pi-messenger. */
    public static final String NAME = "pi_messenger";
    /** The actions, in documentation order. */
    public static final List<String> ACTIONS = List.of("join", "leave", "list", "status", "whois", "feed", "set_status",
            "send", "broadcast", "inbox", "reserve", "release", "rename", "task.list", "task.ready", "task.show",
            "task.start", "task.done", "task.block", "task.unblock", "task.reset", "crew.status", "crew.validate");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Mesh mesh;
    private final Tasks tasks;
    private final Map<String, BiFunction<ToolSession, JsonNode, ToolResult>> actions = new java.util.LinkedHashMap<>();

    /** @return the tool over {@code mesh} and the project's crew tasks */
    public static PiMessengerTool create(Mesh mesh) {
        return new PiMessengerTool(mesh);
    }

    private PiMessengerTool(Mesh mesh) {
        this.mesh = mesh;
        this.tasks = Tasks.create(mesh.store(), mesh.project().key());
        actions.put("join", this::join);
        actions.put("leave", (s, a) -> {
            int n = mesh.presence().leave(me(s));
            return result(me(s) + " left the mesh; " + n + " reservation(s) released", obj().put("released", n));
        });
        actions.put("list", (s, a) -> agents(mesh.presence().list(bool(a, "all"))));
        actions.put("status", this::status);
        actions.put("whois", (s, a) -> whois(str(a, "name", true)));
        actions.put("feed", (s, a) -> feed(mesh.feed().latest(integer(a, "limit", Feed.DEFAULT_LIMIT))));
        actions.put("set_status", (s, a) -> {
            Agent ag = mesh.presence().setStatus(me(s), str(a, "message", false));
            return result(ag.statusMessage() == null ? "status cleared" : "status: " + ag.statusMessage(), JSON.valueToTree(ag));
        });
        actions.put("send", (s, a) -> sent(mesh.messenger().send(me(s), strList(a, "to", true), str(a, "message", true),
                longArg(a, "replyTo"))));
        actions.put("broadcast", (s, a) -> sent(mesh.messenger().broadcast(me(s), str(a, "message", true))));
        actions.put("inbox", (s, a) -> inbox(mesh.messenger().inbox(me(s), integer(a, "limit", 50), bool(a, "peek"))));
        actions.put("reserve", (s, a) -> {
            List<Reservation> r = mesh.reservations().reserve(me(s), s.cwd(), strList(a, "paths", true),
                    str(a, "reason", false), !"shared".equals(str(a, "mode", false)), null);
            return result("reserved " + String.join(", ", r.stream().map(Reservation::pattern).toList()), JSON.valueToTree(r));
        });
        actions.put("release", (s, a) -> {
            List<String> released = mesh.reservations().release(me(s), s.cwd(), strList(a, "paths", false));
            return result(released.isEmpty() ? "nothing to release" : "released " + String.join(", ", released),
                    JSON.valueToTree(released));
        });
        actions.put("rename", (s, a) -> {
            Agent ag = mesh.presence().rename(me(s), str(a, "name", true));
            s.agent(ag.name());
            return result("you are now " + ag.name(), JSON.valueToTree(ag));
        });
        actions.put("task.list", (s, a) -> taskList(tasks.list()));
        actions.put("task.ready", (s, a) -> taskList(tasks.ready()));
        actions.put("task.show", (s, a) -> taskShow(tasks.show(str(a, "id", true))));
        actions.put("task.start", (s, a) -> taskShow(tasks.start(str(a, "id", true), me(s), null)));
        actions.put("task.done", (s, a) -> taskShow(tasks.done(str(a, "id", true), me(s), str(a, "summary", false))));
        actions.put("task.block", (s, a) -> taskShow(tasks.block(str(a, "id", true), s.agent(), str(a, "reason", true))));
        actions.put("task.unblock", (s, a) -> taskShow(tasks.unblock(str(a, "id", true), s.agent())));
        actions.put("task.reset", (s, a) -> taskList(tasks.reset(str(a, "id", true), s.agent(), bool(a, "cascade"))));
        actions.put("crew.status", (s, a) -> crewStatus());
        actions.put("crew.validate", (s, a) -> {
            List<Task> all = tasks.list();
            Plan.validate(all.stream().map(t -> new TaskSpec(t.id(), t.title(), t.description(), t.dependsOn())).toList());
            return result("plan is valid: " + all.size() + " tasks, dependencies known, no cycle", obj().put("valid", true));
        });
        if (!List.copyOf(actions.keySet()).equals(ACTIONS)) {
            throw new IllegalStateException("ACTIONS is out of step with the handlers: " + actions.keySet());
        }
    }

    /** @return the action names this tool accepts, in documentation order */
    public List<String> actions() {
        return ACTIONS;
    }

    /**
     * Runs one action.
     *
     * @param session the caller; {@code join} and {@code rename} update its agent name
     * @param args    a JSON object with {@code action} and the action's parameters
     * @return the result, with a notice of unread messages appended for a joined caller
     * @throws MeshException (invalid input) for a missing or unknown action or a bad parameter, and whatever the
     *                       action throws
     */
    public ToolResult call(ToolSession session, JsonNode args) {
        if (args == null || !args.isObject()) {
            throw MeshException.invalidInput("pi_messenger takes a JSON object with an 'action'");
        }
        String action = str(args, "action", true);
        var handler = actions.get(action);
        if (handler == null) {
            throw MeshException.invalidInput("unknown action '" + action + "'; known actions: " + String.join(", ", actions.keySet()));
        }
        ToolResult r = handler.apply(session, args);
        if (session.agent() != null && !action.equals("inbox") && !action.equals("leave")) {
            int unread = unreadOf(session.agent());
            if (unread > 0) {
                return new ToolResult(r.text() + "\n\n[mesh] " + unread + " unread message(s) for " + session.agent()
                        + ": call pi_messenger with action \"inbox\" to read them.", r.data());
            }
        }
        return r;
    }

    private int unreadOf(String agent) {
        try {
            return mesh.messenger().unread(agent);
        } catch (MeshException e) {
            return 0;
        }
    }

    private ToolResult join(ToolSession s, JsonNode a) {
        String name = str(a, "name", false);
        Agent ag = mesh.presence().join(new Presence.JoinRequest(name != null ? name : s.agent(), s.pid(),
                s.cwd().toString(), s.runtime(), s.model(), mesh.project().branch()));
        s.agent(ag.name());
        int peers = mesh.presence().list(false).size() - 1;
        return result("joined as " + ag.name() + " (" + peers + " peer(s)) in " + mesh.project().root(), JSON.valueToTree(ag));
    }

    private ToolResult status(ToolSession s, JsonNode a) {
        ObjectNode data = obj();
        StringBuilder text = new StringBuilder();
        if (s.agent() != null) {
            Agent me = mesh.presence().whois(s.agent());
            List<Reservation> mine = mesh.reservationsOf(me.name());
            data.set("agent", JSON.valueToTree(me));
            data.set("reservations", JSON.valueToTree(mine));
            text.append("you are ").append(me.name()).append(me.present() ? "" : " (left)")
                    .append(me.statusMessage() == null ? "" : ": " + me.statusMessage())
                    .append("; reservations: ").append(mine.isEmpty() ? "none" : String.join(", ", mine.stream().map(Reservation::pattern).toList()))
                    .append('\n');
        }
        ToolResult crew = crewStatus();
        data.set("crew", crew.data());
        return result(text + crew.text(), data);
    }

    private ToolResult whois(String name) {
        Agent a = mesh.presence().whois(name);
        List<Reservation> r = mesh.reservationsOf(name);
        ObjectNode data = (ObjectNode) JSON.valueToTree(a);
        data.set("reservations", JSON.valueToTree(r));
        String text = a.name() + (a.present() ? "" : " (left)") + "\n  runtime " + nz(a.runtime()) + ", model " + nz(a.model())
                + ", branch " + nz(a.branch()) + ", pid " + nz(a.pid()) + " on " + nz(a.host())
                + "\n  cwd " + nz(a.cwd())
                + (a.statusMessage() == null ? "" : "\n  status: " + a.statusMessage())
                + "\n  reservations: " + (r.isEmpty() ? "none" : String.join(", ", r.stream().map(Reservation::pattern).toList()));
        return result(text, data);
    }

    private static ToolResult agents(List<Agent> list) {
        StringBuilder sb = new StringBuilder(list.size() + " agent(s)");
        for (Agent a : list) {
            sb.append("\n  ").append(a.name()).append(a.present() ? "" : " (left)").append("  ").append(nz(a.runtime()))
                    .append(a.model() == null ? "" : " " + a.model())
                    .append(a.branch() == null ? "" : " @" + a.branch())
                    .append(a.statusMessage() == null ? "" : "  \"" + a.statusMessage() + "\"");
        }
        return result(sb.toString(), JSON.valueToTree(list));
    }

    private static ToolResult feed(List<FeedEvent> events) {
        StringBuilder sb = new StringBuilder();
        for (FeedEvent e : events) {
            sb.append(Formats.clock(e.at())).append(' ').append(nz(e.actor())).append(' ').append(e.kind())
                    .append(e.target() == null ? "" : " " + e.target()).append(e.detail() == null ? "" : ": " + e.detail()).append('\n');
        }
        return result(events.isEmpty() ? "feed is empty" : sb.toString().stripTrailing(), JSON.valueToTree(events));
    }

    private static ToolResult sent(Message m) {
        return result("sent #" + m.id() + " to " + (m.recipients().isEmpty() ? "nobody (no one else is here)"
                : String.join(", ", m.recipients())), JSON.valueToTree(m));
    }

    private static ToolResult inbox(List<Message> msgs) {
        StringBuilder sb = new StringBuilder(msgs.isEmpty() ? "no new messages" : msgs.size() + " message(s)");
        for (Message m : msgs) {
            sb.append("\n#").append(m.id()).append(' ').append(Formats.clock(m.createdAt())).append(' ').append(m.sender())
                    .append(m.broadcast() ? " (to all)" : "").append(m.replyTo() == null ? "" : " (reply to #" + m.replyTo() + ")")
                    .append(": ").append(m.body());
        }
        return result(sb.toString(), JSON.valueToTree(msgs));
    }

    private static ToolResult taskList(List<Task> list) {
        StringBuilder sb = new StringBuilder(list.isEmpty() ? "no tasks" : "");
        for (Task t : list) {
            sb.append(Formats.taskLine(t)).append('\n');
        }
        return result(sb.toString().stripTrailing(), JSON.valueToTree(list));
    }

    private static ToolResult taskShow(Task t) {
        return result(Formats.taskDetail(t), JSON.valueToTree(t));
    }

    private ToolResult crewStatus() {
        Map<Task.Status, Long> c = tasks.counts();
        ObjectNode data = obj();
        c.forEach((k, v) -> data.put(k.wire(), v));
        long total = c.values().stream().mapToLong(Long::longValue).sum();
        List<String> ready = tasks.ready().stream().map(Task::id).toList();
        StringBuilder text = new StringBuilder(total == 0 ? "crew: no plan yet" : "crew: " + total + " tasks: "
                + c.get(Task.Status.DONE) + " done, " + c.get(Task.Status.IN_PROGRESS) + " in progress, "
                + c.get(Task.Status.TODO) + " todo, " + c.get(Task.Status.BLOCKED) + " blocked; ready: "
                + (ready.isEmpty() ? "none" : String.join(", ", ready)));
        for (Task t : tasks.list()) {
            text.append("\n  ").append(Formats.taskLine(t));
        }
        var run = mesh.store().read(tx -> tx.tasks().latestRun(mesh.project().key()));
        run.ifPresent(r -> {
            text.append("\nlast run: ").append(r.status()).append(", started ").append(Formats.clock(r.startedAt()))
                    .append(r.endedAt() == null ? " (pid " + r.pid() + ")" : ", " + r.waves() + " wave(s)");
            data.set("lastRun", JSON.valueToTree(r));
        });
        List<Agent> present = mesh.presence().list(false);
        text.append("\nagents present: ").append(present.isEmpty() ? "none"
                : String.join(", ", present.stream().map(Agent::name).toList()));
        data.set("agentsPresent", JSON.valueToTree(present.stream().map(Agent::name).toList()));
        return result(text.toString(), data);
    }

    private static String me(ToolSession s) {
        if (s.agent() == null) {
            throw MeshException.invalidInput("join the mesh first (action \"join\"), or set MESH_AGENT");
        }
        return s.agent();
    }

    private static ToolResult result(String text, JsonNode data) {
        return new ToolResult(text, data);
    }

    private static ObjectNode obj() {
        return JSON.createObjectNode();
    }

    private static String nz(Object o) {
        return o == null ? "-" : o.toString();
    }

    static String str(JsonNode a, String key, boolean required) {
        JsonNode v = a.get(key);
        if (v == null || v.isNull() || (v.isString() && v.asString().isBlank())) {
            if (required) {
                throw MeshException.invalidInput("parameter '" + key + "' is required");
            }
            return null;
        }
        if (!v.isString() && !v.isNumber() && !v.isBoolean()) {
            throw MeshException.invalidInput("parameter '" + key + "' must be a string, not " + v);
        }
        return v.asString();
    }

    static List<String> strList(JsonNode a, String key, boolean required) {
        JsonNode v = a.get(key);
        List<String> out = new ArrayList<>();
        if (v != null && v.isArray()) {
            for (JsonNode e : v) {
                if (!e.isString()) {
                    throw MeshException.invalidInput("parameter '" + key + "' must hold strings, not " + e);
                }
                out.add(e.asString());
            }
        } else if (v != null && v.isString() && !v.asString().isBlank()) {
            String s = v.asString().strip();
            if (s.startsWith("[")) {
                try {
                    return strList(JSON.readTree("{\"v\":" + s + "}"), "v", required);
                } catch (MeshException e) {
                    throw e;
                } catch (Exception e) {
                    throw MeshException.invalidInput("parameter '" + key + "' is not a valid JSON array: " + s);
                }
            }
            for (String part : s.split(",")) {
                if (!part.isBlank()) {
                    out.add(part.strip());
                }
            }
        } else if (v != null && !v.isNull() && !v.isString()) {
            throw MeshException.invalidInput("parameter '" + key + "' must be a string or an array of strings, not " + v);
        }
        if (required && out.isEmpty()) {
            throw MeshException.invalidInput("parameter '" + key + "' is required");
        }
        return out;
    }

    static int integer(JsonNode a, String key, int dflt) {
        JsonNode v = a.get(key);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (v.isIntegralNumber() && v.canConvertToInt()) {
            return v.asInt();
        }
        if (v.isString() && v.asString().strip().matches("-?\\d{1,9}")) {
            return Integer.parseInt(v.asString().strip());
        }
        throw MeshException.invalidInput("parameter '" + key + "' must be an integer, not " + v);
    }

    static Long longArg(JsonNode a, String key) {
        JsonNode v = a.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            return v.asLong();
        }
        String s = v.isString() ? v.asString().strip().replaceFirst("^#", "") : "";
        if (s.matches("\\d{1,18}")) {
            return Long.parseLong(s);
        }
        throw MeshException.invalidInput("parameter '" + key + "' must be a message id, not " + v);
    }

    static boolean bool(JsonNode a, String key) {
        JsonNode v = a.get(key);
        if (v == null || v.isNull()) {
            return false;
        }
        if (v.isBoolean()) {
            return v.asBoolean();
        }
        if (v.isString() && v.asString().matches("(?i)true|false")) {
            return Boolean.parseBoolean(v.asString());
        }
        throw MeshException.invalidInput("parameter '" + key + "' must be true or false, not " + v);
    }
}
