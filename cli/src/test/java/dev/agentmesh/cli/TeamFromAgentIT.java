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
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The seed's minimum read-only run and its first graphFile run, verbatim, called by a lead agent from inside real pi,
 * Claude Code and Codex through its own {@code agent_team} tool (the pi extension's, or {@code /mcp}'s), driven by the
 * scripted model server (issue 7, seeds/002): the runs start, their children run on the lead's runtime, the lead's
 * {@code run_status} and {@code step_result} calls come back into its conversation, and the terminal notice of each run
 * reaches the lead as a mesh message.
 */
class TeamFromAgentIT {
    static final String SEED_GRAPH = TeamIT.READ_ONLY_GRAPH.replaceAll("\\s+", " ").strip();

    static final String SCRIPT = """
            rules:
              - match: "[lead] delegate the question"
                steps:
                  - team: {action: start, graph: GRAPH}
                  - team: {action: run_status, runId: r1, waitSeconds: 30}
                  - team: {action: start, graphFile: local-read-only-graph.json}
                  - team: {action: run_status, runId: r2, waitSeconds: 30}
                  - team: {action: step_result, runId: r2, stepId: inspect, preview: true}
                  - mesh: {action: agents.done, summary: "delegated the question to two agent_team runs"}
                  - text: "lead: delegated"
              - match: "Inspect relevant local files. Do not edit or run commands."
                steps:
                  - read: README.md
                  - text: "inspect: README.md says the answer is 42."
            default: "Nothing scripted for this prompt."
            """.replace("GRAPH", SEED_GRAPH);

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "lead on {0}")
    @ValueSource(strings = {"pi", "claude", "codex"})
    void aLeadAgentRunsTheSeedsGraphsThroughItsOwnTool(String runtime) throws Exception {
        try (ScriptedModelServer server = ScriptedModelServer.start(Script.parse(SCRIPT, "team-from-agent-it"), 0);
             ItSupport.Supervised s = ItSupport.supervised(tmp, Map.of("README.md", "# demo\nThe answer is 42.\n",
                     "local-read-only-graph.json", TeamIT.READ_ONLY_GRAPH), TeamIT.runtimeEnv(runtime, server))) {
            Map<String, String> env = new HashMap<>(s.env());
            String token = Json.MAPPER.readTree(mesh(s, env, "join", "--name", "Boss", "--json")).path("token").asString();
            env.put("MESH_AGENT", "Boss");
            env.put("MESH_AGENT_TOKEN", token);
            call(s, env, "{\"action\":\"spawn\",\"name\":\"Lead\",\"runtime\":\"" + runtime + "\"}");
            call(s, env, "{\"action\":\"agents.assign\",\"name\":\"Lead\",\"task\":\"[lead] delegate the question\"}");
            await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(300)).until(() ->
                    "delegated the question to two agent_team runs".equals(call(s, env, "{\"action\":\"agents.check\",\"name\":\"Lead\"}")
                            .at("/data/summary").asString()));

            for (String run : new String[]{"r1", "r2"}) {
                JsonNode status = call(s, env, "{\"action\":\"team.run_status\",\"runId\":\"" + run + "\",\"waitSeconds\":30}");
                assertThat(status.at("/data/status").asString()).as(status.toString()).isEqualTo("succeeded");
                assertThat(status.at("/data/owner").asString()).isEqualTo("Lead");
                assertThat(status.at("/data/steps/0/runtime").asString()).as("children run on the lead's runtime").isEqualTo(runtime);
                assertThat(status.at("/data/steps/0/tools").toString()).isEqualTo("[\"read\",\"grep\",\"find\",\"ls\"]");
                assertThat(Files.readString(s.repo().resolve(".mesh/team/" + run + "/inspect.md"))).isEqualTo("inspect: README.md says the answer is 42.");
            }
            String leadRequests = String.join("\n", server.recentRequests().stream().filter(q -> q.contains("[lead] delegate the question")).toList());
            assertThat(leadRequests).as("the lead's tool results came back into its conversation")
                    .contains("started agent_team run r1").contains("started agent_team run r2").contains("step inspect of r2");
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                String feed = mesh(s, env, "feed", "--limit", "200");
                return feed.contains("[agent_team r1] run succeeded") && feed.contains("[agent_team r2] run succeeded");
            });
            call(s, env, "{\"action\":\"agents.killall\"}");
            await().atMost(Duration.ofSeconds(15)).until(() -> ItSupport.processesIn(s.repo()).stream()
                    .allMatch(p -> p.startsWith(s.supervisor().pid() + " ")));
        }
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
