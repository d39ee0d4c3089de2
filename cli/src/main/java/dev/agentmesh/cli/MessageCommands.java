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
             @Mixin Options.As as, @Mixin Options.Json json) {
        var args = Cli.args("send").put("to", to).put("message", message);
        if (replyTo != null) {
            args.put("replyTo", replyTo);
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
              @Mixin Options.As as, @Mixin Options.Json json) {
        return Cli.action(as.as, json.json, Cli.out(), Cli.args("inbox").put("peek", peek).put("limit", limit));
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
