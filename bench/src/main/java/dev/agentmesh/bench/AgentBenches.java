package dev.agentmesh.bench;

import dev.agentmesh.api.Json;
import dev.agentmesh.cli.client.RemoteMeshApi;
import dev.agentmesh.model.Script;
import dev.agentmesh.model.ScriptedModelServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.agentmesh.bench.BenchSupport.*;

/** {@code spawn}: persistent agents on each runtime (issue 6, benchmarks; see {@link Bench}). */
final class AgentBenches {
    /** Agents spawned per runtime. */
    static final int AGENTS = 10;

    private AgentBenches() {
    }

    static void spawn() throws Exception {
        Script script = Script.parse("""
                rules:
                  - match: "[bench] say hi"
                    steps:
                      - text: "hi"
                """, "spawn-bench");
        try (ScriptedModelServer server = ScriptedModelServer.start(script, 0);
             Setup s = setup(List.of("Boss"), Map.of("MESH_MODEL_URL", server.baseUrl()))) {
            RemoteMeshApi api = new RemoteMeshApi(s.runFile(), s.repo());
            ObjectNode o = Json.MAPPER.createObjectNode().put("benchmark", "spawn").put("agents_per_runtime", AGENTS);
            for (String runtime : List.of("pi", "claude", "codex")) {
                long rss0 = rssKb(s.supervisor().pid());
                double[] ms = new double[AGENTS];
                for (int i = 0; i < AGENTS; i++) {
                    long t0 = System.nanoTime();
                    call(api, s, "{\"action\":\"spawn\",\"name\":\"" + runtime + "W" + i + "\",\"runtime\":\"" + runtime
                            + "\",\"model\":\"mesh/scripted\"}");
                    ms[i] = (System.nanoTime() - t0) / 1e6;
                    System.err.println("bench: spawned " + runtime + "W" + i + " in " + Math.round(ms[i]) + " ms");
                }
                Thread.sleep(2000);
                long rss1 = rssKb(s.supervisor().pid());
                // assignment to the end of its turn: the prompt, one model answer, the turn's end
                double[] turn = new double[3];
                double[] first = new double[turn.length];
                for (int i = 0; i < turn.length; i++) {
                    java.nio.file.Path log = s.repo().resolve(".mesh/agents/logs/" + runtime + "W" + i + ".jsonl");
                    long size0 = java.nio.file.Files.size(log);
                    long t0 = System.nanoTime();
                    call(api, s, "{\"action\":\"agents.assign\",\"name\":\"" + runtime + "W" + i + "\",\"task\":\"[bench] say hi\"}");
                    // the first event the runtime sends back: a new line in the agent's transcript
                    while (java.nio.file.Files.size(log) == size0 && System.nanoTime() - t0 < 30_000_000_000L) {
                        Thread.sleep(1);
                    }
                    first[i] = (System.nanoTime() - t0) / 1e6;
                    while (!"idle".equals(call(api, s, "{\"action\":\"agents.check\",\"name\":\"" + runtime + "W" + i + "\"}")
                            .at("/data/status").asString())) {
                        Thread.sleep(5);
                    }
                    turn[i] = (System.nanoTime() - t0) / 1e6;
                }
                call(api, s, "{\"action\":\"agents.killall\"}");
                Arrays.sort(ms);
                Arrays.sort(turn);
                Arrays.sort(first);
                o.put("spawn_p50_ms_" + runtime, round(percentile(ms, 50))).put("spawn_max_ms_" + runtime, round(ms[ms.length - 1]))
                        .put("supervisor_kb_per_idle_agent_" + runtime, Math.round((rss1 - rss0) / (double) AGENTS))
                        .put("assign_to_first_event_p50_ms_" + runtime, round(percentile(first, 50)))
                        .put("assign_to_idle_p50_ms_" + runtime, round(percentile(turn, 50)));
            }
            System.out.println(o);
        }
    }

    private static JsonNode call(RemoteMeshApi api, Setup s, String args) {
        var r = api.call(s.as("Boss"), Json.MAPPER.readTree(args));
        return Json.MAPPER.valueToTree(Map.of("text", r.text(), "data", r.data()));
    }
}
