package dev.agentmesh.cli;

import dev.agentmesh.model.Script;
import dev.agentmesh.model.ScriptedModelServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real Codex (pinned npm version, from the test cache) set up with {@code mesh install codex} as the README shows,
 * against a real supervisor and the scripted model server (OpenAI Responses): it joins through {@code mesh mcp},
 * and a message sent to it while its shell command runs is announced on its next {@code pi_messenger} result
 * (Codex has no hook that adds context, so that is how it learns of messages).
 */
class CodexOnTheMeshIT {
    static final String CODEX = "0.169.0";
    private static Path codex;

    @TempDir
    Path tmp;
    private Path repo;
    private Map<String, String> env;
    private Process supervisor;

    @BeforeAll
    static void installCodex() throws Exception {
        codex = ItSupport.npmTool("@openai/codex", CODEX, "codex");
    }

    @BeforeEach
    void aSupervisedProject() throws Exception {
        var s = ItSupport.supervised(tmp, Map.of());
        repo = s.repo();
        env = s.env();
        supervisor = s.supervisor();
        mesh(env, "join", "--name", "Boss");
    }

    @AfterEach
    void stopSupervisor() throws Exception {
        ItSupport.stopByPid(supervisor);
    }

    @Test
    void codexJoinsThroughMeshMcpAndIsToldOfAMessageOnItsNextResult() throws Exception {
        String script = """
                rules:
                  - match: "[codex] join, wait, then look at your status"
                    steps:
                      - tool: mcp__mesh__pi_messenger
                        args: {action: join, name: Cody}
                      - tool: exec_command
                        args: {cmd: "sleep 8; echo slept"}
                      - tool: mcp__mesh__pi_messenger
                        args: {action: status}
                      - text: "done"
                """;
        try (ScriptedModelServer server = ScriptedModelServer.start(Script.parse(script, "codex-mesh-it"), 0)) {
            Path home = Files.createDirectories(tmp.resolve("codex-home"));
            Files.writeString(home.resolve("config.toml"), """
                    model = "scripted"
                    model_provider = "local"
                    approval_policy = "never"
                    sandbox_mode = "danger-full-access"
                    [model_providers.local]
                    name = "local"
                    base_url = "%s"
                    wire_api = "responses"
                    env_key = "LOCAL_API_KEY"
                    request_max_retries = 0
                    stream_max_retries = 0
                    """.formatted(server.baseUrl()));
            Map<String, String> codexEnv = new HashMap<>(env);
            codexEnv.put("CODEX_HOME", home.toString());
            assertThat(mesh(codexEnv, "install", "codex")).isEqualTo(home.resolve("config.toml") + ": added [mcp_servers.mesh]\n");
            assertThat(mesh(codexEnv, "install", "codex")).endsWith("config.toml: unchanged\n");

            Path out = tmp.resolve("codex.jsonl");
            ProcessBuilder pb = new ProcessBuilder(codex.toString(), "exec", "--json", "--skip-git-repo-check",
                    "[codex] join, wait, then look at your status").directory(repo.toFile())
                    .redirectOutput(out.toFile()).redirectError(tmp.resolve("codex.err").toFile());
            pb.environment().putAll(codexEnv);
            pb.environment().putAll(Map.of("LOCAL_API_KEY", "any", "NO_PROXY", "127.0.0.1,localhost"));
            Process p = pb.start();
            p.getOutputStream().close();
            long deadline = System.currentTimeMillis() + 90_000;
            while (!mesh(env, "list").contains("Cody") && System.currentTimeMillis() < deadline && p.isAlive()) {
                Thread.sleep(200);
            }
            assertThat(mesh(env, "send", "Cody", "change of plan for codex")).startsWith("sent #1 to Cody");
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("codex finished").isTrue();
            String transcript = Files.readString(out);
            assertThat(p.exitValue()).as(transcript + Files.readString(tmp.resolve("codex.err"))).isZero();

            assertThat(transcript).contains("joined as Cody").contains("\"type\":\"agent_message\",\"text\":\"done\"");
            assertThat(transcript).as("its next mesh result told it of the message")
                    .contains("[mesh] 1 unread message(s) for Cody: call pi_messenger with action \\\"inbox\\\" to read them.");
            assertThat(mesh(env, "list", "--all")).containsPattern("Cody.*codex");

            assertThat(mesh(codexEnv, "install", "--remove", "codex")).contains("removed [mcp_servers.mesh]");
            assertThat(Files.readString(home.resolve("config.toml"))).as("the person's own settings stay")
                    .contains("model_provider = \"local\"").doesNotContain("mcp_servers");
        }
    }

    private String mesh(Map<String, String> e, String... args) throws Exception {
        var r = ItSupport.mesh(repo, e, Duration.ofSeconds(90), args);
        assertThat(r.exitCode()).as("mesh %s: %s", String.join(" ", args), r.err()).isZero();
        return r.out();
    }
}
