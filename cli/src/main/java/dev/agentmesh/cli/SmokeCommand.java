package dev.agentmesh.cli;

import dev.agentmesh.MeshException;
import dev.agentmesh.Texts;
import dev.agentmesh.api.ApiResult;
import dev.agentmesh.api.Caller;
import dev.agentmesh.cli.client.RemoteMeshApi;
import dev.agentmesh.cli.client.SupervisorClient;
import dev.agentmesh.model.Script;
import dev.agentmesh.model.ScriptedModelServer;
import dev.agentmesh.project.Commands;
import dev.agentmesh.project.MeshEnv;
import dev.agentmesh.project.Project;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * {@code mesh smoke}: the deterministic smoke test of seed 000 ("Use this exact sequence for orchestration
 * validation"), run verbatim against a real runtime (pi, Claude Code or Codex) driven by the scripted model server,
 * in a new project folder with a supervisor of its own. The calls are the seed's, with {@code runtime} added to the
 * spawns; between steps it waits (at most {@value #SETTLE_S} s) for the agent to settle, so each check sees the
 * step's outcome. It checks every expected outcome of the seed, prints one line each, and exits 0 only when all
 * pass (issue 6, part 6).
 */
@Command(name = "smoke", mixinStandardHelpOptions = true, description = {
        "Run seed 000's deterministic smoke test against a real runtime and the scripted model server (no API key):",
        "data.session smoke, join, spawn, agents.assign, a DM, kill and respawn, a second assignment with recalled memory,",
        "data.stats. Prints each expected outcome; exit 0 when all pass."})
final class SmokeCommand implements Callable<Integer> {
    /** The most a step waits for the agent to settle, in seconds. */
    static final int SETTLE_S = 120;
    /** The orchestrator's name: the seed's {@code join} takes the caller's default name, and this is it. */
    static final String LEAD = "SmokeLead";
    private static final String SCRIPT = "smoke-model-script.yaml";
    /** The runtimes the smoke test drives: the agent CLIs (the command runtime calls no tools, so it cannot pass). */
    static final List<String> RUNTIMES = List.of("pi", "claude", "codex");

    @Option(names = "--runtime", defaultValue = "pi", paramLabel = "NAME", description = "The spawned agent's runtime: pi, claude or codex (default ${DEFAULT-VALUE}).")
    String runtime;

    @Option(names = "--dir", paramLabel = "DIR", description = "Folder for the smoke project (new or empty; default: a new temporary folder, kept).")
    Path dir;

    @picocli.CommandLine.Mixin
    Options.Json json;

    private final List<String[]> outcomes = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        if (!RUNTIMES.contains(runtime)) {
            throw MeshException.invalidInput("runtime '" + Texts.quote(runtime, 40) + "' cannot run the smoke test; runtimes: " + String.join(", ", RUNTIMES));
        }
        PrintWriter out = json.json ? Cli.err() : Cli.out();
        Path target = DemoCommand.prepare(dir, "smoke");
        long t0 = System.currentTimeMillis();
        Commands.Output init = Commands.run(target, Duration.ofMinutes(1), List.of("git", "init", "-q", "-b", "main"));
        if (!init.ok()) {
            throw MeshException.unexpectedState("git init failed in " + target + ": " + init.lastLine());
        }
        Project.locate(target).ensureMeshDir();
        Map<String, String> env = DemoCommand.ownStore(target);
        MeshEnv meshEnv = MeshEnv.resolve(target, env);
        Script script = Script.parse(bundledScript(), SCRIPT);
        RemoteMeshApi api = null;
        try (ScriptedModelServer server = ScriptedModelServer.start(script, 0)) {
            env.put("MESH_MODEL_URL", server.baseUrl());
            out.println("smoke: project " + target + ", runtime " + runtime + ", scripted model server on " + server.baseUrl());
            out.flush();
            api = SupervisorClient.findOrStart(meshEnv.storePath(), meshEnv.project().root(), Cli.selfCommand(), env);
            run(api, target, out);
        } finally {
            DemoCommand.stopOwnSupervisor(api, target);
        }
        long failed = outcomes.stream().filter(o -> !o[0].equals("ok")).count();
        if (json.json) {
            ObjectNode data = Cli.JSON.createObjectNode().put("passed", failed == 0).put("runtime", runtime).put("dir", target.toString());
            ArrayNode list = data.putArray("outcomes");
            outcomes.forEach(o -> list.addObject().put("ok", o[0].equals("ok")).put("outcome", o[1]).put("detail", o[2]));
            Cli.print(Cli.out(), true, "", data);
        } else {
            out.printf(java.util.Locale.ROOT, "smoke %s on %s: %d of %d outcomes in %.1fs; the project is in %s%n",
                    failed == 0 ? "passed" : "FAILED", runtime, outcomes.size() - failed, outcomes.size(),
                    (System.currentTimeMillis() - t0) / 1000.0, target);
            out.flush();
        }
        return failed == 0 ? 0 : 1;
    }

    private void run(RemoteMeshApi api, Path target, PrintWriter out) {
        Caller lead = new Caller(LEAD, target, ProcessHandle.current().pid(), "cli", null);
        // 0) mark this as smoke so it doesn't pollute production training corpus
        call(api, lead, "{\"action\": \"data.session\", \"project\": \"bergomi2\", \"runType\": \"smoke\"}");
        // 1) join
        call(api, lead, "{\"action\": \"join\"}");
        // 2) spawn
        ApiResult spawned = call(api, lead, "{\"action\": \"spawn\", \"profile\": \"worker-xhigh\", \"name\": \"SmokeWorker\", \"thinking\": \"medium\", \"runtime\": \"" + runtime + "\"}");
        check(out, "spawn reaches idle", "idle".equals(spawned.data().path("status").asString()), spawned.text());
        String session = spawned.data().path("sessionId").asString("");
        // 3) assign
        ApiResult assigned = call(api, lead, "{\"action\": \"agents.assign\", \"name\": \"SmokeWorker\", \"task\": \"Create /tmp/smoke.txt with content 'ok' and report completion\", \"workstream\": \"smoke\"}");
        check(out, "assignment moves the agent to assigned", "assigned".equals(assigned.data().path("status").asString()), assigned.text());
        // settled: the assignment reported done and the turn that reported it has ended (its session is idle)
        boolean done = settle(api, lead, a -> "idle".equals(a.path("status").asString()) && !a.path("summary").asString("").isEmpty()
                && "idle".equals(a.path("session").asString()));
        check(out, "the agent reports agents.done", done, agent(api, lead).path("summary").asString("(no summary)"));
        // 4) DM round-trip
        ApiResult sent = call(api, lead, "{\"action\": \"send\", \"to\": \"SmokeWorker\", \"message\": \"Confirm the file path in your done summary.\"}");
        boolean answered = waitFor(() -> inbox(api, lead).contains("/tmp/smoke.txt"));
        String feed = call(api, lead, "{\"action\": \"feed\", \"limit\": 200}").text();
        String logs = call(api, lead, "{\"action\": \"agents.logs\", \"name\": \"SmokeWorker\"}").text();
        // the logs show the DM as the agent got it, or its answer (pi's extension hands the DM over inside its turn)
        boolean inLogs = logs.contains("Confirm the file path") || logs.contains("Confirmed: the file is");
        check(out, "the DM exchange appears in the feed and the logs", answered && feed.contains("SmokeWorker") && inLogs,
                Texts.firstLine(sent.text()) + (answered ? "; answered" : "; no answer") + (inLogs ? "; in logs" : "; not in logs"));
        settle(api, lead, a -> "idle".equals(a.path("status").asString()) && "idle".equals(a.path("session").asString()));
        // 5) kill/respawn
        ApiResult killed = call(api, lead, "{\"action\": \"agents.kill\", \"name\": \"SmokeWorker\"}");
        ApiResult again = call(api, lead, "{\"action\": \"spawn\", \"profile\": \"worker-xhigh\", \"name\": \"SmokeWorker\", \"thinking\": \"medium\", \"prompt\": \"You previously worked on smoke tasks.\", \"runtime\": \"" + runtime + "\"}");
        check(out, "respawn succeeds with the same agent name", "stopped".equals(killed.data().path("status").asString())
                        && "idle".equals(again.data().path("status").asString()) && "SmokeWorker".equals(again.data().path("name").asString()),
                Texts.firstLine(again.text()) + (session.equals(again.data().path("sessionId").asString()) ? " (same session)" : " (new session)"));
        // 6) verify memory recall after respawn
        ApiResult second = call(api, lead, "{\"action\": \"agents.assign\", \"name\": \"SmokeWorker\", \"task\": \"Repeat smoke task and include any recalled context.\", \"workstream\": \"smoke\"}");
        settle(api, lead, a -> "idle".equals(a.path("status").asString()));
        String logs2 = call(api, lead, "{\"action\": \"agents.logs\", \"name\": \"SmokeWorker\"}").text();
        check(out, "the second assignment shows recalled memory", second.text().contains("recalled memor") && logs2.contains("Recalled context"),
                Texts.firstLine(second.text()));
        ApiResult stats = call(api, lead, "{\"action\": \"data.stats\"}");
        JsonNode cats = stats.data().path("categories");
        long smoke = cats.path("SMOKE_TEST").path("conversations").asLong(cats.path("smoke_test").path("conversations").asLong(0));
        long production = cats.path("PRODUCTION_WORK").path("conversations").asLong(cats.path("production_work").path("conversations").asLong(0));
        check(out, "data.stats shows the smoke activity apart from production training data",
                smoke > 0 && production == 0 && stats.data().path("eligible").asLong(-1) == 0, stats.text().replace('\n', ';'));
        // 7) switch back for real project work
        call(api, lead, "{\"action\": \"data.session\", \"project\": \"bergomi2\", \"runType\": \"production\"}");
    }

    private static ApiResult call(RemoteMeshApi api, Caller caller, String args) {
        return api.call(caller, Cli.JSON.readTree(args));
    }

    private static JsonNode agent(RemoteMeshApi api, Caller lead) {
        return call(api, lead, "{\"action\": \"agents.check\", \"name\": \"SmokeWorker\"}").data();
    }

    private static String inbox(RemoteMeshApi api, Caller lead) {
        return call(api, lead, "{\"action\": \"inbox\", \"peek\": true}").data().toString();
    }

    /** Waits until the agent satisfies {@code settled}; @return whether it did in time */
    private static boolean settle(RemoteMeshApi api, Caller lead, Predicate<JsonNode> settled) {
        return waitFor(() -> settled.test(agent(api, lead)));
    }

    private static boolean waitFor(java.util.function.BooleanSupplier condition) {
        long deadline = System.currentTimeMillis() + SETTLE_S * 1000L;
        while (System.currentTimeMillis() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    private void check(PrintWriter out, String outcome, boolean ok, String detail) {
        outcomes.add(new String[]{ok ? "ok" : "FAIL", outcome, Texts.oneLine(detail, 240)});
        out.println((ok ? "  ok    " : "  FAIL  ") + outcome + " — " + Texts.oneLine(detail, 240));
        out.flush();
    }

    private static String bundledScript() {
        try (InputStream in = SmokeCommand.class.getResourceAsStream(SCRIPT)) {
            if (in == null) {
                throw MeshException.internal("the bundled " + SCRIPT + " is missing from the agentmesh jar", null);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw MeshException.internal("cannot read the bundled " + SCRIPT + ": " + e.getMessage(), e);
        }
    }
}
