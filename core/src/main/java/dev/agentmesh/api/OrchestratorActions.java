package dev.agentmesh.api;

import static dev.agentmesh.api.Args.bool;
import static dev.agentmesh.api.Args.integer;
import static dev.agentmesh.api.Args.str;
import static dev.agentmesh.api.Args.strList;
import static dev.agentmesh.api.LocalMeshApi.me;
import static dev.agentmesh.api.LocalMeshApi.obj;
import static dev.agentmesh.api.LocalMeshApi.result;
import static dev.agentmesh.api.LocalMeshApi.tree;

import dev.agentmesh.MeshException;
import dev.agentmesh.Texts;
import dev.agentmesh.mesh.Message;
import dev.agentmesh.orchestrator.Ask;
import dev.agentmesh.orchestrator.AskRollup;
import dev.agentmesh.orchestrator.Asks;
import dev.agentmesh.orchestrator.CronSpec;
import dev.agentmesh.orchestrator.Job;
import dev.agentmesh.orchestrator.Jobs;
import dev.agentmesh.orchestrator.Schedule;
import dev.agentmesh.orchestrator.Schedules;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * The orchestrator's asks, durable jobs and schedules as API actions and tools of the same names (seeds/004; issue
 * 8): {@code ask ack wait_on_ack notify_peer ask_many ask_list}, {@code job_create job_list job_status job_update
 * job_result job_cancel job_retry}, {@code schedule_create schedule_cron schedule_self schedule_list
 * schedule_delete}. Parameters are the seed's, snake_case; times are ISO-8601 (naive = UTC) or epoch milliseconds; an
 * unknown parameter is refused naming it. Every action but the lists needs a joined caller. Thread-safe.
 */
final class OrchestratorActions {
    private final Asks asks;
    private final Jobs jobs;
    private final Schedules schedules;
    private final dev.agentmesh.orchestrator.ReviewQueue reviews;

    OrchestratorActions(Asks asks, Jobs jobs, Schedules schedules, dev.agentmesh.orchestrator.ReviewQueue reviews) {
        this.asks = asks;
        this.jobs = jobs;
        this.schedules = schedules;
        this.reviews = reviews;
    }

    /** The tools, in documentation order; each tool's name is its action. */
    static final List<ToolSpec> TOOLS = List.of(
            tool("ask", "Ask a peer for something that needs closure: opens a tracked ask (it survives restarts and is shown to the"
                    + " peer on every turn until acked) and returns its id. The peer closes it with ack; wait_on_ack waits for that.",
                    Schemas.object().str("peer", "the agent to ask (a name from pi_messenger list)", true)
                            .str("brief", "what you need, self-contained: the peer sees only this (at most 32,768 characters)", true)
                            .integer("reply_to", "the id of an ask this one answers", false)
                            .str("circle", "the circle it belongs to (default: the project)", false)),
            tool("ack", "Close an ask you were sent. A bare ack means seen; with a message the asker gets it as [ack #id from @you]"
                    + " MESSAGE. Acking the ask of a durable job with a message completes the job with it as the result.",
                    Schemas.object().integer("id", "the ask's id (the #N of [ask #N from @peer])", true)
                            .str("message", "your reply (at most 32,768 characters)", false)),
            tool("wait_on_ack", "Block until an ask is acked, without polling, up to timeout_seconds (default 60, at most 600);"
                    + " returns status resolved (with the reply) or pending.",
                    Schemas.object().integer("id", "the ask's id", true)
                            .integer("timeout_seconds", "how long to wait, 0..600 (default 60)", false)),
            tool("notify_peer", "Send a peer a fire-and-forget notice (a mesh message; nothing to close).",
                    Schemas.object().str("peer", "the agent to tell", true).str("message", "the notice", true)),
            tool("ask_many", "Ask several peers the same query and wait up to timeout_seconds for their acks; returns a rollup:"
                    + " per peer pending/acked/replied/failed, overall complete/partial/pending.",
                    Schemas.object().strings("peers", "the agents to ask (at most 50)", true).str("query", "what to ask them", true)
                            .integer("timeout_seconds", "how long to wait, 0..600 (default 60)", false)),
            tool("ask_list", "List asks: those you owe and those you sent (peer), by status open (default), acked or all.",
                    Schemas.object().str("peer", "only asks this agent sent or owes", false)
                            .oneOf("status", "open (default), acked, all", false, "open", "acked", "all")
                            .integer("limit", "at most this many, newest first (default 50, at most 1000)", false)),
            tool("job_create", "Create a durable job for an assignee: it is dispatched as an ask carrying the job id, tracked through"
                    + " queued, dispatching, delivered, running, awaiting_input, blocked and a terminal state (completed, failed,"
                    + " cancelled, expired, unavailable); you are told of its transitions. A failed dispatch is retried with backoff,"
                    + " then dead-lettered (unavailable; job_retry re-runs it). due_at delays it; cron makes it recurring.",
                    Schemas.object().str("title", "a short title", true).str("request", "what to do, self-contained (alias: prompt)", false)
                            .str("prompt", "alias of request", false).str("assignee", "the agent to run it; none leaves it queued", false)
                            .str("kind", "a label such as task, review, plan (default task)", false)
                            .str("deadline", "ISO-8601 time (naive = UTC) by which it must end, else it expires", false)
                            .str("due_at", "ISO-8601 time before which it is not dispatched", false)
                            .str("cron", "5-field cron or @daily-style alias (UTC): a recurring template", false)
                            .integer("max_attempts", "dispatch attempts before dead-lettering, 1..20 (default 5)", false)),
            tool("job_list", "List jobs, newest first, by assignee and state.",
                    Schemas.object().str("assignee", "only this assignee's jobs", false).str("state", "only jobs in this state", false)
                            .integer("limit", "at most this many (default 50, at most 1000)", false)),
            tool("job_status", "Show a job: state, phase, progress, result, error, artifacts, attempts.",
                    Schemas.object().integer("id", "the job's id", true)),
            tool("job_update", "Report on a job you run (or own): state running, awaiting_input, blocked, completed or failed; phase,"
                    + " progress 0..100, result, error, artifacts. Terminal states never go back.",
                    Schemas.object().integer("id", "the job's id", true)
                            .oneOf("state", "the new state", false, "running", "awaiting_input", "blocked", "completed", "failed")
                            .str("phase", "what you are doing now", false).integer("progress", "0..100", false)
                            .str("result", "the result (with state completed)", false).str("error", "why it failed or is blocked", false)
                            .strings("artifacts", "paths, git refs or URLs of what you made", false)
                            .str("assignee", "assign a queued job (owner only)", false)),
            tool("job_result", "Get a job's result, waiting up to wait_seconds (default 0, at most 600) for it to end.",
                    Schemas.object().integer("id", "the job's id", true).integer("wait_seconds", "how long to wait, 0..600", false)),
            tool("job_cancel", "Cancel a job you own; its assignee is told.",
                    Schemas.object().integer("id", "the job's id", true).str("reason", "why", false)),
            tool("job_retry", "Run a dead-lettered, failed, expired or cancelled job again, as a new job.",
                    Schemas.object().integer("id", "the job's id", true)),
            tool("schedule_create", "Send a peer a message (kind notify) or open an ask (kind ask) at a future time.",
                    Schemas.object().str("to_peer", "the agent", true).str("text", "what to send", true)
                            .str("fire_at", "ISO-8601 time (naive = UTC); a past time fires at once", true)
                            .oneOf("kind", "notify (default) or ask", false, "notify", "ask")),
            tool("schedule_cron", "Send a peer a message or an ask on a cron (5 fields or @hourly/@daily/@weekly/@monthly/@yearly, UTC).",
                    Schemas.object().str("to_peer", "the agent", true).str("text", "what to send", true)
                            .str("cron", "the cron expression", true).oneOf("kind", "notify (default) or ask", false, "notify", "ask")),
            tool("schedule_self", "Wake yourself later: a message to you at fire_at, or on a cron (give one of them).",
                    Schemas.object().str("text", "the reminder", true).str("fire_at", "ISO-8601 time (naive = UTC)", false)
                            .str("cron", "the cron expression", false).oneOf("kind", "notify (default) or ask", false, "notify", "ask")),
            tool("schedule_list", "List the project's schedules: next fire, attempts, state (active, done, dead_letter).",
                    Schemas.object().str("peer", "only schedules this agent owns or receives", false)
                            .bool("deleted", "also deleted ones")),
            tool("schedule_delete", "Delete a schedule you own or receive.", Schemas.object().integer("id", "the schedule's id", true)));

    private static ToolSpec tool(String name, String description, Schemas schema) {
        return new ToolSpec(name, description, schema.build());
    }

    private static final Map<String, Set<String>> PARAMS = params();

    private static Map<String, Set<String>> params() {
        Map<String, Set<String>> m = new java.util.HashMap<>();
        for (ToolSpec t : TOOLS) {
            Set<String> keys = new java.util.HashSet<>();
            t.inputSchema().path("properties").propertyNames().forEach(keys::add);
            keys.add("action");
            m.put(t.name(), Set.copyOf(keys));
        }
        return Map.copyOf(m);
    }

    /** Adds the actions to {@code actions}, in the order of {@link #TOOLS}. */
    void register(Map<String, BiFunction<Caller, JsonNode, ApiResult>> actions) {
        put(actions, "ask", (s, a) -> {
            Ask k = asks.ask(me(s), str(a, "peer", true), str(a, "brief", true), id(a, "reply_to", false), str(a, "circle", false));
            return result("asked @" + k.to() + ": ask #" + k.id() + " is open\nnext: wait_on_ack {\"id\": " + k.id() + ", \"timeout_seconds\": 60}",
                    tree(OrchestratorWire.AskWire.of(k)));
        });
        put(actions, "ack", (s, a) -> {
            Ask k = asks.ack(me(s), id(a, "id", true), str(a, "message", false));
            return result("acked ask #" + k.id() + " from @" + k.from() + (k.reply() == null ? " (seen)" : " with your reply"),
                    tree(OrchestratorWire.AskWire.of(k)));
        });
        put(actions, "wait_on_ack", (s, a) -> {
            Asks.Waited w = asks.waitOnAck(id(a, "id", true), seconds(a, "timeout_seconds", 60));
            String status = w.resolved() ? "resolved" : "pending";
            Ask k = w.ask();
            String text = "ask #" + k.id() + " to @" + k.to() + ": " + status + (k.status().equals("cancelled") ? " (withdrawn)"
                    : w.resolved() ? (k.reply() == null ? " (seen, no reply)" : "\nreply: " + k.reply()) : "");
            return result(text, tree(new OrchestratorWire.WaitWire(status, OrchestratorWire.AskWire.of(k))));
        });
        put(actions, "notify_peer", (s, a) -> {
            Message m = asks.notifyPeer(me(s), str(a, "peer", true), str(a, "message", true));
            return result("told @" + String.join(", @", m.recipients()) + " (message #" + m.id() + ")", obj().put("messageId", m.id()));
        });
        put(actions, "ask_many", (s, a) -> {
            AskRollup r = asks.askMany(me(s), strList(a, "peers", true), str(a, "query", true), seconds(a, "timeout_seconds", 60));
            StringBuilder sb = new StringBuilder("ask_many group " + r.group() + ": " + r.overall());
            for (AskRollup.Child c : r.children()) {
                sb.append("\n@").append(c.peer()).append(c.askId() == null ? "" : " (ask #" + c.askId() + ")").append(": ").append(c.state())
                        .append(c.reply() == null ? "" : " - " + Texts.oneLine(c.reply(), 500));
            }
            return result(sb.toString(), tree(OrchestratorWire.RollupWire.of(r)));
        });
        put(actions, "ask_list", (s, a) -> {
            String status = str(a, "status", false);
            List<Ask> list = asks.list(str(a, "peer", false), status == null ? "open" : status.equals("all") ? null : status,
                    integer(a, "limit", 50));
            StringBuilder sb = new StringBuilder(list.isEmpty() ? "no asks" : list.size() + " ask(s):");
            for (Ask k : list) {
                sb.append("\n#").append(k.id()).append(" @").append(k.from()).append(" -> @").append(k.to()).append(" ").append(k.status())
                        .append(k.jobId() == null ? "" : " job #" + k.jobId()).append(": ").append(Texts.escape(Texts.oneLine(k.brief(), 120)));
            }
            ObjectNode data = obj();
            data.set("asks", tree(list.stream().map(OrchestratorWire.AskWire::of).toList()));
            return result(sb.toString(), data);
        });
        put(actions, "job_create", (s, a) -> {
            String request = str(a, "request", false) != null ? str(a, "request", false) : str(a, "prompt", false);
            if (request == null) {
                throw MeshException.invalidInput("parameter 'request' (or 'prompt') is required");
            }
            Job j = jobs.create(me(s), new Jobs.Spec(str(a, "title", true), str(a, "kind", false), str(a, "assignee", false), request,
                    time(a, "deadline"), time(a, "due_at"), str(a, "cron", false), a.has("max_attempts") ? integer(a, "max_attempts", 5) : null));
            return result("created job #" + j.id() + " (" + j.state() + (j.assignee() == null ? ", unassigned" : " for @" + j.assignee())
                    + (j.template() ? ", recurring " + j.cron() + ", next " + Instant.ofEpochMilli(j.nextAttemptAt()) : "") + ")"
                    + "\nnext: job_result {\"id\": " + j.id() + ", \"wait_seconds\": 60}", job(j));
        });
        put(actions, "job_list", (s, a) -> {
            List<Job> list = jobs.list(str(a, "assignee", false), str(a, "state", false), integer(a, "limit", 50));
            StringBuilder sb = new StringBuilder(list.isEmpty() ? "no jobs" : list.size() + " job(s):");
            for (Job j : list) {
                sb.append("\n#").append(j.id()).append(" ").append(j.state()).append(j.deadLettered() ? " (dead-lettered)" : "")
                        .append(j.assignee() == null ? "" : " @" + j.assignee()).append(": ").append(Texts.escape(j.title()));
            }
            ObjectNode data = obj();
            data.set("jobs", tree(list.stream().map(OrchestratorWire.JobWire::of).toList()));
            return result(sb.toString(), data);
        });
        put(actions, "job_status", (s, a) -> jobResult(jobs.get(id(a, "id", true))));
        put(actions, "job_update", (s, a) -> {
            List<String> artifacts = a.has("artifacts") ? strList(a, "artifacts", false) : null;
            Integer progress = a.has("progress") && !a.get("progress").isNull() ? integer(a, "progress", 0) : null;
            Job j = jobs.update(me(s), id(a, "id", true), new Jobs.Update(str(a, "state", false), str(a, "phase", false), progress,
                    str(a, "result", false), str(a, "error", false), artifacts, str(a, "assignee", false)));
            if (artifacts != null && j.assignee() != null) {
                // an artifact that is a git ref of the project is work the assignee touched: the review queue shows it
                artifacts.forEach(ref -> reviews.touch(j.assignee(), ref));
            }
            return jobResult(j);
        });
        put(actions, "job_result", (s, a) -> jobResult(jobs.result(id(a, "id", true), seconds(a, "wait_seconds", 0))));
        put(actions, "job_cancel", (s, a) -> jobResult(jobs.cancel(me(s), id(a, "id", true), str(a, "reason", false))));
        put(actions, "job_retry", (s, a) -> {
            Job j = jobs.retry(me(s), id(a, "id", true));
            return result("re-running job #" + j.parentId() + " as job #" + j.id() + " (queued)", job(j));
        });
        put(actions, "schedule_create", (s, a) -> schedule(schedules.create(me(s), str(a, "to_peer", true), str(a, "text", true),
                CronSpec.time("fire_at", str(a, "fire_at", true)), null, str(a, "kind", false))));
        put(actions, "schedule_cron", (s, a) -> schedule(schedules.create(me(s), str(a, "to_peer", true), str(a, "text", true),
                null, str(a, "cron", true), str(a, "kind", false))));
        put(actions, "schedule_self", (s, a) -> schedule(schedules.create(me(s), me(s), str(a, "text", true), time(a, "fire_at"),
                str(a, "cron", false), str(a, "kind", false))));
        put(actions, "schedule_list", (s, a) -> {
            List<Schedule> list = schedules.list(str(a, "peer", false), bool(a, "deleted"));
            StringBuilder sb = new StringBuilder(list.isEmpty() ? "no schedules" : list.size() + " schedule(s):");
            for (Schedule x : list) {
                sb.append("\n").append(line(x));
            }
            ObjectNode data = obj();
            data.set("schedules", tree(list.stream().map(OrchestratorWire.ScheduleWire::of).toList()));
            return result(sb.toString(), data);
        });
        put(actions, "schedule_delete", (s, a) -> {
            Schedule x = schedules.delete(me(s), id(a, "id", true));
            return result("deleted schedule #" + x.id(), tree(OrchestratorWire.ScheduleWire.of(x)));
        });
    }

    private static void put(Map<String, BiFunction<Caller, JsonNode, ApiResult>> actions, String name,
                            BiFunction<Caller, JsonNode, ApiResult> handler) {
        Set<String> allowed = PARAMS.get(name);
        actions.put(name, (s, a) -> {
            for (Iterator<String> it = a.propertyNames().iterator(); it.hasNext(); ) {
                String k = it.next();
                if (!allowed.contains(k)) {
                    throw MeshException.invalidInput(name + " has no parameter '" + Texts.quote(k, 60) + "'; its parameters are "
                            + String.join(", ", allowed.stream().filter(x -> !x.equals("action")).sorted().toList()));
                }
            }
            return handler.apply(s, a);
        });
    }

    private static ApiResult jobResult(Job j) {
        StringBuilder sb = new StringBuilder("job #" + j.id() + " " + j.state() + (j.deadLettered() ? " (dead-lettered)" : "") + ": "
                + Texts.escape(j.title()));
        sb.append("\nowner @").append(j.owner()).append(", assignee ").append(j.assignee() == null ? "none" : "@" + j.assignee())
                .append(", attempts ").append(j.attempts()).append("/").append(j.maxAttempts());
        if (j.phase() != null || j.progress() != null) {
            sb.append("\nphase: ").append(j.phase() == null ? "-" : Texts.escape(j.phase())).append(j.progress() == null ? "" : ", " + j.progress() + "%");
        }
        if (j.result() != null) {
            sb.append("\nresult: ").append(j.result());
        }
        if (j.error() != null) {
            sb.append("\nerror: ").append(Texts.escape(j.error()));
        }
        if (!j.artifacts().isEmpty()) {
            sb.append("\nartifacts: ").append(String.join(", ", j.artifacts()));
        }
        return result(sb.toString(), job(j));
    }

    private static JsonNode job(Job j) {
        return tree(OrchestratorWire.JobWire.of(j));
    }

    private static ApiResult schedule(Schedule x) {
        return result("scheduled " + line(x), tree(OrchestratorWire.ScheduleWire.of(x)));
    }

    private static String line(Schedule x) {
        return "#" + x.id() + " " + x.kind() + " to @" + x.toPeer() + " " + (x.cron() != null ? "cron " + x.cron() : "at " + Instant.ofEpochMilli(x.fireAt()))
                + ", " + x.state() + (x.nextFireAt() == null ? "" : ", next " + Instant.ofEpochMilli(x.nextFireAt()))
                + (x.lastError() == null ? "" : " (" + Texts.escape(x.lastError()) + ")") + ": " + Texts.escape(Texts.oneLine(x.text(), 100));
    }

    private static Long time(JsonNode a, String key) {
        String v = str(a, key, false);
        return v == null ? null : CronSpec.time(key, v);
    }

    private static Duration seconds(JsonNode a, String key, int dflt) {
        return Duration.ofSeconds(integer(a, key, dflt));
    }

    private static Long id(JsonNode a, String key, boolean required) {
        Long v;
        try {
            v = Args.longArg(a, key);
        } catch (MeshException e) {
            throw MeshException.invalidInput("parameter '" + key + "' must be an id (a positive integer), not " + Texts.quote(a.get(key).toString(), 60));
        }
        if (v == null && required) {
            throw MeshException.invalidInput("parameter '" + key + "' is required");
        }
        return v;
    }
}
