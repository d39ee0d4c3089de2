package dev.agentmesh.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;

/** Reservation commands: reserve, release, reservations. */
@Command
final class ReservationCommands {

    @Command(mixinStandardHelpOptions = true, name = "reserve", description = {"Reserve files, folders or globs of the project.",
            "Another agent's conflicting reservation is refused, naming the holder, the reason and since when."})
    static int reserve(@Parameters(paramLabel = "PATH", arity = "1..*") List<String> paths,
                @Option(names = "--reason", paramLabel = "TEXT") String reason,
                @Option(names = "--shared", description = "A shared lease: conflicts only with exclusive ones.") boolean shared,
                @Mixin Options.As as, @Mixin Options.Json json) {
        var args = Cli.args("reserve").put("reason", reason).put("mode", shared ? "shared" : "exclusive");
        args.set("paths", Cli.JSON.valueToTree(paths));
        return Cli.action(as.as, json.json, Cli.out(), args);
    }

    @Command(mixinStandardHelpOptions = true, name = "release", description = "Release your reservations of these paths, or all of them.")
    static int release(@Parameters(paramLabel = "PATH", arity = "0..*") List<String> paths, @Mixin Options.As as,
                @Mixin Options.Json json) {
        var args = Cli.args("release");
        if (paths != null) {
            args.set("paths", Cli.JSON.valueToTree(paths));
        }
        return Cli.action(as.as, json.json, Cli.out(), args);
    }
}
