package dev.agentmesh.cli;

import dev.agentmesh.api.Json;
import dev.agentmesh.model.Script;
import dev.agentmesh.model.ScriptedModelServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The orchestrator's loop of seeds/004 end to end (issue 8): an orchestrator agent on real pi asks a Claude Code peer
 * (ask, ack, wait_on_ack) and gives a Codex peer a durable job (dispatched as an ask, armed and completed by the
 * peer's turn), reviews the branch the job reported through the review queue, and a cron schedule of its own wakes
 * it; all driven by the scripted model server. Then a supervisor SIGKILLed between dispatch and ack loses nothing,
 * and a schedule and a job whose peer is gone are retried and dead-lettered, visibly.
 */
class OrchestratorLoopIT {
    static final String SCRIPT = """
            rules:
              - match: "[orchestrate] run the loop"
                steps:
                  - call: {tool: claim_orchestrator_role}
                  - call: {tool: ask, peer: Scout, brief: "[scout] what does README.md say?"}
                  - call: {tool: job_create, title: "land fix-1", assignee: Counter, request: "[counter] report on the fix-1 branch"}
                  - call: {tool: wait_on_ack, id: 1, timeout_seconds: 150}
                  - call: {tool: job_result, id: 1, wait_seconds: 150}
                  - call: {tool: review_queue}
                  - call: {tool: mark_reviewed, ref: fix-1}
                  - call: {tool: schedule_self, text: "[wake] check the queue", cron: "* * * * *"}
                  - mesh: {action: agents.done, summary: "asked, dispatched, reviewed, scheduled"}
                  - text: "orchestrator: the loop is set"
              - match: "[wake] check the queue"
                steps:
                  - call: {tool: job_list}
                  - call: {tool: schedule_delete, id: 1}
                  - text: "orchestrator: woke up and checked the queue"
              - match: "[scout] what does README.md say?"
                steps:
                  - read: README.md
                  - call: {tool: ack, id: 1, message: "README.md says the answer is 42."}
                  - text: "scout: answered"
              - match: "[counter] report on the fix-1 branch"
                steps:
                  - call: {tool: job_update, id: 1, phase: checking, progress: 50, artifacts: [fix-1]}
                  - text: "fix-1 is ready: one commit, the answer stays 42."
            default: "Nothing scripted for this prompt."
            """;

    @TempDir
    Path tmp;

    @Test
    void anOrchestratorAsksDispatchesReviewsAndIsWokenByItsCron() throws Exception {
        try (ScriptedModelServer server = ScriptedModelServer.start(Script.parse(SCRIPT, "orchestrator-loop-it"), 0)) {
            Map<String, String> serveEnv = new HashMap<>(Map.of("MESH_MODEL_URL", server.baseUrl()));
            serveEnv.putAll(TeamIT.cliEnv("claude"));
            serveEnv.putAll(TeamIT.cliEnv("codex"));
            try (ItSupport.Supervised s = ItSupport.supervised(tmp, Map.of("README.md", "# demo\nThe answer is 42.\n"), serveEnv)) {
                ItSupport.commitAll(s.repo());
                ItSupport.run(s.repo(), "git", "checkout", "-q", "-b", "fix-1");
                java.nio.file.Files.writeString(s.repo().resolve("FIX.md"), "fixed\n");
                ItSupport.run(s.repo(), "git", "add", "FIX.md");
                ItSupport.run(s.repo(), "git", "-c", "user.name=Counter", "-c", "user.email=counter@agentmesh.invalid", "commit", "-q", "-m", "fix-1");
                ItSupport.run(s.repo(), "git", "checkout", "-q", "-");
                Map<String, String> boss = joined(s, "Boss");
                call(s, boss, "{\"action\":\"spawn\",\"name\":\"Scout\",\"runtime\":\"claude\"}");
                call(s, boss, "{\"action\":\"spawn\",\"name\":\"Counter\",\"runtime\":\"codex\"}");
                call(s, boss, "{\"action\":\"spawn\",\"name\":\"Orch\",\"runtime\":\"pi\"}");
                call(s, boss, "{\"action\":\"agents.assign\",\"name\":\"Orch\",\"task\":\"[orchestrate] run the loop\"}");
                await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofMillis(500)).until(() ->
                        "asked, dispatched, reviewed, scheduled".equals(call(s, boss, "{\"action\":\"agents.check\",\"name\":\"Orch\"}")
                                .at("/data/summary").asString()));

                JsonNode ask = tool(s, boss, "wait_on_ack", "{\"id\":1,\"timeout_seconds\":0}");
                assertThat(ask.at("/data/status").asString()).isEqualTo("resolved");
                assertThat(ask.at("/data/ask/from").asString()).isEqualTo("Orch");
                assertThat(ask.at("/data/ask/to").asString()).isEqualTo("Scout");
                assertThat(ask.at("/data/ask/reply").asString()).isEqualTo("README.md says the answer is 42.");

                JsonNode job = tool(s, boss, "job_status", "{\"id\":1}").get("data");
                assertThat(job.path("state").asString()).as(job.toString()).isEqualTo("completed");
                assertThat(job.path("owner").asString()).isEqualTo("Orch");
                assertThat(job.path("result").asString()).as("the Codex peer's turn completed it").isEqualTo("fix-1 is ready: one commit, the answer stays 42.");
                assertThat(job.path("attempts").asInt()).as("dispatched once").isEqualTo(1);
                assertThat(job.path("artifacts").toString()).isEqualTo("[\"fix-1\"]");
                String feed = mesh(s, boss, "feed", "--limit", "200");
                assertThat(feed).contains("#1 queued -> dispatching", "#1 dispatching -> delivered", "#1 delivered -> running", "#1 running -> completed");

                String orchRequests = String.join("\n", server.recentRequests().stream().filter(q -> q.contains("[orchestrate] run the loop")).toList());
                assertThat(orchRequests).as("the tools' results came back into the orchestrator's conversation")
                        .contains("ask #1 to @Scout: resolved", "README.md says the answer is 42.", "job #1 completed", "fix-1")
                        .contains("review-needed", "Counter", "reviewed fix-1 at ");
                JsonNode queue = tool(s, boss, "review_queue", "{\"peer\":\"Counter\"}");
                assertThat(queue.at("/data/items").toString()).as("Boss has reviewed nothing: the branch Counter reported is owed")
                        .contains("\"ref\":\"fix-1\"", "\"myAction\":\"review-needed\"");

                // the cron schedule (every minute) wakes the idle orchestrator: a new turn, which deletes it
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).until(() ->
                        server.recentRequests().stream().anyMatch(q -> q.contains("[wake] check the queue")));
                await().atMost(Duration.ofSeconds(60)).until(() ->
                        tool(s, boss, "schedule_list", "{\"deleted\":true}").at("/data/schedules/0/state").asString().equals("deleted"));
                JsonNode schedule = tool(s, boss, "schedule_list", "{\"deleted\":true}").at("/data/schedules/0");
                assertThat(schedule.path("firedCount").asInt()).isGreaterThanOrEqualTo(1);
                assertThat(schedule.path("owner").asString()).isEqualTo("Orch");
                JsonNode status = tool(s, boss, "orchestrator_status", "{}");
                assertThat(status.at("/data/name").asString()).isEqualTo("Orch");

                call(s, boss, "{\"action\":\"agents.killall\"}");
                await().atMost(Duration.ofSeconds(20)).until(() -> ItSupport.processesIn(s.repo()).stream()
                        .allMatch(p -> p.startsWith(s.supervisor().pid() + " ")));
            }
        }
    }

    @Test
    void aSupervisorKilledBetweenDispatchAndAckLosesNothingAndGonePeersAreDeadLettered() throws Exception {
        Map<String, String> serveEnv = Map.of("MESH_ORCHESTRATOR_BACKOFF_MS", "200");
        ItSupport.Supervised s = ItSupport.supervised(tmp, Map.of("README.md", "# demo\n"), serveEnv);
        Process second = null;
        try {
            Map<String, String> boss = joined(s, "Boss");
            Map<String, String> hand = joined(s, "Hand");
            long job = tool(s, boss, "job_create", "{\"title\":\"hold the line\",\"assignee\":\"Hand\",\"request\":\"keep it\"}").at("/data/id").asLong();
            await().atMost(Duration.ofSeconds(10)).until(() -> tool(s, boss, "job_status", "{\"id\":" + job + "}").at("/data/state").asString().equals("dispatching"));
            assertThat(mesh(s, hand, "inbox")).contains("job #" + job + " (task): hold the line");
            await().atMost(Duration.ofSeconds(10)).until(() -> tool(s, boss, "job_status", "{\"id\":" + job + "}").at("/data/state").asString().equals("delivered"));
            long ask = tool(s, boss, "ask", "{\"peer\":\"Hand\",\"brief\":\"are you there?\"}").at("/data/id").asLong();
            long schedule = tool(s, boss, "schedule_create", "{\"to_peer\":\"Boss\",\"text\":\"[due while down]\",\"fire_at\":\""
                    + Instant.now().plusSeconds(2) + "\"}").at("/data/id").asLong();

            s.supervisor().toHandle().destroyForcibly();
            s.supervisor().waitFor();
            Thread.sleep(2_500); // the schedule comes due while no supervisor runs
            Map<String, String> withServe = new HashMap<>(s.env());
            withServe.putAll(serveEnv);
            second = ItSupport.start(s.repo(), withServe, tmp.resolve("serve2.log"), "serve");
            ItSupport.awaitRunFile(s.store(), second);

            assertThat(tool(s, boss, "job_status", "{\"id\":" + job + "}").at("/data/state").asString()).isEqualTo("delivered");
            assertThat(tool(s, boss, "wait_on_ack", "{\"id\":" + ask + ",\"timeout_seconds\":0}").at("/data/status").asString()).isEqualTo("pending");
            await().atMost(Duration.ofSeconds(10)).until(() -> mesh(s, boss, "inbox", "--peek").contains("[schedule #" + schedule + "] [due while down]"));
            assertThat(mesh(s, hand, "list")).as("what Hand owes is shown on its next call").contains("2 open ask(s) owed by Hand");
            mesh(s, hand, "ack", String.valueOf(ask), "still here after the crash");
            mesh(s, hand, "job_update", String.valueOf(job), "--state", "completed", "--result", "held");
            JsonNode waited = tool(s, boss, "wait_on_ack", "{\"id\":" + ask + ",\"timeout_seconds\":5}");
            assertThat(waited.at("/data/status").asString()).isEqualTo("resolved");
            assertThat(waited.at("/data/ask/reply").asString()).isEqualTo("still here after the crash");
            JsonNode done = tool(s, boss, "job_result", "{\"id\":" + job + ",\"wait_seconds\":5}").get("data");
            assertThat(done.path("state").asString()).isEqualTo("completed");
            assertThat(done.path("attempts").asInt()).as("not dispatched twice across the restart").isEqualTo(1);
            String bossInbox = mesh(s, boss, "inbox");
            assertThat(bossInbox).contains("[ack #" + ask + " from @Hand] still here after the crash", "[job #" + job + " completed] hold the line");
            assertThat(bossInbox.split("\\[schedule #" + schedule + "]", -1)).as("fired once").hasSize(2);

            // a peer that is gone: the schedule's fires and the job's dispatches are retried, then dead-lettered
            mesh(s, joined(s, "Gone"), "leave");
            long dead = tool(s, boss, "schedule_create", "{\"to_peer\":\"Gone\",\"text\":\"ping\",\"fire_at\":\"2000-01-01\"}").at("/data/id").asLong();
            long lost = tool(s, boss, "job_create", "{\"title\":\"t\",\"assignee\":\"Gone\",\"request\":\"r\",\"max_attempts\":3}").at("/data/id").asLong();
            await().atMost(Duration.ofSeconds(30)).until(() -> tool(s, boss, "schedule_list", "{}").get("data").path("schedules").toString()
                    .contains("\"state\":\"dead_letter\""));
            JsonNode sched = tool(s, boss, "schedule_list", "{}").at("/data/schedules/0");
            assertThat(sched.path("id").asLong()).isEqualTo(dead);
            assertThat(sched.path("attempts").asInt()).isEqualTo(5);
            assertThat(sched.path("lastError").asString()).contains("fire attempt 5/5 failed: @Gone has left the mesh");
            await().atMost(Duration.ofSeconds(30)).until(() -> tool(s, boss, "job_status", "{\"id\":" + lost + "}").at("/data/state").asString().equals("unavailable"));
            JsonNode lostJob = tool(s, boss, "job_status", "{\"id\":" + lost + "}").get("data");
            assertThat(lostJob.path("deadLettered").asBoolean()).isTrue();
            assertThat(lostJob.path("error").asString()).contains("dispatch attempt 3/3 failed: @Gone has left the mesh");
            assertThat(mesh(s, boss, "inbox")).contains("[schedule #" + dead + " dead-lettered]", "[job #" + lost + " unavailable] t");
            Map<String, String> gone = joined(s, "Gone");
            long again = tool(s, boss, "job_retry", "{\"id\":" + lost + "}").at("/data/id").asLong();
            await().atMost(Duration.ofSeconds(10)).until(() -> mesh(s, gone, "inbox").contains("job #" + again + " (task): t"));
        } finally {
            ItSupport.killSupervisors(s.store(), second == null ? List.of() : List.of(second.pid()));
            s.close();
        }
    }

    /** Joins {@code name} from the CLI; @return the environment acting as it (MESH_AGENT and its token) */
    private static Map<String, String> joined(ItSupport.Supervised s, String name) throws Exception {
        Map<String, String> env = new HashMap<>(s.env());
        String token = Json.MAPPER.readTree(mesh(s, env, "join", "--name", name, "--json")).path("token").asString();
        env.put("MESH_AGENT", name);
        env.put("MESH_AGENT_TOKEN", token);
        return env;
    }

    private static JsonNode call(ItSupport.Supervised s, Map<String, String> env, String args) throws Exception {
        return Json.MAPPER.readTree(mesh(s, env, "tool", "pi_messenger", args, "--result"));
    }

    private static JsonNode tool(ItSupport.Supervised s, Map<String, String> env, String tool, String args) throws Exception {
        return Json.MAPPER.readTree(mesh(s, env, "tool", tool, args, "--result"));
    }

    private static String mesh(ItSupport.Supervised s, Map<String, String> env, String... args) throws Exception {
        var r = ItSupport.mesh(s.repo(), env, Duration.ofSeconds(120), args);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return r.out();
    }
}
