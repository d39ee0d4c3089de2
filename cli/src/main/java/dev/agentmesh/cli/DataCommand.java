package dev.agentmesh.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mesh data ...}: the data policy and training corpus of seed 000 ({@code data.session}, {@code data.stats},
 * {@code data.export}, {@code data.retention}). They work on the store alone, with or without a supervisor.
 */
@Command(name = "data", description = {"The corpus of spawned agents' sessions under the data policy: session, stats, export, retention.",
        "Secrets are redacted before anything is stored; smoke, research and debug sessions stay out of training data."})
final class DataCommand {

    @Command(mixinStandardHelpOptions = true, name = "session", description = "Say what this session is: production, smoke, research or debug.")
    int session(@Parameters(paramLabel = "RUN_TYPE") String runType,
                @Option(names = "--project", paramLabel = "LABEL", description = "A label for the corpus (default: the project folder's name).") String project,
                @Mixin Options.Json json) {
        var args = Cli.args("data.session").put("runType", runType);
        if (project != null) {
            args.put("project", project);
        }
        return Cli.action(null, json.json, Cli.out(), args);
    }

    @Command(mixinStandardHelpOptions = true, name = "stats", description = "Conversations and messages per category, and how many are training-eligible.")
    int stats(@Mixin Options.Json json) {
        return Cli.action(null, json.json, Cli.out(), Cli.args("data.stats"));
    }

    @Command(mixinStandardHelpOptions = true, name = "export", description = "Write training-eligible conversations as JSONL (OpenAI chat messages, one a line).")
    int export(@Option(names = "--out", paramLabel = "FILE", description = "Where, inside .mesh/ (default .mesh/data/exports/PROJECT.jsonl).") String out,
               @Option(names = "--all", description = "Also conversations not eligible for training.") boolean all,
               @Option(names = "--project", paramLabel = "LABEL", description = "The corpus label (default: the project folder's name).") String project,
               @Mixin Options.Json json) {
        var args = Cli.args("data.export").put("all", all);
        if (out != null) {
            args.put("out", out);
        }
        if (project != null) {
            args.put("project", project);
        }
        return Cli.action(null, json.json, Cli.out(), args);
    }

    @Command(mixinStandardHelpOptions = true, name = "retention", description = "Delete conversations older than the retention period now.")
    int retention(@Option(names = "--days", paramLabel = "N", description = "Keep this many days (default: the policy's, 90).") Integer days,
                  @Mixin Options.Json json) {
        var args = Cli.args("data.retention");
        if (days != null) {
            args.put("days", days);
        }
        return Cli.action(null, json.json, Cli.out(), args);
    }
}
