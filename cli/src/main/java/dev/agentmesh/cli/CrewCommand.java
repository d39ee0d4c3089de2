package dev.agentmesh.cli;

import dev.agentmesh.api.Wire;
import dev.agentmesh.crew.CrewRunner;
import dev.agentmesh.crew.PrdDiscovery;
import dev.agentmesh.project.MeshConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;

/** {@code mesh crew ...}: run a crew from a PRD, and watch it. */
@Command(name = "crew", description = "Crews: plan a PRD into tasks and run them in waves with workers and reviewers.")
final class CrewCommand {

    @Command(mixinStandardHelpOptions = true, name = "run", description = {"Plan a PRD into tasks and run them: workers in parallel waves, a reviewer on every task.",
            "State is in the store: run it again to continue after an interruption.",
            "Exit 0 when every task is SHIP, 1 when some are blocked or left, 2 for bad input, 3 when something is unreachable."})
    static int run(@Option(names = "--prd", paramLabel = "FILE", description = "The PRD (Markdown); default: PRD.md, SPEC.md, DESIGN.md or REQUIREMENTS.md in the project root or docs/.") Path prd,
                   @Option(names = "--concurrency", paramLabel = "N", description = "Tasks at once, 1..10 (default: config crew.concurrency, 2).") Integer concurrency,
                   @Option(names = "--model", paramLabel = "PROVIDER/MODEL", description = "Model for every role (default: config crew.models, else pi's default).") String model,
                   @Option(names = "--model-url", paramLabel = "URL", description = "An OpenAI-compatible endpoint to use, e.g. mesh model serve's.") String modelUrl,
                   @Option(names = "--timeout", paramLabel = "SECONDS", description = "Wall time of one agent run (default: config crew.workerTimeoutSeconds, 900).") Integer timeout,
                   @Option(names = "--replan", description = "Plan again even when the project has tasks (their work is dropped; asks first).") boolean replan,
                   @Option(names = {"-y", "--yes"}, description = "With --replan: drop the stored tasks without asking.") boolean yes,
                   @Mixin Options.Json json) {
        var env = Cli.meshEnv();
        var local = Cli.local();
        if (replan) {
            confirmReplan(local.crew().tasks().list(), yes);
        }
        MeshConfig.Crew c = env.config().crew();
        Path prdFile = prd != null ? Cli.cwd().resolve(prd).toAbsolutePath().normalize() : PrdDiscovery.require(env.project());
        if (prd == null) {
            progress(json).println("crew: using " + env.project().root().relativize(prdFile) + " (found in the project; --prd names another)");
        }
        var settings = new CrewRunner.Settings(prdFile,
                concurrency != null ? concurrency : c.concurrency(), c.maxAttemptsPerTask(), c.reviewMaxIterations(),
                c.maxWaves(), Duration.ofSeconds(timeout != null ? timeout : c.workerTimeoutSeconds()),
                model != null || modelUrl != null ? java.util.Map.of() : c.models(),
                modelUrl != null ? "mesh/scripted" : model, replan);
        var summary = CrewSetup.run(env, local, settings, modelUrl, Cli.env(), progress(json));
        if (json.json) {
            Cli.print(Cli.out(), true, "", Wire.crewSummary(summary));
        } else {
            CrewSetup.printSummary(Cli.out(), summary);
        }
        return summary.status().equals("done") ? 0 : 1;
    }

    /**
     * {@code --replan} drops the stored tasks, shipped ones too (review item: it did so without asking). At a
     * terminal it asks; elsewhere it needs {@code --yes}.
     *
     * @throws MeshException (invalid input) when tasks would be dropped and nobody confirmed
     */
    private static void confirmReplan(java.util.List<dev.agentmesh.crew.Task> tasks, boolean yes) {
        long shipped = tasks.stream().filter(t -> t.verdict() == dev.agentmesh.crew.Verdict.SHIP).count();
        if (tasks.isEmpty() || yes) {
            return;
        }
        String what = tasks.size() + " stored task(s)" + (shipped > 0 ? ", " + shipped + " of them shipped," : "");
        java.io.Console console = System.console();
        if (console != null && console.isTerminal()) {
            String answer = console.readLine("crew: --replan drops %s and plans again; go on? [y/N] ", what);
            if (answer != null && answer.strip().toLowerCase(java.util.Locale.ROOT).startsWith("y")) {
                return;
            }
            throw dev.agentmesh.MeshException.invalidInput("--replan not confirmed; the stored tasks are kept");
        }
        throw dev.agentmesh.MeshException.invalidInput("--replan would drop " + what + "; add --yes to confirm");
    }

    /** With --json, stdout carries the JSON only: progress goes to stderr. */
    private static java.io.PrintWriter progress(Options.Json json) {
        return json.json ? Cli.err() : Cli.out();
    }

    @Command(mixinStandardHelpOptions = true, name = "status", description = {"Show the crew's progress: tasks by status, the last run, agents present",
            "(a working agent with its current tool, tool calls and tokens)."})
    static int status(@Option(names = {"-w", "--watch"}, description = "Show it again each time it changes (checked every second), until Ctrl-C; with --json one JSON object a line.") boolean watch,
                      @Mixin Options.Json json) throws InterruptedException {
        if (!watch) {
            return Cli.action(null, json.json, Cli.out(), Cli.args("crew.status"));
        }
        String last = null;
        while (!Thread.currentThread().isInterrupted()) {
            var r = Cli.api().call(Cli.caller(null, "cli"), Cli.args("crew.status"));
            String shown = json.json ? r.data().toString() : r.text();
            if (!shown.equals(last)) {
                if (!json.json && last != null) {
                    Cli.out().println("--- " + java.time.LocalTime.now().withNano(0));
                }
                Cli.out().println(shown);
                Cli.out().flush();
                last = shown;
            }
            Thread.sleep(WATCH_EVERY.toMillis());
        }
        return 0;
    }

    /** How often {@code crew status --watch} asks again. */
    static final Duration WATCH_EVERY = Duration.ofSeconds(1);

    @Command(mixinStandardHelpOptions = true, name = "validate", description = "Validate the stored plan's dependencies.")
    static int validate(@Mixin Options.Json json) {
        return Cli.action(null, json.json, Cli.out(), Cli.args("crew.validate"));
    }
}
