package dev.agentmesh.cli;

import dev.agentmesh.MeshException;
import dev.agentmesh.crew.CrewRunner;
import dev.agentmesh.server.crew.CrewSetup;
import dev.agentmesh.api.LocalMeshApi;
import dev.agentmesh.api.Wire;
import dev.agentmesh.cli.client.RemoteMeshApi;
import dev.agentmesh.cli.client.SupervisorClient;
import dev.agentmesh.model.Script;
import dev.agentmesh.model.ScriptedModelServer;
import dev.agentmesh.project.MeshEnv;
import dev.agentmesh.project.Project;
import dev.agentmesh.project.Commands;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code mesh demo}: the main job end to end with no API key. Copies the example project into a folder, starts
 * the scripted model server, runs a crew of real agents on it (pi, or Claude Code or Codex with --runtime claude|codex), runs the example's own tests and prints a
 * summary. Exits 0 only when every task is SHIP and the example's tests pass.
 */
@Command(name = "demo", description = {"Run the main job on the example project: a crew of real agents (pi, or --runtime claude|codex) plans, builds and reviews it,",
        "driven by the scripted model server (no API key). Exit 0 when every task is SHIP and the example's tests pass."})
final class DemoCommand implements Callable<Integer> {
    private static final Pattern COUNT = Pattern.compile("(?m)^# (pass|fail) (\\d+)$");

    @Option(names = "--dir", paramLabel = "DIR", description = "Folder for the example (new or empty; default: a new temporary folder, kept).")
    Path dir;

    @picocli.CommandLine.Mixin
    Options.Json json;

    @Option(names = "--concurrency", defaultValue = "2", paramLabel = "N", description = "Tasks at once (default ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--runtime", paramLabel = "NAME", description = "The agents' runtime: pi, claude or codex (default pi; for"
            + " --orchestrator, pi, claude and codex mixed).")
    String runtime;

    @Option(names = "--team", description = "Run the agent_team demo instead: a lead agent starts the bundled fan-out/fan-in graph"
            + " examples/graphs/textkit-review.json through its own agent_team tool (seed 002).")
    boolean team;

    @Option(names = "--orchestrator", description = "Run the orchestrator demo instead (seed 004): Orch (pi) asks Scout (Claude Code),"
            + " gives Counter (Codex) a durable job, reviews the branch it reported and is woken by its own cron schedule;"
            + " with a dashboard link. --runtime puts all three on one runtime.")
    boolean orchestrator;

    @Option(names = "--keep", description = "With --orchestrator: keep the supervisor and the agents up for the dashboard until Ctrl-C.")
    boolean keep;

    @Override
    public Integer call() throws Exception {
        if (team && orchestrator) {
            throw dev.agentmesh.MeshException.invalidInput("mesh demo runs one demo: --team or --orchestrator, not both");
        }
        if (team) {
            return new TeamDemo(runtime == null ? "pi" : runtime, dir, json.json).run();
        }
        if (orchestrator) {
            return new OrchestratorDemo(runtime, dir, json.json, keep).run();
        }
        // with --json, stdout carries the JSON only: progress goes to stderr
        var out = json.json ? Cli.err() : Cli.out();
        Path home = home();
        Path example = home.resolve("examples/textkit");
        Path scriptFile = home.resolve("examples/textkit-model-script.yaml");
        settings(Path.of("PRD.md"));
        Path target = prepare(dir, "demo");
        long t0 = System.currentTimeMillis();
        out.println("demo: example project copied to " + target);
        copy(example, target);
        run(target, "git", "init", "-q", "-b", "main");
        run(target, "git", "add", "-A");
        run(target, "git", "-c", "user.name=agentmesh demo", "-c", "user.email=demo@agentmesh.invalid", "commit", "-q", "-m", "textkit: PRD and failing tests");
        Project.locate(target).ensureMeshDir();
        Files.writeString(target.resolve(".mesh/config.json"), "{\"store\": \".mesh/mesh.db\"}\n");
        int[] before = tests(target);
        out.println("demo: the example's tests before: " + before[0] + " pass, " + before[1] + " fail");
        Map<String, String> env = new HashMap<>(Cli.env());
        env.remove("MESH_PROJECT");
        // the new folder's own store, whatever MESH_STORE says: its supervisor is started here and stopped at the end
        env.put("MESH_STORE", target.resolve(".mesh/mesh.db").toString());
        MeshEnv meshEnv = MeshEnv.resolve(target, env);
        CrewRunner.Summary summary;
        // the demo's store is its own: it starts that store's supervisor (the workers' tool calls go to it over
        // HTTP) and stops it at the end
        RemoteMeshApi supervisor = "off".equals(env.get("MESH_SERVE")) ? null
                : SupervisorClient.findOrStart(meshEnv.storePath(), meshEnv.project().root(), Cli.selfCommand(), env);
        try (LocalMeshApi local = LocalMeshApi.open(meshEnv);
             ScriptedModelServer server = ScriptedModelServer.start(Script.load(scriptFile), 0)) {
            out.println("demo: scripted model server on " + server.baseUrl() + " (" + scriptFile.getFileName() + ")");
            out.println("demo: store " + meshEnv.storePath() + "; watch from another terminal: cd " + target + " && " + launcherHint() + " crew status");
            out.flush();
            var settings = settings(target.resolve("PRD.md"));
            java.util.function.Consumer<String> print = line -> {
                out.println(line);
                out.flush();
            };
            summary = CrewSetup.run(CrewSetup.prepare(meshEnv.storePath(), local, settings, server.baseUrl(), env,
                    Cli.selfCommand(), print), meshEnv.storePath(), () -> true, print);
        } finally {
            if (supervisor != null) {
                ProcessHandle.of(supervisor.server().pid()).ifPresent(h -> {
                    h.destroy();
                    h.onExit().completeOnTimeout(h, 10, java.util.concurrent.TimeUnit.SECONDS).join();
                });
            }
        }
        int[] after = tests(target);
        boolean ok = summary.status().equals("done") && after[1] == 0 && after[0] > 0;
        if (json.json) {
            var data = Cli.JSON.createObjectNode().put("passed", ok).put("dir", target.toString());
            data.set("crew", Wire.crewSummary(summary));
            data.putObject("testsBefore").put("pass", before[0]).put("fail", before[1]);
            data.putObject("testsAfter").put("pass", after[0]).put("fail", after[1]);
            Cli.print(Cli.out(), true, "", data);
            return ok ? 0 : 1;
        }
        out.print(CrewSetup.summaryText(summary));
        out.flush();
        out.println("  example's tests: " + after[0] + " pass, " + after[1] + " fail (before: " + before[0] + " pass, " + before[1] + " fail)");
        out.printf(java.util.Locale.ROOT, "demo %s in %.1fs; the project is in %s%n", ok ? "passed" : "FAILED",
                (System.currentTimeMillis() - t0) / 1000.0, target);
        out.flush();
        return ok ? 0 : 1;
    }

    /** @throws MeshException (invalid input) for a bad option, before anything is copied */
    private CrewRunner.Settings settings(Path prd) {
        return new CrewRunner.Settings(prd, concurrency, 5, 3, 50, Duration.ofMinutes(5), Map.of(), "mesh/scripted", false,
                runtime == null ? "pi" : runtime, Map.of());
    }

    static Path home() {
        String h = System.getProperty("mesh.home");
        Path home = h == null ? null : Path.of(h);
        if (home == null || !Files.isDirectory(home.resolve("examples/textkit"))) {
            throw MeshException.unexpectedState("mesh demo needs the examples/ folder of an agentmesh clone; run it as bin/mesh demo from the clone");
        }
        return home;
    }

    /**
     * @param what names the folder in messages and its temporary name ({@code demo}, {@code smoke})
     * @return {@code dir} made absolute and created, or a new temporary folder when null
     * @throws MeshException (invalid input) when {@code dir} is a file or a folder that is not empty
     */
    static Path prepare(Path dir, String what) throws IOException {
        if (dir == null) {
            return Files.createTempDirectory("agentmesh-" + what + "-").toRealPath();
        }
        Path d = Cli.cwd().resolve(dir).toAbsolutePath().normalize();
        if (Files.exists(d) && !Files.isDirectory(d)) {
            throw MeshException.invalidInput(what + " folder " + d + " is a file");
        }
        if (Files.isDirectory(d)) {
            try (Stream<Path> s = Files.list(d)) {
                if (s.findAny().isPresent()) {
                    throw MeshException.invalidInput(what + " folder " + d + " is not empty; give a new or empty folder");
                }
            }
        }
        return Files.createDirectories(d).toRealPath();
    }

    /**
     * Gives {@code target} a store of its own ({@code .mesh/mesh.db}, written to its {@code .mesh/config.json}) whatever
     * {@code MESH_STORE} says, so the supervisor a demo or a smoke test starts there is its own and is stopped at the end.
     *
     * @return this CLI's environment for that store, without an agent identity or a project override
     */
    static Map<String, String> ownStore(Path target) throws IOException {
        Files.writeString(target.resolve(".mesh/config.json"), "{\"store\": \".mesh/mesh.db\"}\n");
        Map<String, String> env = new HashMap<>(Cli.env());
        env.remove("MESH_PROJECT");
        env.remove("MESH_AGENT");
        env.remove("MESH_AGENT_TOKEN");
        env.put("MESH_STORE", target.resolve(".mesh/mesh.db").toString());
        return env;
    }

    /** Stops the agents of the supervisor {@link #ownStore} gave {@code target}, then the supervisor (SIGTERM, 10 s); null: nothing. */
    static void stopOwnSupervisor(RemoteMeshApi api, Path target) {
        if (api == null) {
            return;
        }
        try {
            api.call(new dev.agentmesh.api.Caller(null, target, null, "cli", null), Cli.JSON.readTree("{\"action\":\"agents.killall\"}"));
        } catch (RuntimeException e) {
            // the supervisor is going anyway
        }
        ProcessHandle.of(api.server().pid()).ifPresent(h -> {
            h.destroy();
            h.onExit().completeOnTimeout(h, 10, java.util.concurrent.TimeUnit.SECONDS).join();
        });
    }

    static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path dest = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest);
                }
            }
        }
    }

    /** @return {pass, fail} counts of {@code npm test} in {@code dir} (node's test runner) */
    private static int[] tests(Path dir) {
        String out = Commands.run(dir, Duration.ofMinutes(5), List.of("npm", "test", "--silent")).output();
        int[] counts = {0, 0};
        Matcher m = COUNT.matcher(out);
        while (m.find()) {
            counts[m.group(1).equals("pass") ? 0 : 1] = Integer.parseInt(m.group(2));
        }
        return counts;
    }

    static void run(Path dir, String... cmd) {
        Commands.Output out = Commands.run(dir, Duration.ofMinutes(2), List.of(cmd));
        if (!out.ok()) {
            throw MeshException.unexpectedState(String.join(" ", cmd) + " failed in " + dir + ": " + out.lastLine());
        }
    }

    private static String launcherHint() {
        String l = System.getProperty("mesh.launcher");
        return l == null ? "mesh" : l;
    }
}
