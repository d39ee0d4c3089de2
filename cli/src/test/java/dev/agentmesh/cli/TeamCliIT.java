package dev.agentmesh.cli;

import dev.agentmesh.model.Script;
import dev.agentmesh.model.ScriptedModelServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's {@code mesh team ...} lines as a user types them (issue 7), against a real supervisor whose pi children
 * answer from the scripted model server: catalog, start of the bundled fan-out/fan-in graph file, status with a wait,
 * result with a preview, message, cancel and cleanup.
 */
class TeamCliIT {
    @TempDir
    Path tmp;

    @Test
    void theReadmesTeamCommands() throws Exception {
        String script = """
                rules:
                  - match: "Merge the three reports"
                    steps:
                      - text: "synthesize: all three lanes are sound."
                default: "lane: nothing unusual found."
                """;
        String graph = Files.readString(ItSupport.repoRoot().resolve("examples/graphs/fan-out-fan-in.json"));
        try (ScriptedModelServer server = ScriptedModelServer.start(Script.parse(script, "team-cli-it"), 0);
             ItSupport.Supervised s = ItSupport.supervised(tmp, Map.of("examples/graphs/fan-out-fan-in.json", graph),
                     Map.of("MESH_MODEL_URL", server.baseUrl()))) {
            assertThat(mesh(s, "team", "catalog", "--query", "review synthesis")).contains("package:synthesizer").contains("package:reviewer");
            String started = mesh(s, "team", "start", "examples/graphs/fan-out-fan-in.json");
            assertThat(started).contains("started agent_team run r1").contains("4 step(s)").contains("sinks synthesize");
            String status = "";
            for (int i = 0; i < 10 && !status.contains("run r1 succeeded"); i++) {
                status = mesh(s, "team", "status", "r1", "--wait", "30");
                assertThat(status).containsPattern("wait: (material|terminal|timeout)");
            }
            assertThat(status).contains("run r1 succeeded").contains("4/4 steps ended").contains("synthesize  succeeded  package:synthesizer");
            assertThat(mesh(s, "team", "result", "r1", "synthesize", "--preview")).contains("synthesize: all three lanes are sound.")
                    .contains(".mesh/team/r1/synthesize.md");
            var late = ItSupport.mesh(s.repo(), s.env(), Duration.ofSeconds(60), "team", "message", "r1", "map-code", "also check src/legacy");
            assertThat(late.out() + late.err()).contains("denied").contains("the run is succeeded");
            assertThat(mesh(s, "team", "cancel", "r1")).contains("run r1 is succeeded");
            assertThat(mesh(s, "team", "cleanup", "r1")).contains("cleaned up run r1");
            assertThat(mesh(s, "team", "status")).contains("no agent_team runs in this project");
        }
    }

    private static String mesh(ItSupport.Supervised s, String... args) throws Exception {
        var r = ItSupport.mesh(s.repo(), s.env(), Duration.ofSeconds(120), args);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return r.out();
    }
}
