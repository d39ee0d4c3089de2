package dev.agentmesh.server.http;

import dev.agentmesh.MeshException;
import dev.agentmesh.Texts;
import dev.agentmesh.api.Caller;
import dev.agentmesh.api.Json;
import dev.agentmesh.api.LocalMeshApi;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.Locale;

/**
 * The dashboard's snapshot ({@code GET /dashboard/api/state}): everything its panels show, read through
 * {@link LocalMeshApi} actions as the session's human participant, in one JSON object. Each area is
 * {@code {"ok": true, "data": DATA}} with the action's data, {@code {"ok": false, "missing": true}} when this
 * supervisor does not have the action yet (an orchestrator action not merged: the panel stays empty, quietly), or
 * {@code {"ok": false, "error": MESSAGE}} when the action refused. Areas and their actions (issue 8 contract):
 *
 * <ul>
 *   <li>{@code agents}: {@code list}; {@code spawned}: {@code agents.list}, each with {@code "usage"} (its
 *       {@code agents.budget} data plus {@code "reached"}: why its budget is reached, or null), at most
 *       {@value #MAX_BUDGETS} of them; {@code budget}: the project's {@code agents.budget}, with {@code "reached"}</li>
 *   <li>{@code feed}: {@code feed} (the latest {@value #FEED_LIMIT}); {@code inbox}: the human's unread messages
 *       ({@code inbox} peeked, so nothing is marked read)</li>
 *   <li>{@code crew}: {@code crew.status}; {@code tasks}: {@code task.list}; {@code teams}: {@code team.run_status}
 *       without a run (every run with its steps)</li>
 *   <li>{@code asks}: {@code ask_list} (all, latest 50); {@code asksToMe}: {@code ask_list {peer: ME, status: open}};
 *       {@code jobs}: {@code job_list}; {@code schedules}: {@code schedule_list}; {@code reviews}:
 *       {@code review_queue}; {@code orchestrator}: {@code orchestrator_status}</li>
 * </ul>
 * Plus {@code "me": {"name", "project"}} and {@code "at"} (epoch ms). Stateless; thread-safe.
 */
final class DashboardState {
    /** Feed events in a snapshot. */
    static final int FEED_LIMIT = 200;
    /** Unread messages in a snapshot. */
    static final int INBOX_LIMIT = 100;
    /** Spawned agents whose budgets a snapshot reads one by one. */
    static final int MAX_BUDGETS = 50;

    private DashboardState() {
    }

    /** @return the snapshot of {@code api}'s project as {@code human} sees it */
    static ObjectNode snapshot(LocalMeshApi api, Caller human) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.putObject("me").put("name", human.agent()).put("project", api.mesh().project().root().toString());
        out.put("at", System.currentTimeMillis());
        out.set("agents", area(api, human, args("list").put("all", false)));
        ObjectNode spawned = area(api, human, args("agents.list"));
        if (spawned.path("data") instanceof ArrayNode list) {
            int n = 0;
            for (JsonNode a : list) {
                if (n++ >= MAX_BUDGETS || !(a instanceof ObjectNode o)) {
                    break;
                }
                ObjectNode usage = area(api, human, args("agents.budget").put("name", a.path("name").asString()));
                if (usage.path("data") instanceof ObjectNode u) {
                    o.set("usage", withReached(u));
                }
            }
        }
        out.set("spawned", spawned);
        ObjectNode budget = area(api, human, args("agents.budget"));
        if (budget.path("data") instanceof ObjectNode u) {
            withReached(u);
        }
        out.set("budget", budget);
        out.set("feed", area(api, human, args("feed").put("limit", FEED_LIMIT)));
        out.set("inbox", area(api, human, args("inbox").put("peek", true).put("limit", INBOX_LIMIT)));
        out.set("crew", area(api, human, args("crew.status")));
        out.set("tasks", area(api, human, args("task.list")));
        out.set("teams", area(api, human, args("team.run_status")));
        out.set("asks", area(api, human, args("ask_list").put("status", "all").put("limit", 50)));
        out.set("asksToMe", area(api, human, args("ask_list").put("peer", human.agent()).put("status", "open").put("limit", 50)));
        out.set("jobs", area(api, human, args("job_list").put("limit", 50)));
        out.set("schedules", area(api, human, args("schedule_list")));
        out.set("reviews", area(api, human, args("review_queue")));
        out.set("orchestrator", area(api, human, args("orchestrator_status")));
        return out;
    }

    /**
     * @return whether {@code e} says that {@code action} is not an action of this API (the refusal of
     *     {@link LocalMeshApi#call} for an unknown action)
     */
    static boolean unknownAction(MeshException e, String action) {
        return e.kind() == MeshException.Kind.INVALID_INPUT && e.getMessage() != null
                && e.getMessage().startsWith("unknown action '" + action + "'");
    }

    private static ObjectNode area(LocalMeshApi api, Caller human, ObjectNode args) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        String action = args.path("action").asString();
        try {
            o.put("ok", true).set("data", api.call(human, args).data());
        } catch (MeshException e) {
            o.put("ok", false);
            if (unknownAction(e, action)) {
                o.put("missing", true);
            } else {
                o.put("error", Texts.firstLine(e.getMessage()));
            }
        }
        return o;
    }

    /** Adds {@code "reached"} to a {@code Budgets.Usage} as JSON: why its budget is reached, or null. */
    private static ObjectNode withReached(ObjectNode u) {
        long tokens = u.path("inputTokens").asLong() + u.path("outputTokens").asLong();
        double cost = u.path("costUsd").asDouble();
        String reached = null;
        if (u.path("budgetTokens").isNumber() && tokens >= u.path("budgetTokens").asLong()) {
            reached = tokens + " of " + u.path("budgetTokens").asLong() + " tokens used";
        } else if (u.path("budgetUsd").isNumber() && cost >= u.path("budgetUsd").asDouble()) {
            reached = String.format(Locale.ROOT, "$%.4f of $%.4f used", cost, u.path("budgetUsd").asDouble());
        }
        return u.put("reached", reached);
    }

    private static ObjectNode args(String action) {
        return Json.MAPPER.createObjectNode().put("action", action);
    }
}
