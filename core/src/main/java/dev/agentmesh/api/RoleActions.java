package dev.agentmesh.api;

import static dev.agentmesh.api.Args.bool;
import static dev.agentmesh.api.Args.str;

import dev.agentmesh.MeshException;
import dev.agentmesh.Texts;
import dev.agentmesh.mesh.Agent;
import dev.agentmesh.mesh.Mesh;
import dev.agentmesh.mesh.Presence;
import dev.agentmesh.orchestrator.OrchestratorStatus;
import dev.agentmesh.orchestrator.RoleClaim;
import dev.agentmesh.orchestrator.Roles;
import dev.agentmesh.store.Store;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The orchestrator's role, circle and description actions of seeds/004 (issue 8): {@code claim_orchestrator_role},
 * {@code orchestrator_status}, {@code set_description} and {@code set_circle}, each a tool of the same name
 * ({@link #TOOLS}). Rules live in {@link Roles} and {@link Presence}; this class reads the arguments and shapes the
 * results. Thread-safe.
 *
 * <p>Data shapes: {@code claim_orchestrator_role} → {@code {"orchestrator", "observer", "circle", "claimedAt",
 * "previous", "forced", "told"}}; {@code orchestrator_status} → {@code {"present", "name", "id", "circle", "asked",
 * "claimedAt", "lastSeen", "stalenessSeconds", "stale", "description", "observers": [name]}}; {@code set_description}
 * and {@code set_circle} → the agent ({@link Wire.AgentWire}). Times are epoch ms; absent values are JSON null.
 */
final class RoleActions {
    /** The tools, in the order of {@link MeshApi#ACTIONS}: name, description for the model, JSON Schema of the arguments. */
    static final List<ToolSpec> TOOLS = List.of(
            tool("claim_orchestrator_role", """
                    Claim the orchestrator role of your circle (or of the whole project when you are in no circle): one \
                    orchestrator per circle; a role is metadata for coordination, not access control. While another live \
                    orchestrator holds it the claim is refused, naming it and since when: pass force: true to take over \
                    (it is told by a mesh message), wait until it is stale (no heartbeat for 300 s), or pass observer: \
                    true to stay as an observer (co-orchestrator). Claiming again as the orchestrator renews your \
                    heartbeat. The role ends when you leave the mesh. Returns {orchestrator, observer, circle, claimedAt, \
                    previous, forced, told}.""", """
                    {"type": "object", "properties": {
                      "force": {"type": "boolean", "description": "Take the role over from a live orchestrator (default false)."},
                      "observer": {"type": "boolean", "description": "Record yourself as an observer of the circle instead (default false)."},
                      "circle": {"type": "string", "description": "The circle; default your own. Only an agent in no circle may name another."}
                    }, "additionalProperties": false}"""),
            tool("orchestrator_status", """
                    Whether a live orchestrator is present in a circle (default: your circle, or the whole project): \
                    use it before dispatching long-running work. A circle without its own orchestrator answers with \
                    the whole project's (circle: null). Returns {present, name, id, circle, asked, claimedAt, lastSeen \
                    (epoch ms of its last heartbeat), stalenessSeconds (the threshold, 300), stale, description, \
                    observers: [name]} — not a snapshot of mesh state.""", """
                    {"type": "object", "properties": {
                      "circle": {"type": "string", "description": "The circle asked about; default the caller's."}
                    }, "additionalProperties": false}"""),
            tool("set_description", """
                    Say what you are working on, for the dashboard, list, whois and orchestrator_status. It is shown \
                    until ttl_seconds from now (default 3600, at most 604800 = 7 days), then dropped; set it again to \
                    renew it, or pass an empty description to clear it. One line, at most 500 characters. Returns the \
                    agent.""", """
                    {"type": "object", "properties": {
                      "description": {"type": "string", "maxLength": 500, "description": "What you are working on; empty clears it."},
                      "ttl_seconds": {"type": "integer", "minimum": 1, "maximum": 604800, "description": "How long it stays fresh (default 3600)."}
                    }, "required": ["description"], "additionalProperties": false}"""),
            tool("set_circle", """
                    Move into a circle, or out of yours with an empty circle. Circles scope who sees whom: in a circle \
                    you list, broadcast to and send to your circle and the agents in no circle; in no circle (the \
                    default) you see the whole project. Reservations, the feed and tasks stay project-wide. Returns the \
                    agent.""", """
                    {"type": "object", "properties": {
                      "circle": {"type": ["string", "null"], "description": "The circle: a letter or digit, then up to 63 letters, digits, _ . -; empty or null for none."}
                    }, "required": ["circle"], "additionalProperties": false}"""));

    private final Mesh mesh;
    private final Roles roles;

    RoleActions(Store store, Mesh mesh) {
        this.mesh = mesh;
        this.roles = new Roles(store, mesh);
    }

    /** Adds the four actions to {@code actions}, in the order of {@link MeshApi#ACTIONS}. */
    void register(Map<String, BiFunction<Caller, JsonNode, ApiResult>> actions) {
        actions.put("claim_orchestrator_role", this::claim);
        actions.put("orchestrator_status", (s, a) -> status(roles.status(s.agent(), str(a, "circle", false))));
        actions.put("set_description", this::setDescription);
        actions.put("set_circle", (s, a) -> {
            if (!a.has("circle")) {
                throw MeshException.invalidInput("parameter 'circle' is required (\"\" or null for no circle)");
            }
            Agent ag = mesh.presence().setCircle(me(s), str(a, "circle", false));
            return new ApiResult(ag.circle() == null ? ag.name() + " is in no circle: it sees the whole project"
                    : ag.name() + " is in circle " + ag.circle() + ": it sees that circle and the agents in none", Json.MAPPER.valueToTree(Wire.AgentWire.of(ag)));
        });
    }

    private ApiResult claim(Caller s, JsonNode a) {
        RoleClaim c = roles.claim(me(s), str(a, "circle", false), bool(a, "force"), bool(a, "observer"));
        String where = c.circle() == null ? "the whole project" : "circle " + c.circle();
        String text;
        if (c.observer() != null) {
            text = c.observer() + " observes " + where + (c.orchestrator() == null ? "; it has no orchestrator (claim without observer to be it)"
                    : "; its orchestrator is " + c.orchestrator());
        } else {
            text = c.orchestrator() + " is the orchestrator of " + where + " since " + iso(c.claimedAt())
                    + (c.previous() == null ? "" : "; took over from " + c.previous() + (c.forced() ? " (force)" : " (it was stale)")
                    + (c.told() ? ", who was told" : ", who could not be told"));
        }
        ObjectNode data = Json.MAPPER.createObjectNode().put("orchestrator", c.orchestrator()).put("observer", c.observer())
                .put("circle", c.circle()).put("claimedAt", c.claimedAt()).put("previous", c.previous())
                .put("forced", c.forced()).put("told", c.told());
        return new ApiResult(text, data);
    }

    private static ApiResult status(OrchestratorStatus st) {
        String asked = st.asked() == null ? "the whole project" : "circle " + st.asked();
        String text;
        if (!st.present()) {
            text = "no orchestrator is present for " + asked + (st.asked() == null ? "" : " (nor for the whole project)");
        } else {
            text = st.name() + " orchestrates " + (st.circle() == null ? "the whole project" : "circle " + st.circle())
                    + (st.asked() != null && st.circle() == null ? " (" + asked + " has none of its own)" : "")
                    + "; last seen " + iso(st.lastSeen()) + (st.stale() ? ", STALE" : ", live") + " (stale after "
                    + st.stalenessSeconds() + " s)" + (st.description() == null ? "" : "; working on: " + Texts.escape(st.description()));
        }
        if (!st.observers().isEmpty()) {
            text += "\nobservers: " + String.join(", ", st.observers());
        }
        ObjectNode data = Json.MAPPER.createObjectNode().put("present", st.present()).put("name", st.name()).put("id", st.id())
                .put("circle", st.circle()).put("asked", st.asked()).put("claimedAt", st.claimedAt()).put("lastSeen", st.lastSeen())
                .put("stalenessSeconds", st.stalenessSeconds()).put("stale", st.stale()).put("description", st.description());
        st.observers().forEach(data.putArray("observers")::add);
        return new ApiResult(text, data);
    }

    private ApiResult setDescription(Caller s, JsonNode a) {
        if (!a.has("description")) {
            throw MeshException.invalidInput("parameter 'description' is required (\"\" clears it)");
        }
        Double ttl = Args.number(a, "ttl_seconds");
        long max = Presence.MAX_DESCRIPTION_TTL.toSeconds();
        if (ttl != null && (ttl != Math.rint(ttl) || ttl < 1 || ttl > max)) {
            throw MeshException.invalidInput("parameter 'ttl_seconds' is " + Texts.quote(a.get("ttl_seconds").toString(), 40)
                    + "; it must be a whole number of seconds 1.." + max);
        }
        Agent ag = mesh.presence().setDescription(me(s), str(a, "description", false), ttl == null ? null : Duration.ofSeconds(ttl.longValue()));
        String fresh = ag.freshDescription(System.currentTimeMillis());
        return new ApiResult(fresh == null ? "description cleared" : "description: " + Texts.escape(fresh) + " (until "
                + iso(ag.descriptionExpiresAt()) + ")", Json.MAPPER.valueToTree(Wire.AgentWire.of(ag)));
    }

    /**
     * @return {@code prefix} and the agent's fresh description with its expiry, or "" when it has none: for the
     *     texts of {@code list} and {@code whois}
     */
    static String describing(Agent a, String prefix) {
        String d = a.freshDescription(System.currentTimeMillis());
        return d == null ? "" : prefix + Texts.escape(d) + " (until " + iso(a.descriptionExpiresAt()) + ")";
    }

    private static String me(Caller s) {
        if (s.agent() == null) {
            throw MeshException.invalidInput("join the mesh first (action \"join\"), or set MESH_AGENT");
        }
        return s.agent();
    }

    private static String iso(long at) {
        return Instant.ofEpochMilli(at).truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static ToolSpec tool(String name, String description, String schema) {
        return new ToolSpec(name, description, Json.parseObject(schema, "the schema of " + name));
    }
}
