package dev.agentmesh.cli;

import dev.agentmesh.api.Wire;
import dev.agentmesh.cli.client.RemoteMeshApi;
import dev.agentmesh.server.crew.CrewSetup;
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
                   @Option(names = "--runtime", paramLabel = "NAME", description = "Run every role on pi, claude or codex (default: config crew.runtime and crew.runtimes, else pi).") String runtime,
                   @Option(names = "--timeout", paramLabel = "SECONDS", description = "Wall time of one agent run (default: config crew.workerTimeoutSeconds, 900).") Integer timeout,
                   @Option(names = "--replan", description = "Plan again even when the project has tasks (their work is dropped; asks first).") boolean replan,
                   @Option(names = {"-y", "--yes"}, description = "With --replan: drop the stored tasks without asking.") boolean yes,
                   @Mixin Options.Json json) {
        var env = Cli.meshEnv();
        RemoteMeshApi remote = Cli.api() instanceof RemoteMeshApi r ? r : null;
        if (replan && remote != null) {
            var listed = remote.call(Cli.caller(null, "cli"), Cli.args("task.list")).data();
            long shipped = 0;
            for (var t : listed) {
                shipped += "SHIP".equals(t.path("verdict").asString(null)) ? 1 : 0;
            }
            confirmReplan(listed.size(), shipped, yes);
        } else if (replan) {
            var tasks = Cli.local().crew().tasks().list();
            confirmReplan(tasks.size(), tasks.stream().filter(t -> t.verdict() == dev.agentmesh.crew.Verdict.SHIP).count(), yes);
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
                modelUrl != null ? "mesh/scripted" : model, replan,
                runtime != null ? runtime : c.runtime(), runtime != null ? java.util.Map.of() : c.runtimes());
        if (remote != null) {
            return runInSupervisor(remote, settings, modelUrl, json);
        }
        var local = Cli.local();
        java.io.PrintWriter out = progress(json);
        java.util.function.Consumer<String> print = line -> {
            out.println(line);
            out.flush();
        };
        var runner = CrewSetup.prepare(env.storePath(), local, settings, modelUrl, Cli.env(), Cli.selfCommand(), print);
        var summary = CrewSetup.run(runner, env.storePath(), () -> true, print);
        if (json.json) {
            Cli.print(Cli.out(), true, "", Wire.crewSummary(summary));
        } else {
            Cli.out().print(CrewSetup.summaryText(summary));
            Cli.out().flush();
        }
        return summary.status().equals("done") ? 0 : 1;
    }

    /**
     * The run inside the supervisor (issue 5, part 6): started there (or found running, then followed), its lines
     * printed as they come. Ctrl-C asks the supervisor to stop it and waits for its end; a CLI killed outright leaves
     * it running, and {@code mesh crew run} again follows it.
     *
     * @return the run's exit code: 0 every task SHIP, 1 some blocked or left
     * @throws MeshException as the run failed (a bad PRD, an unreachable model, pi not installable)
     */
    private static int runInSupervisor(RemoteMeshApi remote, CrewRunner.Settings settings, String modelUrl, Options.Json json) {
        java.io.PrintWriter out = progress(json);
        var request = dev.agentmesh.api.Json.MAPPER.createObjectNode().put("prd", settings.prd().toString())
                .put("concurrency", settings.concurrency()).put("maxAttemptsPerTask", settings.maxAttemptsPerTask())
                .put("reviewMaxIterations", settings.reviewMaxIterations()).put("maxWaves", settings.maxWaves())
                .put("timeoutSeconds", settings.agentTimeout().toSeconds()).put("defaultModel", settings.defaultModel())
                .put("replan", settings.replan()).put("modelUrl", modelUrl).put("runtime", settings.runtime());
        var models = request.putObject("models");
        settings.models().forEach(models::put);
        var runtimes = request.putObject("runtimes");
        settings.runtimes().forEach(runtimes::put);
        var env = request.putObject("env");
        Cli.env().forEach(env::put);
        var self = request.putArray("selfCommand");
        Cli.selfCommand().forEach(self::add);
        var started = remote.startCrew(request);
        if (started.path("attached").asBoolean()) {
            out.println("crew: a run of this project is going on in the supervisor (started "
                    + dev.agentmesh.Texts.clock(started.path("startedAt").asLong()) + "); following it, Ctrl-C stops it");
            out.flush();
        }
        java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);
        Thread hook = new Thread(() -> {
            synchronized (out) {
                out.println("crew: interrupted; stopping the agents and putting their tasks back to todo ...");
                out.flush();
            }
            try {
                remote.stopCrew();
                ended.await(25, java.util.concurrent.TimeUnit.SECONDS);
            } catch (RuntimeException | InterruptedException e) {
                // the supervisor is gone: the next one cleans up (RecoverCrashedRuns)
            }
        }, "crew-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            tools.jackson.databind.JsonNode end = remote.followCrew(line -> {
                synchronized (out) {
                    out.println(line);
                    out.flush();
                }
            });
            if (end.has("error")) {
                String message = end.path("error").path("message").asString();
                throw switch (end.path("error").path("kind").asString()) {
                    case "invalid_input" -> dev.agentmesh.MeshException.invalidInput(message);
                    case "unexpected_state" -> dev.agentmesh.MeshException.unexpectedState(message);
                    default -> dev.agentmesh.MeshException.internal(message, null);
                };
            }
            if (json.json) {
                Cli.print(Cli.out(), true, "", end.path("summary"));
            } else {
                Cli.out().print(end.path("text").asString());
                Cli.out().flush();
            }
            return end.path("exitCode").asInt(1);
        } finally {
            // after the summary is out: a Ctrl-C hook waiting for the end lets the JVM go only now
            ended.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // shutting down: the hook runs
            }
        }
    }

    /**
     * {@code --replan} drops the stored tasks, shipped ones too (review item: it did so without asking). At a
     * terminal it asks; elsewhere it needs {@code --yes}.
     *
     * @throws MeshException (invalid input) when tasks would be dropped and nobody confirmed
     */
    private static void confirmReplan(int count, long shipped, boolean yes) {
        if (count == 0 || yes) {
            return;
        }
        String what = count + " stored task(s)" + (shipped > 0 ? ", " + shipped + " of them shipped," : "");
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
