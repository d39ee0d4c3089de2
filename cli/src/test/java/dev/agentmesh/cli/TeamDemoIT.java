package dev.agentmesh.cli;

import dev.agentmesh.api.Json;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code mesh demo --team} (issue 7's done line) as a user runs it, on real pi, Claude Code and Codex (pinned npm
 * versions from the test cache) and the scripted model server: a lead agent starts the bundled fan-out/fan-in graph
 * through its own {@code agent_team} tool, the forbidden command and write of the probe are refused, the synthesizer
 * merges the finals, the artifacts are there, and nothing is left running.
 */
class TeamDemoIT {

    @ParameterizedTest(name = "--runtime {0}")
    @ValueSource(strings = {"pi", "claude", "codex"})
    void theTeamDemoPassesOnEveryRuntime(String runtime, @TempDir Path tmp) throws Exception {
        var env = ItSupport.env(null);
        env.remove("MESH_SERVE");
        env.putAll(TeamIT.cliEnv(runtime));
        Path dir = tmp.resolve("team-demo");
        ItSupport.Result r = ItSupport.mesh(tmp, env, Duration.ofMinutes(8), "demo", "--team", "--runtime", runtime, "--dir", dir.toString(), "--json");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        JsonNode result = Json.MAPPER.readTree(r.out());
        assertThat(result.path("passed").asBoolean()).as(r.toString()).isTrue();
        assertThat(result.path("checks")).extracting(c -> c.path("check").asString()).containsExactly(
                "the lead started the graph through its own agent_team tool",
                "the run succeeded: three helpers fanned out and the synthesizer merged their finals",
                "the probe's command and write were refused by the graph's read-only authority",
                "the lead got the run's terminal notice as a mesh message");
        assertThat(result.at("/run/steps")).extracting(s -> s.path("runtime").asString()).containsOnly(runtime);
        assertThat(dir.resolve("probe.txt")).doesNotExist();
        assertThat(Files.readString(dir.resolve(".mesh/team/r1/synthesize.md"))).startsWith("synthesize:");
        JsonNode manifest = Json.MAPPER.readTree(Files.readString(dir.resolve(".mesh/team/r1/manifest.json")));
        assertThat(manifest.path("status").asString()).isEqualTo("succeeded");
        assertThat(manifest.at("/steps/3/upstream")).hasSize(3);
        assertThat(r.err()).as("progress goes to stderr with --json").contains("synthesize: the code is three stubs");
        assertThat(ItSupport.processesIn(dir)).as("no agent or supervisor left").isEmpty();
    }
}
