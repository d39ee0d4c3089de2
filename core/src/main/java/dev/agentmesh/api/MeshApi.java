package dev.agentmesh.api;

import dev.agentmesh.MeshException;
import tools.jackson.databind.JsonNode;

import java.util.List;

/**
 * The one API boundary of agentmesh: an action name and its JSON arguments in, a text and a structured result out.
 * The CLI, MCP (stdio and HTTP), the pi extension and the supervisor's HTTP API are thin adapters over it; the
 * action names and parameters are pi-messenger's ({@code pi_messenger} tool, seeds/001).
 *
 * <p>Implementations are thread-safe; a {@link Caller} is not and belongs to one connection.
 */
public interface MeshApi {
    /** The tool name, as in pi-messenger. */
    String TOOL = "pi_messenger";

    /** The actions, in documentation order. */
    List<String> ACTIONS = List.of("join", "leave", "list", "status", "whois", "feed", "set_status",
            "send", "broadcast", "inbox", "inbox.ack", "reserve", "release", "reservations", "reservations.check", "rename", "swarm", "claim", "unclaim", "complete", "task.list", "task.ready",
            "task.show", "task.start", "task.done", "task.block", "task.unblock", "task.reset", "crew.status",
            "crew.validate", "spawn", "agents.assign", "agents.check", "agents.list", "agents.logs", "agents.attach", "agents.kill",
            "agents.killall", "agents.done", "agents.budget", "agents.resume", "agents.delete", "agents.export", "agents.memory.stats", "agents.memory.reset", "data.session", "data.stats",
            "data.export", "data.retention", "team.catalog", "team.start", "team.run_status", "team.step_result", "team.message",
            "team.cancel", "team.cleanup", "ask", "ack", "wait_on_ack", "notify_peer", "ask_many", "ask_list", "job_create",
            "job_list", "job_status", "job_update", "job_result", "job_cancel", "job_retry", "schedule_create", "schedule_cron",
            "schedule_self", "schedule_list", "schedule_delete", "review_queue", "mark_reviewed", "timeline_search",
            "claim_orchestrator_role", "orchestrator_status", "set_description", "set_circle");

    /**
     * Runs one action.
     *
     * @param caller who calls; {@code join} and {@code rename} update its agent name
     * @param args   a JSON object with {@code action} (one of {@link #ACTIONS}) and the action's parameters
     * @return the result, with a notice of unread messages appended to the text for a joined caller
     * @throws MeshException (invalid input) for a missing or unknown action or a bad parameter, and whatever the
     *                       action throws
     */
    ApiResult call(Caller caller, JsonNode args);
}
