package dev.agentmesh.cli;

import dev.agentmesh.api.Json;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code mesh smoke} (issue 6, part 6) as a user runs it: seed 000's deterministic smoke test verbatim against real
 * pi, Claude Code and Codex (pinned npm versions from the test cache) and the scripted model server; every expected
 * outcome of the seed passes, and nothing is left running.
 */
class SmokeIT {

    @ParameterizedTest(name = "--runtime {0}")
    @ValueSource(strings = {"pi", "claude", "codex"})
    void theSeedSmokeTestPassesOnEveryRuntime(String runtime, @TempDir Path tmp) throws Exception {
        var env = ItSupport.env(null);
        env.remove("MESH_SERVE");
        if (runtime.equals("claude")) {
            env.put("MESH_CLAUDE", ItSupport.npmTool("@anthropic-ai/claude-code", ClaudeOnTheMeshIT.CLAUDE_CODE, "claude").toString());
        }
        if (runtime.equals("codex")) {
            env.put("MESH_CODEX", ItSupport.npmTool("@openai/codex", CodexOnTheMeshIT.CODEX, "codex").toString());
        }
        Path dir = tmp.resolve("smoke");
        ItSupport.Result r = ItSupport.mesh(tmp, env, Duration.ofMinutes(8), "smoke", "--runtime", runtime, "--dir", dir.toString(), "--json");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        JsonNode result = Json.MAPPER.readTree(r.out());
        assertThat(result.path("passed").asBoolean()).as(r.toString()).isTrue();
        assertThat(result.path("outcomes")).extracting(o -> o.path("outcome").asString()).containsExactly(
                "spawn reaches idle",
                "assignment moves the agent to assigned",
                "the agent reports agents.done",
                "the DM exchange appears in the feed and the logs",
                "respawn succeeds with the same agent name",
                "the second assignment shows recalled memory",
                "data.stats shows the smoke activity apart from production training data");
        assertThat(result.path("outcomes")).allSatisfy(o -> assertThat(o.path("ok").asBoolean()).as(o.toString()).isTrue());
        assertThat(r.err()).as("progress goes to stderr with --json").contains("ok    spawn reaches idle");
        assertThat(ItSupport.processesIn(dir)).as("no agent or supervisor left").isEmpty();
    }
}
