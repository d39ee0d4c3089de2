package dev.agentmesh.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code mesh orchestrator ...} and the role, circle and description actions as a user types them (issue 8), against a
 * real supervisor: the workspace init that keeps edits, personas, a refused second claim, an observer, a forced
 * takeover the previous orchestrator hears of, a description in the status, circles in list and send, and the role
 * ending when its agent leaves.
 */
class OrchestratorCliIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path tmp;

    @Test
    void theOrchestratorCommandsThroughTheSupervisor() throws Exception {
        try (ItSupport.Supervised s = ItSupport.supervised(tmp, Map.of("README.md", "# demo\n"))) {
            Path ws = s.repo().resolve(".mesh/orchestrator");
            assertThat(ok(s, s.env(), "orchestrator", "init")).startsWith("orchestrator workspace " + ws + ": 21 created, 0 kept");
            assertThat(Files.readString(ws.resolve("AGENTS.md"))).contains("@SOUL.md").contains("Order of authority");
            Files.writeString(ws.resolve("comms.md"), "mine\n");
            assertThat(ok(s, s.env(), "orchestrator", "init")).contains("0 created, 21 kept").contains("comms.md");
            assertThat(Files.readString(ws.resolve("comms.md"))).isEqualTo("mine\n");
            assertThat(ok(s, s.env(), "orchestrator", "persona", "use", "quiet")).startsWith("SOUL.md -> personas/quiet.md (was default)");
            assertThat(ok(s, s.env(), "orchestrator", "persona", "list")).contains("* quiet").contains("  default");
            var escape = ItSupport.mesh(s.repo(), s.env(), Duration.ofSeconds(60), "orchestrator", "persona", "use", "../../etc/passwd");
            assertThat(escape.exitCode()).as(escape.toString()).isEqualTo(2);
            assertThat(escape.err()).isEqualTo("mesh: '../../etc/passwd' is not a persona name (a letter or digit, then letters, digits,"
                    + " _ or -); the personas are: default, quiet, reviewer\n");

            Map<String, String> olga = joined(s, "Olga", null);
            Map<String, String> pete = joined(s, "Pete", null);
            Map<String, String> fe = joined(s, "Fe", "frontend");
            Map<String, String> be = joined(s, "Be", "backend");
            assertThat(ok(s, olga, "orchestrator", "claim")).startsWith("Olga is the orchestrator of the whole project since ");
            var refused = ItSupport.mesh(s.repo(), pete, Duration.ofSeconds(60), "orchestrator", "claim");
            assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(3);
            assertThat(refused.err()).startsWith("mesh: Olga is the orchestrator of the whole project since ")
                    .contains("take over with force").contains("stale (no heartbeat for 300 s)").hasLineCount(1);
            assertThat(ok(s, pete, "orchestrator", "claim", "--observer")).isEqualTo("Pete observes the whole project; its orchestrator is Olga\n");
            JsonNode st = JSON.readTree(ok(s, fe, "orchestrator", "status", "--json"));
            assertThat(st.path("name").asString()).isEqualTo("Olga");
            assertThat(st.path("asked").asString()).isEqualTo("frontend");
            assertThat(st.path("stale").asBoolean()).isFalse();
            assertThat(st.path("stalenessSeconds").asInt()).isEqualTo(300);

            assertThat(ok(s, pete, "orchestrator", "claim", "--force")).contains("took over from Olga (force), who was told");
            assertThat(ok(s, olga, "inbox")).contains("you are no longer the orchestrator of the whole project: Pete took the role over (force)");
            ok(s, pete, "tool", "pi_messenger", "{\"action\":\"set_description\",\"description\":\"draining the review queue\",\"ttl_seconds\":600}");
            assertThat(ok(s, fe, "orchestrator", "status")).contains("Pete orchestrates the whole project (circle frontend has none of its own)")
                    .contains("working on: draining the review queue");
            assertThat(ok(s, fe, "list")).contains("in circle frontend or in none").contains("Pete").contains("working on: draining the review queue")
                    .doesNotContain("Be ");
            var across = ItSupport.mesh(s.repo(), fe, Duration.ofSeconds(60), "send", "Be", "hello");
            assertThat(across.exitCode()).as(across.toString()).isEqualTo(2);
            assertThat(across.err()).startsWith("mesh: Be is in circle 'backend' and Fe in circle 'frontend'");
            assertThat(ok(s, be, "orchestrator", "claim")).startsWith("Be is the orchestrator of circle backend");

            ok(s, pete, "leave");
            assertThat(ok(s, fe, "orchestrator", "status")).isEqualTo("no orchestrator is present for circle frontend (nor for the whole project)\n");
            var bad = ItSupport.mesh(s.repo(), fe, Duration.ofSeconds(60), "orchestrator", "status", "--circle", "../x");
            assertThat(bad.exitCode()).isEqualTo(2);
            assertThat(bad.err()).startsWith("mesh: circle '../x' is invalid");
        }
    }

    /** @return the environment of an agent that joined (MESH_AGENT and its token), in {@code circle} through MESH_CIRCLE */
    private static Map<String, String> joined(ItSupport.Supervised s, String name, String circle) throws Exception {
        Map<String, String> env = new HashMap<>(s.env());
        if (circle != null) {
            env.put("MESH_CIRCLE", circle);
        }
        JsonNode j = JSON.readTree(ok(s, env, "join", "--name", name, "--json"));
        assertThat(j.path("circle").isNull() ? null : j.path("circle").asString()).isEqualTo(circle);
        env.remove("MESH_CIRCLE");
        env.put("MESH_AGENT", name);
        env.put("MESH_AGENT_TOKEN", j.path("token").asString());
        return env;
    }

    private static String ok(ItSupport.Supervised s, Map<String, String> env, String... args) throws Exception {
        var r = ItSupport.mesh(s.repo(), env, Duration.ofSeconds(120), args);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return r.out();
    }
}
