package dev.agentmesh.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Swarm commands (pi-messenger's swarm actions): swarm, claim, unclaim, complete. */
@Command
final class SwarmCommands {

    @Command(mixinStandardHelpOptions = true, name = "swarm", description = "Show the swarm's claims and completions.")
    static int swarm(@Option(names = "--spec", paramLabel = "FILE", description = "Only the tasks of this spec.") String spec,
                     @Mixin Options.Json json) {
        return Cli.action(null, json.json, Cli.out(), Cli.args("swarm").put("spec", spec));
    }

    @Command(mixinStandardHelpOptions = true, name = "claim", description = {"Claim a swarm task: of agents claiming it at once, exactly one wins.",
            "Your claim is freed when you leave or your process dies."})
    static int claim(@Parameters(paramLabel = "TASK", description = "The task id, as the spec names it.") String task,
                     @Option(names = "--spec", paramLabel = "FILE", description = "The spec the task belongs to.") String spec,
                     @Mixin Options.As as, @Mixin Options.Json json) {
        return Cli.action(as.as, json.json, Cli.out(), Cli.args("claim").put("taskId", task).put("spec", spec));
    }

    @Command(mixinStandardHelpOptions = true, name = "unclaim", description = "Give up your claim of a swarm task.")
    static int unclaim(@Parameters(paramLabel = "TASK", description = "The task id.") String task,
                       @Option(names = "--spec", paramLabel = "FILE", description = "The spec the task belongs to.") String spec,
                       @Mixin Options.As as, @Mixin Options.Json json) {
        return Cli.action(as.as, json.json, Cli.out(), Cli.args("unclaim").put("taskId", task).put("spec", spec));
    }

    @Command(mixinStandardHelpOptions = true, name = "complete", description = "Complete your claimed swarm task.")
    static int complete(@Parameters(paramLabel = "TASK", description = "The task id.") String task,
                        @Option(names = "--spec", paramLabel = "FILE", description = "The spec the task belongs to.") String spec,
                        @Option(names = "--result", paramLabel = "TEXT", description = "What was done.") String result,
                        @Mixin Options.As as, @Mixin Options.Json json) {
        return Cli.action(as.as, json.json, Cli.out(), Cli.args("complete").put("taskId", task).put("spec", spec)
                .put("result", result));
    }
}
