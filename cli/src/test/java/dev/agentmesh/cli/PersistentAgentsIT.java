package dev.agentmesh.cli;

import dev.agentmesh.api.Json;
import dev.agentmesh.model.Script;
import dev.agentmesh.model.ScriptedModelServer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Persistent named agents (issue 6, part 2) through the seed 000 smoke sequence, on real pi, Claude Code and Codex
 * (pinned npm versions) driven by the scripted model server, hosted by a real supervisor: spawn reaches idle, an
 * assignment moves the agent to assigned and back to idle with its {@code agents.done} summary, a message to the
 * idle agent wakes it and its answer reaches the sender, a kill stops its processes, a respawn of the same name
 * resumes its runtime session, and the registry and feed record it all.
 */
class PersistentAgentsIT {
    private static final String SCRIPT = """
            rules:
              - match: "[smoke] Repeat"
                steps:
                  - mesh: {action: agents.done, summary: "repeated the smoke task"}
                  - text: "repeated"
              - match: "[smoke] Create smoke.txt"
                steps:
                  - write: {path: smoke.txt, content: "ok"}
                  - mesh: {action: agents.done, summary: "created smoke.txt with ok"}
                  - text: "done"
              - match: "Confirm the file path"
                steps:
                  - mesh: {action: send, to: Boss, message: "the file is smoke.txt"}
                  - text: "confirmed"
            """;

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "runtime {0}")
    @ValueSource(strings = {"pi", "claude", "codex"})
    void theSeedSmokeSequenceRunsOnARealRuntime(String runtime) throws Exception {
        try (ScriptedModelServer server = ScriptedModelServer.start(Script.parse(SCRIPT, "persistent-it"), 0)) {
            Map<String, String> serveEnv = new java.util.HashMap<>(Map.of("MESH_MODEL_URL", server.baseUrl()));
            if (runtime.equals("claude")) {
                serveEnv.put("MESH_CLAUDE", ItSupport.npmTool("@anthropic-ai/claude-code", ClaudeOnTheMeshIT.CLAUDE_CODE, "claude").toString());
            }
            if (runtime.equals("codex")) {
                serveEnv.put("MESH_CODEX", ItSupport.npmTool("@openai/codex", CodexOnTheMeshIT.CODEX, "codex").toString());
            }
            try (ItSupport.Supervised s = ItSupport.supervised(tmp, Map.of(), serveEnv)) {
                Map<String, String> env = new java.util.HashMap<>(s.env());
                String token = Json.MAPPER.readTree(mesh(s, env, "join", "--name", "Boss", "--json")).path("token").asString();
                env.put("MESH_AGENT", "Boss");
                env.put("MESH_AGENT_TOKEN", token);

                JsonNode spawned = call(s, env, "{\"action\":\"spawn\",\"name\":\"SmokeWorker\",\"runtime\":\"" + runtime
                        + "\",\"model\":\"mesh/scripted\",\"thinking\":\"low\"}");
                assertThat(spawned.at("/data/status").asString()).as("spawn returns once the agent is idle").isEqualTo("idle");
                assertThat(spawned.at("/data/runtime").asString()).isEqualTo(runtime);
                String session = spawned.at("/data/sessionId").asString();
                assertThat(session).isNotBlank();

                JsonNode assigned = call(s, env, "{\"action\":\"agents.assign\",\"name\":\"SmokeWorker\",\"task\":"
                        + "\"[smoke] Create smoke.txt with content 'ok' and report completion\",\"workstream\":\"smoke\"}");
                assertThat(assigned.at("/data/status").asString()).isEqualTo("assigned");
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300)).until(() ->
                        "idle".equals(check(s, env).at("/data/status").asString()));
                JsonNode done = check(s, env);
                assertThat(done.at("/data/summary").asString()).isEqualTo("created smoke.txt with ok");
                assertThat(done.at("/data/workstream").asString()).isEqualTo("smoke");
                assertThat(Files.readString(s.repo().resolve("smoke.txt")).strip()).isEqualTo("ok");

                // a message to the idle agent wakes it; its answer reaches the sender
                mesh(s, env, "send", "SmokeWorker", "Confirm the file path in your done summary.");
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300)).until(() ->
                        mesh(s, env, "inbox", "--peek").contains("the file is smoke.txt"));

                JsonNode killed = call(s, env, "{\"action\":\"agents.kill\",\"name\":\"SmokeWorker\"}");
                assertThat(killed.at("/data/status").asString()).isEqualTo("stopped");
                long pid = spawned.at("/data/pid").asLong();
                await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true));

                JsonNode again = call(s, env, "{\"action\":\"spawn\",\"name\":\"SmokeWorker\",\"prompt\":\"You previously worked on smoke tasks.\"}");
                assertThat(again.at("/data/status").asString()).isEqualTo("idle");
                assertThat(again.at("/data/runtime").asString()).as("the respawn keeps its runtime").isEqualTo(runtime);
                assertThat(again.at("/data/model").asString()).as("and its pinned model").isEqualTo("mesh/scripted:low");
                assertThat(again.at("/data/sessionId").asString()).as("and resumes its session").isEqualTo(session);
                call(s, env, "{\"action\":\"agents.assign\",\"name\":\"SmokeWorker\",\"task\":\"[smoke] Repeat the smoke task\",\"workstream\":\"smoke\"}");
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300)).until(() ->
                        "repeated the smoke task".equals(check(s, env).at("/data/summary").asString()));
                assertThat(server.recentRequests().getLast()).as("the first assignment's summary was recalled into the second")
                        .contains("Recalled context").contains("created smoke.txt with ok");
                assertThat(server.recentRequests().getLast()).as("the resumed session still has its first assignment")
                        .contains("Create smoke.txt");

                String list = mesh(s, env, "tool", "pi_messenger", "{\"action\":\"agents.list\"}");
                assertThat(list).containsPattern("SmokeWorker +" + runtime + " +mesh/scripted:low +idle");
                assertThat(call(s, env, "{\"action\":\"agents.logs\",\"name\":\"SmokeWorker\"}").at("/data/text").asString())
                        .contains("agents.done");
                JsonNode all = call(s, env, "{\"action\":\"agents.killall\"}");
                assertThat(all.path("data").toString()).contains("SmokeWorker");
                assertThat(mesh(s, env, "feed", "--limit", "100")).contains("spawn").contains("agents.assign")
                        .contains("agents.done").contains("agents.kill");
                assertThat(ItSupport.processesIn(s.repo())).as("no agent process left (the supervisor runs in the repo too)")
                        .allMatch(p -> p.startsWith(s.supervisor().pid() + " "));
            }
        }
    }

    private static JsonNode check(ItSupport.Supervised s, Map<String, String> env) throws Exception {
        return call(s, env, "{\"action\":\"agents.check\",\"name\":\"SmokeWorker\"}");
    }

    private static JsonNode call(ItSupport.Supervised s, Map<String, String> env, String args) throws Exception {
        return Json.MAPPER.readTree(mesh(s, env, "tool", "pi_messenger", args, "--result"));
    }

    private static String mesh(ItSupport.Supervised s, Map<String, String> env, String... args) throws Exception {
        var r = ItSupport.mesh(s.repo(), env, Duration.ofSeconds(120), args);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return r.out();
    }
}
