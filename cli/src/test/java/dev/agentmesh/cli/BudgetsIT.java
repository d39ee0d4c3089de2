package dev.agentmesh.cli;

import dev.agentmesh.api.Json;
import dev.agentmesh.model.Script;
import dev.agentmesh.model.ScriptedModelServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Usage and budgets of spawned agents (issue 6, part 7) on real pi and the scripted model server, which reports
 * token usage: each turn's tokens count for the agent and the project; once an agent's budget is reached its next
 * assignment waits instead of starting, the one who assigned it is asked by a message and the feed says so; raising the
 * budget lets the waiting work start.
 */
class BudgetsIT {
    private static final String SCRIPT = """
            rules:
              - match: "[budget] first"
                steps:
                  - mesh: {action: agents.done, summary: "first done"}
                  - text: "one"
              - match: "[budget] second"
                steps:
                  - mesh: {action: agents.done, summary: "second done"}
                  - text: "two"
            """;

    @TempDir
    Path tmp;

    @Test
    void aReachedBudgetPausesNewTurnsAsksTheAssignerAndARaiseResumes() throws Exception {
        try (ScriptedModelServer server = ScriptedModelServer.start(Script.parse(SCRIPT, "budgets-it"), 0);
             ItSupport.Supervised s = ItSupport.supervised(tmp, Map.of(), Map.of("MESH_MODEL_URL", server.baseUrl()))) {
            Map<String, String> env = new java.util.HashMap<>(s.env());
            String token = Json.MAPPER.readTree(mesh(s, env, "join", "--name", "Boss", "--json")).path("token").asString();
            env.put("MESH_AGENT", "Boss");
            env.put("MESH_AGENT_TOKEN", token);
            mesh(s, env, "agents", "spawn", "Penny");
            assertThat(mesh(s, env, "tool", "pi_messenger", "{\"action\":\"agents.budget\",\"name\":\"Penny\",\"tokens\":1}"))
                    .contains("Penny: 0 tokens, $0.0000 (budget 1 tokens)");

            mesh(s, env, "agents", "assign", "Penny", "[budget] first");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).until(() ->
                    "first done".equals(check(s, env).at("/data/summary").asString()) && "idle".equals(check(s, env).at("/data/status").asString()));
            JsonNode usage = check(s, env).at("/data/usage");
            assertThat(usage.path("inputTokens").asLong()).as("the turn's tokens counted").isPositive();

            String paused = mesh(s, env, "agents", "assign", "Penny", "[budget] second");
            assertThat(paused).contains("paused; the task waits (position 1): Penny's budget is reached");
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(300)).until(() ->
                    mesh(s, env, "inbox", "--peek").contains("Penny waits: Penny's budget is reached"));
            assertThat(mesh(s, env, "feed", "--limit", "50")).contains("agents.budget").as("the feed shows the tokens").containsPattern("first done \\([1-9][0-9]* tokens this session\\)");
            Thread.sleep(2000);
            assertThat(check(s, env).at("/data/summary").asString()).as("the waiting task did not start").isEqualTo("first done");
            assertThat(mesh(s, env, "tool", "pi_messenger", "{\"action\":\"agents.budget\"}")).as("the project counts it too")
                    .containsPattern("project: [1-9]\\d* tokens");

            mesh(s, env, "tool", "pi_messenger", "{\"action\":\"agents.budget\",\"name\":\"Penny\",\"tokens\":10000000}");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).until(() ->
                    "second done".equals(check(s, env).at("/data/summary").asString()));

            var bad = ItSupport.mesh(s.repo(), env, Duration.ofSeconds(60), "tool", "pi_messenger", "{\"action\":\"agents.budget\",\"tokens\":-5}");
            assertThat(bad.exitCode()).isEqualTo(2);
            assertThat(bad.err()).contains("token budget -5 is out of range");
            var bad2 = ItSupport.mesh(s.repo(), env, Duration.ofSeconds(60), "tool", "pi_messenger", "{\"action\":\"agents.budget\",\"usd\":\"lots\"}");
            assertThat(bad2.err()).contains("parameter 'usd' must be a number");
            mesh(s, env, "agents", "killall");
        }
    }

    private static JsonNode check(ItSupport.Supervised s, Map<String, String> env) throws Exception {
        return Json.MAPPER.readTree(mesh(s, env, "tool", "pi_messenger", "{\"action\":\"agents.check\",\"name\":\"Penny\"}", "--result"));
    }

    private static String mesh(ItSupport.Supervised s, Map<String, String> env, String... args) throws Exception {
        var r = ItSupport.mesh(s.repo(), env, Duration.ofSeconds(120), args);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return r.out();
    }
}
