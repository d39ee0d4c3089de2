package dev.agentmesh.cli;

import dev.agentmesh.api.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code mesh demo --orchestrator} (issue 8's done line) as a user runs it, on real pi, Claude Code and Codex (pinned
 * npm versions from the test cache) and the scripted model server: the orchestrator asks, dispatches a durable job,
 * reviews through the queue, is woken by its cron, the dashboard shows it all, and nothing is left running.
 */
class OrchestratorDemoIT {

    @Test
    void theOrchestratorDemoShowsTheWholeLoopDashboardIncluded(@TempDir Path tmp) throws Exception {
        Map<String, String> env = new HashMap<>(ItSupport.env(null));
        env.remove("MESH_SERVE");
        env.putAll(TeamIT.cliEnv("claude"));
        env.putAll(TeamIT.cliEnv("codex"));
        Path dir = tmp.resolve("orchestrator-demo");
        ItSupport.Result r = ItSupport.mesh(tmp, env, Duration.ofMinutes(8), "demo", "--orchestrator", "--dir", dir.toString(), "--json");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        JsonNode result = Json.MAPPER.readTree(r.out());
        assertThat(result.path("passed").asBoolean()).as(r.toString()).isTrue();
        assertThat(result.path("checks")).extracting(c -> c.path("check").asString()).containsExactly(
                "Orch ran the loop and reported it done",
                "Orch holds the orchestrator role",
                "Scout acked Orch's ask with its answer, and Orch's wait_on_ack returned it",
                "Counter's job went queued, dispatching, delivered, running, completed, dispatched once",
                "Orch reviewed docs-fix, which Counter's job reported, through the review queue",
                "Orch's cron schedule woke it for a new turn, which deleted the schedule",
                "the dashboard shows the agents, the ask, the job and the schedule");
        assertThat(result.at("/job/result").asString()).startsWith("docs-fix adds a usage section");
        assertThat(result.at("/ask/reply").asString()).contains("slugify, wordCount and summarize");
        assertThat(r.err()).as("progress goes to stderr with --json").contains("/dashboard/login?code=");
        assertThat(ItSupport.processesIn(dir)).as("no agent or supervisor left").isEmpty();
    }
}
