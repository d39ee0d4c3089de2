package dev.agentmesh.cli;

import dev.agentmesh.api.PiMessengerSchema;
import dev.agentmesh.model.Script;
import dev.agentmesh.model.ScriptedModelServer;
import dev.agentmesh.runtime.AgentSession;
import dev.agentmesh.runtime.Capability;
import dev.agentmesh.runtime.ModelRef;
import dev.agentmesh.runtime.AgentSpec;
import dev.agentmesh.runtime.RunResult;
import dev.agentmesh.runtimes.pi.PiRuntime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Real pi with agentmesh's extension, against a real supervisor ({@code bin/mesh serve}, stopped by pid) and the
 * scripted model server: a message sent with {@code mesh send} reaches the agent without it calling inbox, as a
 * steering message while it works and as a new turn while it is idle; and its edit of a file another agent holds
 * is refused by the extension, naming the holder.
 */
class PiOnTheMeshIT {
    private static final String SCRIPT = """
            rules:
              - match: "[busy] work a while"
                steps:
                  - tool: bash
                    args: {command: "sleep 4; echo slept"}
                  - text: "worked"
              - match: ["[mesh] message", "from Boss: change of plan"]
                steps:
                  - text: "heard the change of plan"
              - match: ["[mesh] message", "from Boss: wake up"]
                steps:
                  - text: "awake and on it"
              - match: "[edit] write the held file"
                steps:
                  - tool: write
                    args: {path: src/held.js, content: "overwritten"}
                  - text: "tried"
              - match: "[installed] join, then write the held file"
                steps:
                  - tool: pi_messenger
                    args: {action: join, name: Piper}
                  - tool: write
                    args: {path: src/held.js, content: "overwritten"}
                  - text: "tried"
              - match: "[idle] say hi"
                steps:
                  - text: "hi"
            """;

    @TempDir
    Path tmp;
    private Path repo;
    private Path store;
    private Map<String, String> env;
    private Process supervisor;
    private String workerToken;

    @BeforeEach
    void aSupervisedProjectWithBossAndWorker() throws Exception {
        var s = ItSupport.supervised(tmp, Map.of("src/held.js", "original\n"));
        repo = s.repo();
        store = s.store();
        env = s.env();
        supervisor = s.supervisor();
        mesh("join", "--name", "Boss");
        // the worker's token, as a launcher hands it to the agent it started (MESH_AGENT_TOKEN)
        workerToken = dev.agentmesh.api.Json.MAPPER.readTree(mesh("join", "--name", "Worker", "--json")).path("token").asString();
        mesh("reserve", "src/held.js", "--reason", "Boss is refactoring it", "--as", "Boss");
    }

    @AfterEach
    void stopSupervisor() throws Exception {
        ItSupport.stopByPid(supervisor);
    }

    private AgentSession launch(ScriptedModelServer server) {
        Path pi = PiRuntime.locateOrInstall(System.getenv(), line -> { });
        Path agentDir = PiRuntime.writeLocalModelConfig(tmp.resolve("pi-agent"), server.baseUrl());
        Map<String, String> meshEnv = new HashMap<>();
        meshEnv.put("MESH_CMD", "[\"" + ItSupport.repoRoot().resolve("bin/mesh") + "\"]");
        meshEnv.put("MESH_STORE", store.toString());
        meshEnv.put("MESH_PROJECT", repo.toString());
        meshEnv.put("MESH_AGENT", "Worker");
        meshEnv.put("MESH_AGENT_TOKEN", workerToken);
        PiRuntime runtime = PiRuntime.create(pi, agentDir, tmp.resolve("ext"), PiMessengerSchema.descriptor(), dev.agentmesh.server.mcp.AgentTeamTool.descriptor(), meshEnv);
        return runtime.launch(new AgentSpec("Worker", "worker", ModelRef.parse("mesh/scripted:off"), null, Capability.ALL, repo,
                Map.of(), tmp.resolve("worker.jsonl")));
    }

    @Test
    void aMessageSteersTheWorkingAgentAndWakesTheIdleOne() throws Exception {
        try (ScriptedModelServer server = ScriptedModelServer.start(Script.parse(SCRIPT, "pi-mesh-it"), 0);
             AgentSession agent = launch(server)) {
            agent.prompt("[busy] work a while");
            await().atMost(Duration.ofSeconds(60)).until(() -> agent.progress().toolCalls() == 1);
            mesh("send", "Worker", "change of plan", "--as", "Boss");

            RunResult busy = agent.awaitEnd(Duration.ofSeconds(60));
            assertThat(busy.ok()).as(String.valueOf(busy.error())).isTrue();
            assertThat(busy.finalText()).as("the steer reached the agent after its running tool").isEqualTo("heard the change of plan");

            long idleSince = agent.progress().lastActivity();
            mesh("send", "Worker", "wake up", "--as", "Boss");
            await().atMost(Duration.ofSeconds(60)).until(() -> agent.progress().lastActivity() > idleSince);
            RunResult idle = agent.awaitEnd(Duration.ofSeconds(60));
            assertThat(idle.ok()).as(String.valueOf(idle.error())).isTrue();
            assertThat(idle.finalText()).as("the idle agent was woken by the message").isEqualTo("awake and on it");
            assertThat(mesh("inbox", "--as", "Worker")).as("both were pushed by the stream and acknowledged by the extension").isEqualTo("no new messages\n");
        }
    }

    @Test
    void anEditOfAFileAnotherAgentHoldsIsRefusedNamingTheHolder() throws Exception {
        try (ScriptedModelServer server = ScriptedModelServer.start(Script.parse(SCRIPT, "pi-mesh-it"), 0);
             AgentSession agent = launch(server)) {
            agent.prompt("[edit] write the held file");
            RunResult r = agent.awaitEnd(Duration.ofSeconds(90));

            assertThat(r.ok()).as(String.valueOf(r.error())).isTrue();
            assertThat(Files.readString(repo.resolve("src/held.js"))).isEqualTo("original\n");
            assertThat(Files.readString(tmp.resolve("worker.jsonl"))).as("the tool result the model was given")
                    .contains("mesh: src/held.js is reserved by Boss (src/held.js) since")
                    .contains("Boss is refactoring it");
        }
    }

    @Test
    void aPersonsPiSetUpWithMeshInstallLoadsTheExtensionAndIsRefusedTheHeldFile() throws Exception {
        try (ScriptedModelServer server = ScriptedModelServer.start(Script.parse(SCRIPT, "pi-mesh-it"), 0)) {
            Path agentDir = PiRuntime.writeLocalModelConfig(tmp.resolve("pi-home"), server.baseUrl());
            Map<String, String> piEnv = new HashMap<>(env);
            piEnv.put("PI_CODING_AGENT_DIR", agentDir.toString());
            var installed = ItSupport.mesh(repo, piEnv, Duration.ofSeconds(60), "install", "pi");
            assertThat(installed.out()).as(installed.err()).isEqualTo(agentDir.resolve("extensions/agentmesh.ts") + ": wrote the agentmesh extension\n");
            assertThat(ItSupport.mesh(repo, piEnv, Duration.ofSeconds(60), "install", "pi").out()).endsWith("agentmesh.ts: unchanged\n");

            // pi as a person starts it: no -e, the extension comes from its extensions folder
            Path pi = PiRuntime.locateOrInstall(System.getenv(), line -> { });
            ProcessBuilder pb = new ProcessBuilder(pi.toString(), "-p", "--mode", "json", "--provider", "mesh", "--model", "scripted",
                    "[installed] join, then write the held file").directory(repo.toFile()).redirectErrorStream(true)
                    .redirectOutput(tmp.resolve("pi.jsonl").toFile());
            pb.environment().putAll(piEnv);
            pb.environment().put("PI_OFFLINE", "1");
            Process p = pb.start();
            p.getOutputStream().close();
            assertThat(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            String out = Files.readString(tmp.resolve("pi.jsonl"));
            assertThat(p.exitValue()).as(out).isZero();
            assertThat(Files.readString(repo.resolve("src/held.js"))).isEqualTo("original\n");
            assertThat(out).contains("mesh: src/held.js is reserved by Boss (src/held.js) since");
            assertThat(mesh("list", "--all")).containsPattern("Piper.*pi");

            assertThat(ItSupport.mesh(repo, piEnv, Duration.ofSeconds(60), "install", "--remove", "pi").out()).endsWith("agentmesh.ts: removed\n");
            assertThat(agentDir.resolve("extensions/agentmesh.ts")).doesNotExist();
        }
    }

    private String mesh(String... args) throws Exception {
        var r = ItSupport.mesh(repo, env, Duration.ofSeconds(90), args);
        assertThat(r.exitCode()).as("mesh %s: %s", String.join(" ", args), r.err()).isZero();
        return r.out();
    }
}
