package dev.agentmesh.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * The orchestrator tools (seeds/004) as commands of the same names ({@code mesh ask}, {@code mesh wait_on_ack}, ...;
 * each also answers to its kebab-case form, e.g. {@code mesh wait-on-ack}): thin calls of the action of that name,
 * with the tool's parameters as arguments and options. Times are ISO-8601 (naive = UTC) or epoch milliseconds.
 */
@Command
final class OrchestratorCommands {
    private OrchestratorCommands() {
    }

    @Command(mixinStandardHelpOptions = true, name = "ask", description = {"Ask a peer for something that needs closure: a tracked ask,"
            + " shown to the peer on every turn until it acks it.", "Example: mesh ask GoldFalcon 'review the branch fix-1'"})
    static int ask(@Parameters(index = "0", paramLabel = "PEER") String peer, @Parameters(index = "1", paramLabel = "BRIEF") String brief,
                   @Option(names = "--reply-to", paramLabel = "ID", description = "The ask this one answers.") Long replyTo,
                   @Option(names = "--circle", paramLabel = "CIRCLE", description = "The circle it belongs to.") String circle,
                   @Mixin Options.As as, @Mixin Options.Json json) {
        ObjectNode a = Cli.args("ask").put("peer", peer).put("brief", brief);
        put(a, "reply_to", replyTo);
        put(a, "circle", circle);
        return Cli.action(as.as, json.json, Cli.out(), a);
    }

    @Command(mixinStandardHelpOptions = true, name = "ack", description = "Close an ask you were sent; with a MESSAGE the asker gets it as your reply.")
    static int ack(@Parameters(index = "0", paramLabel = "ID") long id, @Parameters(index = "1", arity = "0..1", paramLabel = "MESSAGE") String message,
                   @Mixin Options.As as, @Mixin Options.Json json) {
        ObjectNode a = Cli.args("ack").put("id", id);
        put(a, "message", message);
        return Cli.action(as.as, json.json, Cli.out(), a);
    }

    @Command(mixinStandardHelpOptions = true, name = "wait_on_ack", aliases = "wait-on-ack", description = "Wait until an ask is acked (no polling); prints resolved with the reply, or pending.")
    static int waitOnAck(@Parameters(index = "0", paramLabel = "ID") long id,
                         @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60", description = "0..600 (default ${DEFAULT-VALUE}).") int timeout,
                         @Mixin Options.As as, @Mixin Options.Json json) {
        return Cli.action(as.as, json.json, Cli.out(), Cli.args("wait_on_ack").put("id", id).put("timeout_seconds", timeout));
    }

    @Command(mixinStandardHelpOptions = true, name = "notify_peer", aliases = "notify-peer", description = "Tell a peer something, fire-and-forget.")
    static int notifyPeer(@Parameters(index = "0", paramLabel = "PEER") String peer, @Parameters(index = "1", paramLabel = "MESSAGE") String message,
                          @Mixin Options.As as, @Mixin Options.Json json) {
        return Cli.action(as.as, json.json, Cli.out(), Cli.args("notify_peer").put("peer", peer).put("message", message));
    }

    @Command(mixinStandardHelpOptions = true, name = "ask_many", aliases = "ask-many", description = "Ask several peers (comma-separated) the same query and wait for their acks; prints the rollup.")
    static int askMany(@Parameters(index = "0", paramLabel = "PEERS") String peers, @Parameters(index = "1", paramLabel = "QUERY") String query,
                       @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60", description = "0..600 (default ${DEFAULT-VALUE}).") int timeout,
                       @Mixin Options.As as, @Mixin Options.Json json) {
        ObjectNode a = Cli.args("ask_many").put("query", query).put("timeout_seconds", timeout);
        a.set("peers", strings(List.of(peers.split(","))));
        return Cli.action(as.as, json.json, Cli.out(), a);
    }

    @Command(mixinStandardHelpOptions = true, name = "ask_list", aliases = {"ask-list", "asks"}, description = "List asks (open by default).")
    static int askList(@Option(names = "--peer", paramLabel = "NAME", description = "Only asks this agent sent or owes.") String peer,
                       @Option(names = "--status", paramLabel = "STATUS", description = "open (default), acked or all.") String status,
                       @Option(names = "--limit", paramLabel = "N", description = "At most N (default 50).") Integer limit,
                       @Mixin Options.As as, @Mixin Options.Json json) {
        ObjectNode a = Cli.args("ask_list");
        put(a, "peer", peer);
        put(a, "status", status);
        put(a, "limit", limit);
        return Cli.action(as.as, json.json, Cli.out(), a);
    }

    @Command(mixinStandardHelpOptions = true, name = "job_create", aliases = "job-create", description = {"Create a durable job:"
            + " dispatched to the assignee as an ask, tracked to a result, retried and dead-lettered if it cannot be delivered.",
            "Example: mesh job_create 'fix the parser' --assignee GoldFalcon --request 'make test/parse pass'"})
    static int jobCreate(@Parameters(index = "0", paramLabel = "TITLE") String title,
                         @Option(names = {"--request", "--prompt"}, required = true, paramLabel = "TEXT", description = "What to do.") String request,
                         @Option(names = "--assignee", paramLabel = "NAME", description = "Who runs it (none: it waits in the queue).") String assignee,
                         @Option(names = "--kind", paramLabel = "KIND", description = "A label: task (default), review, plan, ...") String kind,
                         @Option(names = "--deadline", paramLabel = "TIME", description = "It expires if not done by then.") String deadline,
                         @Option(names = "--due-at", paramLabel = "TIME", description = "Not dispatched before then.") String dueAt,
                         @Option(names = "--cron", paramLabel = "CRON", description = "A recurring template (5 fields or @daily, UTC).") String cron,
                         @Option(names = "--max-attempts", paramLabel = "N", description = "Dispatch attempts before dead-lettering (default 5).") Integer max,
                         @Mixin Options.As as, @Mixin Options.Json json) {
        ObjectNode a = Cli.args("job_create").put("title", title).put("request", request);
        put(a, "assignee", assignee);
        put(a, "kind", kind);
        put(a, "deadline", deadline);
        put(a, "due_at", dueAt);
        put(a, "cron", cron);
        put(a, "max_attempts", max);
        return Cli.action(as.as, json.json, Cli.out(), a);
    }

    @Command(mixinStandardHelpOptions = true, name = "job_list", aliases = {"job-list", "jobs"}, description = "List jobs, newest first.")
    static int jobList(@Option(names = "--assignee", paramLabel = "NAME") String assignee, @Option(names = "--state", paramLabel = "STATE") String state,
                       @Option(names = "--limit", paramLabel = "N", description = "At most N (default 50).") Integer limit,
                       @Mixin Options.As as, @Mixin Options.Json json) {
        ObjectNode a = Cli.args("job_list");
        put(a, "assignee", assignee);
        put(a, "state", state);
        put(a, "limit", limit);
        return Cli.action(as.as, json.json, Cli.out(), a);
    }

    @Command(mixinStandardHelpOptions = true, name = "job_status", aliases = "job-status", description = "Show a job.")
    static int jobStatus(@Parameters(index = "0", paramLabel = "ID") long id, @Mixin Options.As as, @Mixin Options.Json json) {
        return Cli.action(as.as, json.json, Cli.out(), Cli.args("job_status").put("id", id));
    }

    @Command(mixinStandardHelpOptions = true, name = "job_update", aliases = "job-update", description = "Report on a job you run (or own).")
    static int jobUpdate(@Parameters(index = "0", paramLabel = "ID") long id,
                         @Option(names = "--state", paramLabel = "STATE", description = "running, awaiting_input, blocked, completed or failed.") String state,
                         @Option(names = "--phase", paramLabel = "TEXT") String phase, @Option(names = "--progress", paramLabel = "0..100") Integer progress,
                         @Option(names = "--result", paramLabel = "TEXT") String result, @Option(names = "--error", paramLabel = "TEXT") String error,
                         @Option(names = "--artifact", paramLabel = "PATH_OR_REF", description = "Repeatable; replaces the list.") List<String> artifacts,
                         @Option(names = "--assignee", paramLabel = "NAME", description = "Assign a queued job (owner only).") String assignee,
                         @Mixin Options.As as, @Mixin Options.Json json) {
        ObjectNode a = Cli.args("job_update").put("id", id);
        put(a, "state", state);
        put(a, "phase", phase);
        put(a, "progress", progress);
        put(a, "result", result);
        put(a, "error", error);
        put(a, "assignee", assignee);
        if (artifacts != null) {
            a.set("artifacts", strings(artifacts));
        }
        return Cli.action(as.as, json.json, Cli.out(), a);
    }

    @Command(mixinStandardHelpOptions = true, name = "job_result", aliases = "job-result", description = "Show a job's result, waiting for it to end.")
    static int jobResult(@Parameters(index = "0", paramLabel = "ID") long id,
                         @Option(names = "--wait", paramLabel = "SECONDS", defaultValue = "0", description = "0..600 (default ${DEFAULT-VALUE}).") int wait,
                         @Mixin Options.As as, @Mixin Options.Json json) {
        return Cli.action(as.as, json.json, Cli.out(), Cli.args("job_result").put("id", id).put("wait_seconds", wait));
    }

    @Command(mixinStandardHelpOptions = true, name = "job_cancel", aliases = "job-cancel", description = "Cancel a job you own.")
    static int jobCancel(@Parameters(index = "0", paramLabel = "ID") long id, @Option(names = "--reason", paramLabel = "TEXT") String reason,
                         @Mixin Options.As as, @Mixin Options.Json json) {
        ObjectNode a = Cli.args("job_cancel").put("id", id);
        put(a, "reason", reason);
        return Cli.action(as.as, json.json, Cli.out(), a);
    }

    @Command(mixinStandardHelpOptions = true, name = "job_retry", aliases = "job-retry", description = "Run a dead-lettered (or failed, expired, cancelled) job again as a new job.")
    static int jobRetry(@Parameters(index = "0", paramLabel = "ID") long id, @Mixin Options.As as, @Mixin Options.Json json) {
        return Cli.action(as.as, json.json, Cli.out(), Cli.args("job_retry").put("id", id));
    }

    @Command(mixinStandardHelpOptions = true, name = "schedule_create", aliases = "schedule-create", description = "Send a peer a message (or an ask) at a time.")
    static int scheduleCreate(@Parameters(index = "0", paramLabel = "PEER") String peer, @Parameters(index = "1", paramLabel = "TEXT") String text,
                              @Option(names = "--at", required = true, paramLabel = "TIME", description = "ISO-8601 (naive = UTC); a past time fires at once.") String at,
                              @Option(names = "--kind", paramLabel = "KIND", description = "notify (default) or ask.") String kind,
                              @Mixin Options.As as, @Mixin Options.Json json) {
        ObjectNode a = Cli.args("schedule_create").put("to_peer", peer).put("text", text).put("fire_at", at);
        put(a, "kind", kind);
        return Cli.action(as.as, json.json, Cli.out(), a);
    }

    @Command(mixinStandardHelpOptions = true, name = "schedule_cron", aliases = "schedule-cron", description = "Send a peer a message (or an ask) on a cron.")
    static int scheduleCron(@Parameters(index = "0", paramLabel = "PEER") String peer, @Parameters(index = "1", paramLabel = "TEXT") String text,
                            @Option(names = "--cron", required = true, paramLabel = "CRON", description = "5 fields or @hourly, @daily, ... (UTC).") String cron,
                            @Option(names = "--kind", paramLabel = "KIND", description = "notify (default) or ask.") String kind,
                            @Mixin Options.As as, @Mixin Options.Json json) {
        ObjectNode a = Cli.args("schedule_cron").put("to_peer", peer).put("text", text).put("cron", cron);
        put(a, "kind", kind);
        return Cli.action(as.as, json.json, Cli.out(), a);
    }

    @Command(mixinStandardHelpOptions = true, name = "schedule_self", aliases = "schedule-self", description = "Wake yourself later: --at TIME or --cron CRON.")
    static int scheduleSelf(@Parameters(index = "0", paramLabel = "TEXT") String text, @Option(names = "--at", paramLabel = "TIME") String at,
                            @Option(names = "--cron", paramLabel = "CRON") String cron, @Option(names = "--kind", paramLabel = "KIND") String kind,
                            @Mixin Options.As as, @Mixin Options.Json json) {
        ObjectNode a = Cli.args("schedule_self").put("text", text);
        put(a, "fire_at", at);
        put(a, "cron", cron);
        put(a, "kind", kind);
        return Cli.action(as.as, json.json, Cli.out(), a);
    }

    @Command(mixinStandardHelpOptions = true, name = "schedule_list", aliases = {"schedule-list", "schedules"}, description = "List schedules.")
    static int scheduleList(@Option(names = "--peer", paramLabel = "NAME") String peer, @Option(names = "--deleted", description = "Also deleted ones.") boolean deleted,
                            @Mixin Options.As as, @Mixin Options.Json json) {
        ObjectNode a = Cli.args("schedule_list").put("deleted", deleted);
        put(a, "peer", peer);
        return Cli.action(as.as, json.json, Cli.out(), a);
    }

    @Command(mixinStandardHelpOptions = true, name = "schedule_delete", aliases = "schedule-delete", description = "Delete a schedule.")
    static int scheduleDelete(@Parameters(index = "0", paramLabel = "ID") long id, @Mixin Options.As as, @Mixin Options.Json json) {
        return Cli.action(as.as, json.json, Cli.out(), Cli.args("schedule_delete").put("id", id));
    }

    private static void put(ObjectNode a, String key, Object v) {
        if (v instanceof String s) {
            a.put(key, s);
        } else if (v instanceof Integer i) {
            a.put(key, i);
        } else if (v instanceof Long l) {
            a.put(key, l);
        }
    }

    private static tools.jackson.databind.node.ArrayNode strings(List<String> values) {
        tools.jackson.databind.node.ArrayNode arr = dev.agentmesh.api.Json.MAPPER.createArrayNode();
        values.stream().map(String::strip).filter(s -> !s.isEmpty()).forEach(arr::add);
        return arr;
    }
}
