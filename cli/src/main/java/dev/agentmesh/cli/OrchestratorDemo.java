package dev.agentmesh.cli;

import dev.agentmesh.MeshException;
import dev.agentmesh.Texts;
import dev.agentmesh.api.ApiResult;
import dev.agentmesh.api.Caller;
import dev.agentmesh.api.Json;
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
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * {@code mesh demo --orchestrator}: the orchestrator's loop of seeds/004 end to end with no API key (issue 8). Copies
 * the example project into a folder with a branch {@code docs-fix} made by "Counter", starts the scripted model server
 * ({@code examples/orchestrator/orchestrator-model-script.yaml}) and the folder's own supervisor, prints a dashboard
 * link (and opens it when there is a display), and spawns three agents: Orch (pi), Scout (Claude Code) and Counter
 * (Codex), or all three on {@code --runtime}. Orch claims the orchestrator role, asks Scout a question that needs
 * closure, gives Counter a durable job, waits on the ack and the job's result, reviews the branch the job reported
 * through the review queue and schedules a cron wake-up for itself, which wakes it a minute later at the latest. Then
 * the demo reads the dashboard as a browser does (a login code, its cookie, {@code /dashboard/api/state}). Exits 0 when
 * every check passed; with {@code --keep} the supervisor and the agents stay up for the dashboard until Ctrl-C.
 */
final class OrchestratorDemo {
    static final String SCRIPT = "examples/orchestrator/orchestrator-model-script.yaml";
    private static final String HUMAN = "Person";

    private final String runtime;
    private final Path dir;
    private final boolean json;
    private final boolean keep;
    private final DemoChecks checks = new DemoChecks();

    OrchestratorDemo(String runtime, Path dir, boolean json, boolean keep) {
        this.runtime = runtime;
        this.dir = dir;
        this.json = json;
        this.keep = keep;
    }

    int run() throws Exception {
        if (runtime != null && !SmokeCommand.RUNTIMES.contains(runtime)) {
            throw MeshException.invalidInput("runtime '" + Texts.quote(runtime, 40) + "' cannot run the orchestrator demo; runtimes: "
                    + String.join(", ", SmokeCommand.RUNTIMES));
        }
        String orchRuntime = runtime == null ? "pi" : runtime;
        String scoutRuntime = runtime == null ? "claude" : runtime;
        String counterRuntime = runtime == null ? "codex" : runtime;
        PrintWriter out = json ? Cli.err() : Cli.out();
        Path home = DemoCommand.home();
        Path target = DemoCommand.prepare(dir, "orchestrator-demo");
        long t0 = System.currentTimeMillis();
        DemoCommand.copy(home.resolve("examples/textkit"), target);
        DemoCommand.run(target, "git", "init", "-q", "-b", "main");
        DemoCommand.run(target, "git", "add", "-A");
        DemoCommand.run(target, "git", "-c", "user.name=agentmesh demo", "-c", "user.email=demo@agentmesh.invalid", "commit", "-q", "-m", "textkit");
        DemoCommand.run(target, "git", "checkout", "-q", "-b", "docs-fix");
        Files.writeString(target.resolve("README.md"), "# textkit\n\n## Usage\n\n    const { slugify } = require('./src/slugify');\n");
        DemoCommand.run(target, "git", "add", "README.md");
        DemoCommand.run(target, "git", "-c", "user.name=Counter", "-c", "user.email=counter@agentmesh.invalid", "commit", "-q", "-m", "docs: usage");
        DemoCommand.run(target, "git", "checkout", "-q", "main");
        Project.locate(target).ensureMeshDir();
        Map<String, String> env = DemoCommand.ownStore(target);
        MeshEnv meshEnv = MeshEnv.resolve(target, env);
        RemoteMeshApi api = null;
        ObjectNode summary = Json.MAPPER.createObjectNode();
        try (ScriptedModelServer server = ScriptedModelServer.start(Script.load(home.resolve(SCRIPT)), 0)) {
            env.put("MESH_MODEL_URL", server.baseUrl());
            out.println("orchestrator demo: project " + target + "; Orch on " + orchRuntime + ", Scout on " + scoutRuntime + ", Counter on "
                    + counterRuntime + "; scripted model server on " + server.baseUrl());
            out.flush();
            api = SupervisorClient.findOrStart(meshEnv.storePath(), meshEnv.project().root(), Cli.selfCommand(), env);
            Caller you = new Caller(HUMAN, target, ProcessHandle.current().pid(), "human", null);
            call(api, you, "{\"action\": \"join\"}");
            String link = loginLink(api, you, target);
            out.println("orchestrator demo: the dashboard (watch the loop live; the link works once): " + link);
            out.flush();
            drive(api, you, server, target, out, summary, orchRuntime, scoutRuntime, counterRuntime);
            dashboard(api, you, target, out, summary);
            if (keep) {
                out.println("orchestrator demo: --keep: the supervisor and the agents stay up; a new dashboard link: " + loginLink(api, you, target));
                out.println("orchestrator demo: Ctrl-C stops them");
                out.flush();
                Thread.currentThread().join();
            }
        } finally {
            DemoCommand.stopOwnSupervisor(api, target);
        }
        long failed = checks.failed();
        if (json) {
            ObjectNode data = summary.put("passed", failed == 0).put("dir", target.toString());
            ArrayNode list = data.putArray("checks");
            checks.writeTo(list);
            Cli.print(Cli.out(), true, "", data);
        } else {
            out.printf(java.util.Locale.ROOT, "orchestrator demo %s: %d of %d checks in %.1fs; the project is in %s%n",
                    failed == 0 ? "passed" : "FAILED", checks.size() - failed, checks.size(), (System.currentTimeMillis() - t0) / 1000.0, target);
            out.flush();
        }
        return failed == 0 ? 0 : 1;
    }

    private void drive(RemoteMeshApi api, Caller you, ScriptedModelServer server, Path target, PrintWriter out, ObjectNode summary,
                       String orchRuntime, String scoutRuntime, String counterRuntime) {
        call(api, you, "{\"action\": \"spawn\", \"name\": \"Scout\", \"runtime\": \"" + scoutRuntime + "\"}");
        call(api, you, "{\"action\": \"spawn\", \"name\": \"Counter\", \"runtime\": \"" + counterRuntime + "\"}");
        call(api, you, "{\"action\": \"spawn\", \"name\": \"Orch\", \"runtime\": \"" + orchRuntime + "\"}");
        out.println("orchestrator demo: Orch, Scout and Counter are up; Orch gets the loop");
        out.flush();
        call(api, you, "{\"action\": \"agents.assign\", \"name\": \"Orch\", \"task\": \"[orchestrate] run the loop\"}");
        boolean done = waitFor(240, () -> call(api, you, "{\"action\": \"agents.check\", \"name\": \"Orch\"}").data()
                .path("summary").asString("").startsWith("asked Scout"));
        check(out, "Orch ran the loop and reported it done", done, call(api, you, "{\"action\": \"agents.check\", \"name\": \"Orch\"}").text());
        JsonNode status = call(api, you, "{\"action\": \"orchestrator_status\"}").data();
        check(out, "Orch holds the orchestrator role", "Orch".equals(status.path("name").asString()), "orchestrator: " + status.path("name").asString());
        JsonNode ask = call(api, you, "{\"action\": \"wait_on_ack\", \"id\": 1, \"timeout_seconds\": 0}").data();
        summary.set("ask", ask.path("ask"));
        out.println("  ask #1 Orch -> Scout: " + ask.path("status").asString() + "; reply: " + ask.at("/ask/reply").asString(""));
        check(out, "Scout acked Orch's ask with its answer, and Orch's wait_on_ack returned it",
                "resolved".equals(ask.path("status").asString()) && ask.at("/ask/reply").asString("").contains("slugify")
                        && requests(server, "[orchestrate] run the loop").contains("ask #1 to @Scout: resolved"), ask.at("/ask/reply").asString(""));
        JsonNode job = call(api, you, "{\"action\": \"job_status\", \"id\": 1}").data();
        summary.set("job", job);
        out.println("  job #1 Orch -> Counter: " + job.path("state").asString() + " after " + job.path("attempts").asInt() + " dispatch; result: "
                + job.path("result").asString(""));
        String feed = call(api, you, "{\"action\": \"feed\", \"limit\": 200}").text();
        check(out, "Counter's job went queued, dispatching, delivered, running, completed, dispatched once",
                "completed".equals(job.path("state").asString()) && job.path("attempts").asInt() == 1 && feed.contains("#1 queued -> dispatching")
                        && feed.contains("#1 dispatching -> delivered") && feed.contains("#1 delivered -> running")
                        && feed.contains("#1 running -> completed"), job.path("state").asString());
        String orch = requests(server, "[orchestrate] run the loop");
        check(out, "Orch reviewed docs-fix, which Counter's job reported, through the review queue",
                orch.contains("review-needed") && orch.contains("docs-fix") && orch.contains("reviewed docs-fix at "), "review_queue then mark_reviewed");
        out.println("orchestrator demo: waiting for Orch's cron schedule (every minute) to wake it");
        out.flush();
        boolean woke = waitFor(90, () -> !requests(server, "[wake] check the queue").isEmpty()
                && call(api, you, "{\"action\": \"schedule_list\", \"deleted\": true}").data().at("/schedules/0/state").asString("").equals("deleted"));
        JsonNode schedule = call(api, you, "{\"action\": \"schedule_list\", \"deleted\": true}").data().at("/schedules/0");
        summary.set("schedule", schedule);
        check(out, "Orch's cron schedule woke it for a new turn, which deleted the schedule", woke,
                "schedule #1 " + schedule.path("state").asString() + ", fired " + schedule.path("firedCount").asInt() + " time(s)");
    }

    /** Reads the dashboard as a browser would: a login code, its cookie, then the page's state. */
    private void dashboard(RemoteMeshApi api, Caller you, Path target, PrintWriter out, ObjectNode summary) throws Exception {
        JsonNode code = DashboardCommand.post(api.server(), "/api/v1/dashboard/login-code", Json.MAPPER.createObjectNode()
                .put("project", target.toString()).put("agent", you.agent()).put("token", you.token()).toString());
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).proxy(HttpClient.Builder.NO_PROXY).build();
        String base = api.server().url();
        HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create(base + "/dashboard/login?code=" + code.path("code").asString()))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        String cookie = login.headers().firstValue("Set-Cookie").map(c -> c.split(";", 2)[0]).orElse("");
        HttpResponse<String> state = http.send(HttpRequest.newBuilder(URI.create(base + "/dashboard/api/state")).header("Cookie", cookie)
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        JsonNode s = state.statusCode() == 200 ? Json.MAPPER.readTree(state.body()) : Json.MAPPER.createObjectNode();
        String text = s.toString();
        boolean shows = text.contains("\"Orch\"") && text.contains("\"Scout\"") && text.contains("\"Counter\"") && text.contains("land docs-fix")
                && text.contains("\"acked\"") && text.contains("[wake] check the queue");
        check(out, "the dashboard shows the agents, the ask, the job and the schedule", shows,
                "GET /dashboard/api/state: HTTP " + state.statusCode() + " after login HTTP " + login.statusCode());
    }

    private static String loginLink(RemoteMeshApi api, Caller you, Path target) {
        return DashboardCommand.post(api.server(), "/api/v1/dashboard/login-code", Json.MAPPER.createObjectNode()
                .put("project", target.toString()).put("agent", you.agent()).put("token", you.token()).toString()).path("url").asString();
    }

    private static String requests(ScriptedModelServer server, String phrase) {
        return String.join("\n", server.recentRequests().stream().filter(q -> q.contains(phrase)).toList());
    }

    private void check(PrintWriter out, String what, boolean ok, String detail) {
        checks.check(out, what, ok, detail);
    }

    private static ApiResult call(RemoteMeshApi api, Caller caller, String args) {
        return api.call(caller, Json.MAPPER.readTree(args));
    }

    private static boolean waitFor(int seconds, BooleanSupplier condition) {
        long until = System.currentTimeMillis() + seconds * 1000L;
        while (System.currentTimeMillis() < until) {
            try {
                if (condition.getAsBoolean()) {
                    return true;
                }
            } catch (MeshException notYet) {
                // asked too early: the next look may answer
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }
}
