package dev.agentmesh.cli;

import dev.agentmesh.model.Script;
import dev.agentmesh.model.ScriptedModelServer;
import dev.agentmesh.runtime.AgentProcess;
import dev.agentmesh.runtime.LaunchSpec;
import dev.agentmesh.runtime.RunResult;
import dev.agentmesh.runtimes.pi.PiRuntime;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The pi runtime adapter against real pi and the scripted model server: steer, follow-up, timeout, model errors. */
class PiRuntimeIT {
    private static final String SCRIPT = """
            rules:
              - match: "[slow]"
                steps:
                  - tool: bash
                    args: {command: "sleep 3; echo slept"}
                  - text: "first answer"
              - match: "[steer] change course"
                steps:
                  - text: "steered"
              - match: "[follow] one more thing"
                steps:
                  - text: "followed up"
              - match: "[detach]"
                steps:
                  - tool: bash
                    args: {command: "setsid sleep 121 > /dev/null 2>&1 & nohup sleep 122 > /dev/null 2>&1 & sleep 120"}
                  - text: "never"
              - match: "[stuck]"
                steps:
                  - tool: bash
                    args: {command: "sleep 60"}
                  - text: "never"
            """;

    @TempDir
    Path tmp;
    Path work;

    @BeforeEach
    void work() throws Exception {
        work = Files.createDirectories(tmp.resolve("work"));
    }

    private PiRuntime runtime(String baseUrl) {
        Path pi = PiRuntime.locateOrInstall(System.getenv(), line -> { });
        Path agentDir = PiRuntime.writeLocalModelConfig(tmp.resolve("pi-agent"), baseUrl);
        return PiRuntime.create(pi, agentDir, tmp.resolve("ext"), dev.agentmesh.api.PiMessengerSchema.descriptor(), Map.of("MESH_CMD", "[\"false\"]"));
    }

    private static LaunchSpec spec(Path cwd) {
        return new LaunchSpec("Tester", cwd, "mesh", "scripted", "off", List.of("read", "bash"), null, Map.of(), null);
    }

    @Test
    void aSteeringMessageIsHandledAfterTheRunningToolAndEndsTheRun() throws Exception {
        try (ScriptedModelServer server = ScriptedModelServer.start(Script.parse(SCRIPT, "pi-it"), 0);
             AgentProcess agent = runtime(server.baseUrl()).launch(spec(work))) {
            agent.prompt("[slow] please work");
            await().atMost(Duration.ofSeconds(30)).until(() -> agent.progress().toolCalls() == 1);
            agent.steer("[steer] change course");

            RunResult r = agent.awaitEnd(Duration.ofSeconds(60));

            assertThat(r.ok()).as(String.valueOf(r.error())).isTrue();
            assertThat(r.finalText()).isEqualTo("steered");
            assertThat(r.progress().lastTool()).isEqualTo("bash");
            assertThat(r.progress().outputTokens()).isPositive();
        }
    }

    @Test
    void aFollowUpRunsWhenTheAgentWouldStop() throws Exception {
        try (ScriptedModelServer server = ScriptedModelServer.start(Script.parse(SCRIPT, "pi-it"), 0);
             AgentProcess agent = runtime(server.baseUrl()).launch(spec(work))) {
            agent.prompt("[slow] please work");
            agent.followUp("[follow] one more thing");

            RunResult r = agent.awaitEnd(Duration.ofSeconds(60));

            assertThat(r.ok()).as(String.valueOf(r.error())).isTrue();
            assertThat(r.finalText()).isEqualTo("followed up");
        }
    }

    @Test
    void aRunPastItsTimeoutIsAbortedAndClosingLeavesNoProcess() throws Exception {
        try (ScriptedModelServer server = ScriptedModelServer.start(Script.parse(SCRIPT, "pi-it"), 0)) {
            AgentProcess agent = runtime(server.baseUrl()).launch(spec(work));
            agent.prompt("[stuck] wait forever");
            await().atMost(Duration.ofSeconds(30)).until(() -> agent.progress().toolCalls() == 1);

            RunResult r = agent.awaitEnd(Duration.ofSeconds(2));
            agent.close();

            assertThat(r.ok()).isFalse();
            assertThat(r.error()).isEqualTo("timed out after 2 s");
            assertThat(agent.alive()).isFalse();
            await().atMost(Duration.ofSeconds(5)).until(() -> ItSupport.processesIn(work).isEmpty());
        }
    }

    @Test
    void twentyStopsDuringAToolThatDetachesChildrenLeaveNoProcess() throws Exception {
        try (ScriptedModelServer server = ScriptedModelServer.start(Script.parse(SCRIPT, "pi-it"), 0)) {
            PiRuntime runtime = runtime(server.baseUrl());
            for (int i = 0; i < 20; i++) {
                AgentProcess agent = runtime.launch(spec(work));
                agent.prompt("[detach] start things and wait");
                await().atMost(Duration.ofSeconds(30)).until(() -> agent.progress().toolCalls() == 1);
                // the tool's processes may still be starting: stop at once, as Ctrl-C does
                agent.close();
                assertThat(ItSupport.processesIn(work)).as("processes left after stop %d", i + 1).isEmpty();
            }
        }
    }

    @Test
    void anUnreachableModelEndsTheRunWithTheErrorAtOnce() throws Exception {
        int port;
        try (var socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        try (AgentProcess agent = runtime("http://127.0.0.1:" + port + "/v1").launch(spec(work))) {
            long t0 = System.currentTimeMillis();
            agent.prompt("[slow] anyone there?");

            RunResult r = agent.awaitEnd(Duration.ofSeconds(60));

            assertThat(r.ok()).isFalse();
            assertThat(r.error()).startsWith("model error: ").containsIgnoringCase("connection");
            assertThat(System.currentTimeMillis() - t0).as("no retries").isLessThan(20_000);
        }
    }
}
