package dev.agentmesh.cli;

import dev.agentmesh.MeshException;
import dev.agentmesh.Texts;
import dev.agentmesh.api.ApiResult;
import dev.agentmesh.api.Caller;
import dev.agentmesh.cli.client.RemoteMeshApi;
import dev.agentmesh.cli.client.SupervisorClient;
import dev.agentmesh.model.Script;
import dev.agentmesh.model.ScriptedModelServer;
import dev.agentmesh.project.MeshEnv;
import dev.agentmesh.project.Project;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code mesh demo --team}: {@code agent_team} end to end with no API key (issue 7, seeds/002). Copies the example
 * project and the bundled fan-out/fan-in graph {@code examples/graphs/textkit-review.json} into a folder, starts the
 * scripted model server and the folder's own supervisor, spawns a lead agent on the runtime (pi, Claude Code or Codex)
 * and assigns it the review: the lead starts the graph through its own {@code agent_team} tool, three read-only helpers
 * fan out (one of them tries a command and a write, which its authority refuses), and a synthesizer merges their
 * finals. Prints each step with its tools and artifact, and the synthesis; exits 0 when the run succeeded, the refused
 * command and write left nothing behind, and the lead got the run's terminal notice.
 */
final class TeamDemo {
    static final String GRAPH = "examples/graphs/textkit-review.json";
    static final String SCRIPT = "examples/graphs/textkit-review-model-script.yaml";
    private static final String LEAD = "TeamLead";

    private final String runtime;
    private final Path dir;
    private final boolean json;
    private final DemoChecks checks = new DemoChecks();

    TeamDemo(String runtime, Path dir, boolean json) {
        this.runtime = runtime;
        this.dir = dir;
        this.json = json;
    }

    int run() throws Exception {
        if (!SmokeCommand.RUNTIMES.contains(runtime)) {
            throw MeshException.invalidInput("runtime '" + Texts.quote(runtime, 40) + "' cannot run the team demo; runtimes: "
                    + String.join(", ", SmokeCommand.RUNTIMES));
        }
        PrintWriter out = json ? Cli.err() : Cli.out();
        Path home = DemoCommand.home();
        Path target = DemoCommand.prepare(dir, "team-demo");
        long t0 = System.currentTimeMillis();
        DemoCommand.copy(home.resolve("examples/textkit"), target);
        Files.copy(home.resolve(GRAPH), target.resolve("textkit-review.json"));
        DemoCommand.run(target, "git", "init", "-q", "-b", "main");
        DemoCommand.run(target, "git", "add", "-A");
        DemoCommand.run(target, "git", "-c", "user.name=agentmesh demo", "-c", "user.email=demo@agentmesh.invalid", "commit", "-q", "-m", "textkit and its review graph");
        Project.locate(target).ensureMeshDir();
        Map<String, String> env = DemoCommand.ownStore(target);
        MeshEnv meshEnv = MeshEnv.resolve(target, env);
        RemoteMeshApi api = null;
        ObjectNode summary = Cli.JSON.createObjectNode();
        try (ScriptedModelServer server = ScriptedModelServer.start(Script.load(home.resolve(SCRIPT)), 0)) {
            env.put("MESH_MODEL_URL", server.baseUrl());
            out.println("team demo: project " + target + ", runtime " + runtime + ", scripted model server on " + server.baseUrl());
            out.println("team demo: graph " + GRAPH + " (copied as textkit-review.json); watch from another terminal: cd " + target
                    + " && mesh team status r1");
            out.flush();
            api = SupervisorClient.findOrStart(meshEnv.storePath(), meshEnv.project().root(), Cli.selfCommand(), env);
            drive(api, target, out, summary);
        } finally {
            DemoCommand.stopOwnSupervisor(api, target);
        }
        long failed = checks.failed();
        if (json) {
            ObjectNode data = summary.put("passed", failed == 0).put("runtime", runtime).put("dir", target.toString());
            ArrayNode list = data.putArray("checks");
            checks.writeTo(list);
            Cli.print(Cli.out(), true, "", data);
        } else {
            out.printf(java.util.Locale.ROOT, "team demo %s on %s: %d of %d checks in %.1fs; the project is in %s%n",
                    failed == 0 ? "passed" : "FAILED", runtime, checks.size() - failed, checks.size(),
                    (System.currentTimeMillis() - t0) / 1000.0, target);
            out.flush();
        }
        return failed == 0 ? 0 : 1;
    }

    private void drive(RemoteMeshApi api, Path target, PrintWriter out, ObjectNode summary) {
        Caller lead = new Caller(LEAD, target, ProcessHandle.current().pid(), "cli", null);
        call(api, lead, "{\"action\": \"join\"}");
        ApiResult spawned = call(api, lead, "{\"action\": \"spawn\", \"name\": \"Reviewer\", \"runtime\": \"" + runtime
                + "\", \"prompt\": \"You lead reviews: delegate them to an agent_team graph and report.\"}");
        out.println("team demo: lead agent Reviewer is " + spawned.data().path("status").asString() + " on " + runtime);
        call(api, lead, "{\"action\": \"agents.assign\", \"name\": \"Reviewer\", \"task\": \"[team demo lead] Review textkit with the"
                + " team graph in textkit-review.json and report.\"}");
        out.flush();
        JsonNode run = null;
        long until = System.currentTimeMillis() + 240_000;
        while (System.currentTimeMillis() < until) {
            try {
                run = call(api, lead, "{\"action\": \"team.run_status\", \"runId\": \"r1\", \"waitSeconds\": 30}").data();
                if (!run.path("status").asString().equals("running")) {
                    break;
                }
            } catch (MeshException notYet) {
                sleep(); // the lead has not started it yet
            }
        }
        check(out, "the lead started the graph through its own agent_team tool", run != null && "Reviewer".equals(run.path("owner").asString()),
                run == null ? "no run r1" : "run r1 owned by " + run.path("owner").asString());
        if (run == null) {
            return;
        }
        summary.set("run", run);
        out.println("team demo: run r1 " + run.path("status").asString() + (run.path("diagnostic").isNull() ? "" : ": " + run.path("diagnostic").asString()));
        String synthesis = "";
        for (JsonNode step : run.path("steps")) {
            out.printf(java.util.Locale.ROOT, "  %-16s %-10s %-20s tools %-24s %s%n", step.path("stepId").asString(), step.path("status").asString(),
                    step.path("agent").asString(), String.join(",", Cli.JSON.convertValue(step.path("tools"), String[].class)),
                    step.path("artifact").isNull() ? "" : Path.of(step.path("artifact").asString()).getFileName());
            if (step.path("stepId").asString().equals("synthesize") && !step.path("artifact").isNull()) {
                synthesis = read(Path.of(step.path("artifact").asString()));
            }
        }
        out.println("  artifacts: " + run.path("artifacts").asString() + " (manifest.json, one file per step, logs/)");
        check(out, "the run succeeded: three helpers fanned out and the synthesizer merged their finals",
                "succeeded".equals(run.path("status").asString()) && synthesis.startsWith("synthesize:"), run.path("status").asString());
        JsonNode events = call(api, lead, "{\"action\": \"team.run_status\", \"runId\": \"r1\", \"stepId\": \"probe-authority\", \"debugEvents\": true}")
                .data().path("events");
        long refused = 0;
        for (JsonNode e : events) {
            if (e.path("stepId").asString("").equals("probe-authority") && (e.path("text").asString("").contains("failed or was refused")
                    || e.path("kind").asString("").equals("step.error"))) {
                refused++;
            }
        }
        boolean untouched = !Files.exists(target.resolve("probe.txt"));
        check(out, "the probe's command and write were refused by the graph's read-only authority", untouched && refused > 0,
                refused + " refused tool call(s); probe.txt " + (untouched ? "not written" : "WRITTEN"));
        out.println();
        out.println(synthesis.strip());
        out.println();
        boolean noticed = waitFor(() -> call(api, lead, "{\"action\": \"feed\", \"limit\": 200}").text().contains("[agent_team r1] run succeeded"));
        check(out, "the lead got the run's terminal notice as a mesh message", noticed, noticed ? "[agent_team r1] run succeeded ..." : "no notice");
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private void check(PrintWriter out, String what, boolean ok, String detail) {
        checks.check(out, what, ok, detail);
    }

    private static ApiResult call(RemoteMeshApi api, Caller caller, String args) {
        return api.call(caller, Cli.JSON.readTree(args));
    }

    private static boolean waitFor(java.util.function.BooleanSupplier condition) {
        long until = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < until) {
            if (condition.getAsBoolean()) {
                return true;
            }
            sleep();
        }
        return false;
    }

    private static void sleep() {
        try {
            Thread.sleep(300);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
