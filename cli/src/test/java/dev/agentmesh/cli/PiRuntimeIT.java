package dev.agentmesh.cli;

import dev.agentmesh.model.Script;
import dev.agentmesh.model.ScriptedModelServer;
import dev.agentmesh.runtime.AgentEvent;
import dev.agentmesh.runtime.AgentSession;
import dev.agentmesh.runtime.Capability;
import dev.agentmesh.runtime.ModelRef;
import dev.agentmesh.runtime.AgentSpec;
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
import static org.assertj.core.api.Assertions.assertThatThrownBy;
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
              - match: "[remember] the word is PLUM"
                steps:
                  - text: "noted"
              - match: "[recall] the word"
                steps:
                  - text: "it was PLUM"
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
        return PiRuntime.create(pi, agentDir, tmp.resolve("ext"), dev.agentmesh.api.PiMessengerSchema.descriptor(), dev.agentmesh.server.mcp.AgentTeamTool.descriptor(), Map.of("MESH_CMD", "[\"false\"]"));
    }

    private static AgentSpec spec(Path cwd) {
        return new AgentSpec("Tester", null, ModelRef.parse("mesh/scripted:off"), null,
                java.util.Set.of(Capability.READ, Capability.SHELL), cwd, Map.of(), null);
    }

    @Test
    void aSteeringMessageIsHandledAfterTheRunningToolAndEndsTheRun() throws Exception {
        try (ScriptedModelServer server = ScriptedModelServer.start(Script.parse(SCRIPT, "pi-it"), 0);
             AgentSession agent = runtime(server.baseUrl()).launch(spec(work))) {
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
             AgentSession agent = runtime(server.baseUrl()).launch(spec(work))) {
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
            AgentSession agent = runtime(server.baseUrl()).launch(spec(work));
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
                AgentSession agent = runtime.launch(spec(work));
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
        try (AgentSession agent = runtime("http://127.0.0.1:" + port + "/v1").launch(spec(work))) {
            long t0 = System.currentTimeMillis();
            agent.prompt("[slow] anyone there?");

            RunResult r = agent.awaitEnd(Duration.ofSeconds(60));

            assertThat(r.ok()).isFalse();
            assertThat(r.error()).startsWith("model error: ").containsIgnoringCase("connection");
            assertThat(System.currentTimeMillis() - t0).as("no retries").isLessThan(20_000);
        }
    }

    @Test
    void eventsAndStatesFollowATurnAndAResumedSessionCarriesItsHistory() throws Exception {
        try (ScriptedModelServer server = ScriptedModelServer.start(Script.parse(SCRIPT, "pi-it"), 0)) {
            PiRuntime runtime = runtime(server.baseUrl()).withSessions(tmp.resolve("sessions"));
            List<AgentEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
            String id;
            try (AgentSession agent = runtime.launch(spec(work))) {
                assertThat(agent.state()).isEqualTo(AgentSession.State.IDLE);
                assertThat(agent.sessionId()).as("pi's own session id").matches("[0-9a-f-]{36}");
                agent.subscribe(events::add);
                agent.prompt("[slow] the first job");
                assertThat(agent.state()).isEqualTo(AgentSession.State.WORKING);
                assertThat(agent.awaitEnd(Duration.ofSeconds(60)).ok()).isTrue();
                assertThat(agent.state()).isEqualTo(AgentSession.State.IDLE);
                agent.steer("[remember] the word is PLUM");
                assertThat(agent.awaitEnd(Duration.ofSeconds(60)).finalText()).as("a steer to an idle agent is a new turn").isEqualTo("noted");
                id = agent.sessionId();
            }
            assertThat(events).extracting(e -> e.getClass().getSimpleName()).containsSubsequence("TurnStarted",
                    "ToolCallStarted", "ToolCallEnded", "Usage", "Text", "TurnEnded", "TurnStarted", "TurnEnded", "StateChanged");
            assertThat(events.getLast()).isEqualTo(events.stream().filter(e -> e instanceof AgentEvent.StateChanged).reduce((a, b) -> b).orElseThrow());
            assertThat(((AgentEvent.StateChanged) events.getLast()).state()).isEqualTo(AgentSession.State.STOPPED);

            try (AgentSession again = runtime.resume(spec(work), id)) {
                assertThat(again.sessionId()).isEqualTo(id);
                again.prompt("[recall] the word");
                assertThat(again.awaitEnd(Duration.ofSeconds(60)).finalText()).isEqualTo("it was PLUM");
            }
            assertThat(server.recentRequests().getLast()).as("the resumed session sent its history to the model")
                    .contains("the word is PLUM").contains("the first job");
        }
    }

    @Test
    void resumeRefusesWhatIsNotAPiSession() throws Exception {
        try (ScriptedModelServer server = ScriptedModelServer.start(Script.parse(SCRIPT, "pi-it"), 0)) {
            PiRuntime runtime = runtime(server.baseUrl());
            assertThatThrownBy(() -> runtime.resume(spec(work), "x")).hasMessage("this pi runtime runs without sessions (--no-session); nothing to resume");
            assertThatThrownBy(() -> runtime.withSessions(tmp.resolve("s")).resume(spec(work), "../../etc/passwd"))
                    .hasMessage("'../../etc/passwd' is not a pi session id");
        }
    }
}
