package dev.agentmesh.cli;

import dev.agentmesh.MeshException;
import dev.agentmesh.api.ApiResult;
import dev.agentmesh.api.Json;
import dev.agentmesh.api.Wire;
import dev.agentmesh.cli.client.RemoteMeshApi;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** Message commands: send, broadcast, inbox, feed. */
@Command
final class MessageCommands {

    @Command(mixinStandardHelpOptions = true, name = "send", description = "Send a message to one or more agents (comma-separated).")
    static int send(@Parameters(index = "0", paramLabel = "TO", description = "Recipient name(s), e.g. GoldFalcon or A,B.") String to,
             @Parameters(index = "1", paramLabel = "MESSAGE") String message,
             @Option(names = "--reply-to", paramLabel = "ID", description = "Id of the message this answers.") Long replyTo,
             @Option(names = "--idempotency-key", paramLabel = "KEY", description = "A key of your own: sending again with it "
                     + "returns the first message instead of sending a second (safe retries).") String key,
             @Mixin Options.As as, @Mixin Options.Json json) {
        var args = Cli.args("send").put("to", to).put("message", message);
        if (replyTo != null) {
            args.put("replyTo", replyTo);
        }
        if (key != null) {
            args.put("idempotencyKey", key);
        }
        return Cli.action(as.as, json.json, Cli.out(), args);
    }

    @Command(mixinStandardHelpOptions = true, name = "broadcast", description = "Send a message to every agent present.")
    static int broadcast(@Parameters(paramLabel = "MESSAGE") String message, @Mixin Options.As as, @Mixin Options.Json json) {
        return Cli.action(as.as, json.json, Cli.out(), Cli.args("broadcast").put("message", message));
    }

    @Command(mixinStandardHelpOptions = true, name = "inbox", description = "Read your new messages (each is handed out once).")
    static int inbox(@Option(names = "--peek", description = "Leave them unread.") boolean peek,
              @Option(names = "--limit", defaultValue = "50", description = "At most this many (1..1000, default ${DEFAULT-VALUE}).") int limit,
              @Option(names = {"-f", "--follow"}, description = "Print every waiting message, then each new one as it commits, "
                      + "until Ctrl-C; each is acknowledged once printed, and survives a restart of the supervisor "
                      + "(with --json: one JSON object a line).") boolean follow,
              @Mixin Options.As as, @Mixin Options.Json json) {
        if (follow) {
            if (peek) {
                throw MeshException.invalidInput("mesh inbox: --follow acknowledges what it prints, so it does not go with --peek");
            }
            return followInbox(as.as, json.json);
        }
        return Cli.action(as.as, json.json, Cli.out(), Cli.args("inbox").put("peek", peek).put("limit", limit));
    }

    /** Most message ids {@code inbox --follow} remembers to drop repeats (a stream pushes unacknowledged ones again). */
    static final int SEEN_IDS = 100_000;

    /**
     * {@code mesh inbox --follow}: the agent's event stream printed line by line. A message is acknowledged after
     * it is printed and flushed (a kill in between shows it again on the next follow: none is lost), and ids seen
     * before are dropped, so across a killed and restarted supervisor each message is printed once. A repeat is
     * acknowledged again, in case the first acknowledgement was lost with the supervisor.
     */
    private static int followInbox(String as, boolean json) {
        if (!(Cli.api() instanceof RemoteMeshApi remote)) {
            throw MeshException.invalidInput("mesh inbox --follow needs the supervisor, and MESH_SERVE=off keeps it out");
        }
        dev.agentmesh.api.Caller me = Cli.caller(as, "cli");
        if (me.agent() == null) {
            throw MeshException.invalidInput("mesh inbox --follow needs to know whose inbox: join first, or give --as NAME");
        }
        java.util.concurrent.LinkedBlockingQueue<Long> toAck = new java.util.concurrent.LinkedBlockingQueue<>();
        Object acking = new Object();
        Thread acker = Thread.ofPlatform().daemon().name("mesh-inbox-ack").start(() -> {
            try {
                while (true) {
                    Long first = toAck.take();
                    synchronized (acking) {
                        if (!ack(remote, me, first, toAck)) {
                            // the supervisor is away: keep them, and try again after a pause (the stream reconnects)
                            Thread.sleep(250);
                        }
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        // Ctrl-C: what was printed is acknowledged before the process ends, so the next follow does not show it again
        Thread flush = new Thread(() -> {
            acker.interrupt();
            synchronized (acking) {
                Long first = toAck.poll();
                if (first != null) {
                    ack(remote, me, first, toAck);
                }
            }
        }, "mesh-inbox-ack-flush");
        Runtime.getRuntime().addShutdownHook(flush);
        java.util.Set<Long> seen = java.util.Collections.newSetFromMap(new java.util.LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(java.util.Map.Entry<Long, Boolean> eldest) {
                return size() > SEEN_IDS;
            }
        });
        remote.followInbox(me, m -> {
            long id = m.path("id").asLong();
            if (seen.add(id)) {
                Cli.out().println(json ? m.toString() : Json.MAPPER.treeToValue(m, Wire.MessageWire.class).line());
                Cli.out().flush();
            }
            toAck.add(id);
        });
        return 0;
    }

    /**
     * Acknowledges {@code first} and up to 999 more ids waiting in {@code queue} in one {@code inbox.ack}.
     *
     * @return false when the supervisor did not answer: the ids are back in the queue (a refusal drops them: the
     *     stream refuses too, and the follow ends)
     */
    private static boolean ack(RemoteMeshApi remote, dev.agentmesh.api.Caller me, long first,
                               java.util.concurrent.BlockingQueue<Long> queue) {
        java.util.List<Long> batch = new java.util.ArrayList<>();
        batch.add(first);
        queue.drainTo(batch, 999);
        var ids = Json.MAPPER.createArrayNode();
        batch.forEach(ids::add);
        try {
            remote.call(me, Cli.args("inbox.ack").set("ids", ids));
            return true;
        } catch (MeshException e) {
            if (e.kind() != MeshException.Kind.UNEXPECTED_STATE) {
                return true;
            }
            queue.addAll(batch);
            return false;
        }
    }

    @Command(mixinStandardHelpOptions = true, name = "feed", description = "Show the activity feed: joins, messages, reservations, task events.")
    static int feed(@Option(names = "--limit", defaultValue = "20", description = "Latest events to show (1..1000, default ${DEFAULT-VALUE}).") int limit,
             @Option(names = {"-f", "--follow"}, description = "Then print each new event as it commits, until Ctrl-C (with --json: one JSON object a line).") boolean follow,
             @Mixin Options.Json json) {
        if (!follow) {
            return Cli.action(null, json.json, Cli.out(), Cli.args("feed").put("limit", limit));
        }
        if (!(Cli.api() instanceof RemoteMeshApi remote)) {
            throw MeshException.invalidInput("mesh feed --follow needs the supervisor, and MESH_SERVE=off keeps it out");
        }
        ApiResult shown = remote.call(Cli.caller(null, "cli"), Cli.args("feed").put("limit", limit));
        long last = 0;
        for (JsonNode e : shown.data()) {
            Cli.out().println(json.json ? e.toString() : line(e));
            last = Math.max(last, e.path("id").asLong());
        }
        Cli.out().flush();
        remote.followFeed(last, e -> {
            Cli.out().println(json.json ? e.toString() : line(e));
            Cli.out().flush();
        });
        return 0;
    }

    private static String line(JsonNode event) {
        return Json.MAPPER.treeToValue(event, Wire.FeedEventWire.class).line();
    }
}
