package dev.agentmesh.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Presence commands: join, leave, list, whois, status, set-status, rename (pi-messenger coordination actions). */
@Command
final class PresenceCommands {

    @Command(mixinStandardHelpOptions = true, name = "join", description = {"Join the mesh of this project.",
            "A name is generated when none is given. Later commands of the same shell or agent process act as it;",
            "--json prints its token, for MESH_AGENT_TOKEN in another process."})
    static int join(@Option(names = "--name", paramLabel = "NAME", description = "Wanted name (default: $MESH_AGENT or a generated one).") String name,
             @Option(names = "--circle", paramLabel = "C", description = "Join in a circle: see and reach it and the agents in none (default: $MESH_CIRCLE, else none: the whole project).") String circle,
             @Mixin Options.As as, @Mixin Options.Json json) {
        var args = Cli.args("join");
        if (name != null) {
            args.put("name", name);
        }
        String inCircle = circle != null ? circle : Cli.env().get("MESH_CIRCLE");
        if (inCircle != null && !inCircle.isBlank()) {
            args.put("circle", inCircle);
        }
        int rc = Cli.action(as.as, json.json, Cli.out(), args);
        if (!json.json && as.as == null && Cli.env().get("MESH_AGENT") == null && name == null) {
            Cli.out().println("later mesh commands of this shell act as it; another process needs MESH_AGENT=<the name above>"
                    + " and MESH_AGENT_TOKEN=<the token of mesh join --json>");
        }
        return rc;
    }

    @Command(mixinStandardHelpOptions = true, name = "leave", description = "Leave the mesh; your reservations are released, your inbox is kept.")
    static int leave(@Mixin Options.As as, @Mixin Options.Json json) {
        return Cli.action(as.as, json.json, Cli.out(), Cli.args("leave"));
    }

    @Command(mixinStandardHelpOptions = true, name = "list", description = "List agents with presence info.")
    static int list(@Option(names = "--all", description = "Include agents who left.") boolean all, @Mixin Options.Json json) {
        return Cli.action(null, json.json, Cli.out(), Cli.args("list").put("all", all));
    }

    @Command(mixinStandardHelpOptions = true, name = "whois", description = "Show details of an agent.")
    static int whois(@Parameters(paramLabel = "NAME") String name, @Mixin Options.Json json) {
        return Cli.action(null, json.json, Cli.out(), Cli.args("whois").put("name", name));
    }

    @Command(mixinStandardHelpOptions = true, name = "status", description = "Show your status and the crew's progress.")
    static int status(@Mixin Options.As as, @Mixin Options.Json json) {
        return Cli.action(as.as, json.json, Cli.out(), Cli.args("status"));
    }

    @Command(mixinStandardHelpOptions = true, name = "set-status", aliases = "set_status", description = "Set your status message (none clears it).")
    static int setStatus(@Parameters(paramLabel = "MESSAGE", arity = "0..1") String message, @Mixin Options.As as,
                  @Mixin Options.Json json) {
        return Cli.action(as.as, json.json, Cli.out(), Cli.args("set_status").put("message", message));
    }

    @Command(mixinStandardHelpOptions = true, name = "rename", description = "Change your name.")
    static int rename(@Parameters(paramLabel = "NEW_NAME") String name, @Mixin Options.As as, @Mixin Options.Json json) {
        return Cli.action(as.as, json.json, Cli.out(), Cli.args("rename").put("name", name));
    }
}
