package dev.agentmesh.cli;

import dev.agentmesh.api.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code mesh agents ...} and {@code mesh data ...} as a user types them (issue 6, parts 2 and 3; seed 003), against a
 * real supervisor hosting an agent on the plain command runtime (a shell script reading its prompt on stdin): spawn,
 * assign, logs, list, kill, resume with a task, export of seed 003's subagents.json, delete, delete session; and the
 * corpus of that session under the data policy.
 */
class AgentsCliIT {
    @TempDir
    Path tmp;

    @Test
    void theRegistryFromTheTerminal() throws Exception {
        // an echo; told to go rogue, it tries to wipe the corpus as itself (its name and token are in its environment)
        String mesh = ItSupport.repoRoot().resolve("bin/mesh").toString();
        String script = "read -r line; case \"$line\" in *rogue*) '" + mesh + "' tool pi_messenger '{\"action\":\"data.retention\",\"days\":0}' 2>&1;;"
                + " *) echo \"echo: $line\";; esac";
        String argv = Json.MAPPER.writeValueAsString(java.util.List.of("sh", "-c", script));
        try (ItSupport.Supervised s = ItSupport.supervised(tmp, Map.of(".mesh/config.json", "{\"data\": {\"training\": true}}\n"),
                Map.of("MESH_COMMAND_ARGV", argv))) {
            assertThat(mesh(s, "data", "session", "production", "--project", "demo")).contains("production_work");
            assertThat(mesh(s, "agents", "spawn", "Echo", "--runtime", "command", "--session", "s1")).contains("spawned: Echo (command").contains("idle");
            assertThat(mesh(s, "agents", "spawn", "Echo2", "--runtime", "command", "--session", "s2")).contains("idle");
            assertThat(mesh(s, "agents", "assign", "Echo", "say hello", "-w", "greetings")).contains("assigned: Echo");
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
                    mesh(s, "agents", "logs", "Echo").contains("echo: [assignment greetings] say hello"));
            await().atMost(Duration.ofSeconds(30)).until(() -> mesh(s, "agents", "check", "Echo").contains("idle"));
            assertThat(mesh(s, "agents", "list")).containsPattern("Echo +command +\\(default\\) +idle").contains("Echo2");

            assertThat(mesh(s, "agents", "kill", "Echo")).contains("stopped");
            assertThat(mesh(s, "agents", "resume", "Echo", "say it again")).contains("resumed and assigned");
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
                    mesh(s, "agents", "logs", "Echo").contains("echo: [assignment] say it again"));

            assertThat(mesh(s, "agents", "export", "--session", "s1")).contains("wrote 1 agent(s) of session 's1'");
            JsonNode registry = Json.MAPPER.readTree(Files.readString(s.repo().resolve(".mesh/subagents.json")));
            assertThat(registry.path("session").asString()).isEqualTo("s1");
            assertThat(registry.path("agents")).hasSize(1);
            JsonNode echo = registry.path("agents").get(0);
            assertThat(echo.path("name").asString()).isEqualTo("Echo");
            assertThat(echo.path("type").asString()).isEqualTo("command");
            assertThat(echo.path("status").asString()).isEqualTo("running");
            assertThat(echo.path("id").asString()).isNotBlank();
            assertThat(echo.path("created").asString()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");

            assertThat(mesh(s, "data", "stats")).contains("production_work: 2 conversation(s)");
            assertThat(mesh(s, "data", "export", "--project", "demo")).as("data.training puts the project on the allow-list")
                    .contains("exported 2 conversation(s)");
            var outside = ItSupport.mesh(s.repo(), s.env(), Duration.ofSeconds(60), "data", "export", "--out", "src/stolen.jsonl");
            assertThat(outside.exitCode()).isEqualTo(2);
            assertThat(outside.err()).contains("is outside " + s.repo().resolve(".mesh"));
            assertThat(java.nio.file.Files.getPosixFilePermissions(s.repo().resolve(".mesh/data/exports/demo.jsonl")))
                    .as("exports are the owner's only").containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                            java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
            java.util.List<String> lines = Files.readAllLines(s.repo().resolve(".mesh/data/exports/demo.jsonl"));
            assertThat(lines).hasSize(2);
            JsonNode first = Json.MAPPER.readTree(lines.getFirst());
            assertThat(first.path("messages").get(0).path("role").asString()).isEqualTo("system");
            assertThat(first.path("messages").toString()).contains("say hello").contains("echo: [assignment greetings] say hello");

            mesh(s, "agents", "assign", "Echo2", "go rogue");
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
                    mesh(s, "agents", "logs", "Echo2").contains("may not call it"));
            assertThat(mesh(s, "agents", "logs", "Echo2")).as("a spawned agent cannot change the data policy")
                    .contains("data.retention is for whoever runs the agents; Echo2 is a spawned agent and may not call it");
            assertThat(mesh(s, "data", "stats")).contains("production_work: 3 conversation(s)");

            assertThat(mesh(s, "agents", "delete", "session", "s2")).contains("deleted 1 agent(s) of session 's2': Echo2");
            assertThat(mesh(s, "agents", "delete", "Echo")).contains("deleted Echo");
            assertThat(mesh(s, "agents", "list")).contains("no spawned agents");
            var bad = ItSupport.mesh(s.repo(), s.env(), Duration.ofSeconds(60), "agents", "resume", "Echo");
            assertThat(bad.exitCode()).isEqualTo(2);
            assertThat(bad.err()).contains("no spawned agent is named 'Echo'");
            assertThat(ItSupport.processesIn(s.repo())).as("no agent process left").allMatch(p -> p.startsWith(s.supervisor().pid() + " "));
        }
    }

    private static String mesh(ItSupport.Supervised s, String... args) throws Exception {
        var r = ItSupport.mesh(s.repo(), s.env(), Duration.ofSeconds(60), args);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return r.out();
    }
}
