package dev.agentmesh.cli;

import dev.agentmesh.api.Json;
import dev.agentmesh.model.Script;
import dev.agentmesh.model.ScriptedModelServer;
import dev.agentmesh.runtime.AgentEvent;
import dev.agentmesh.runtime.AgentSession;
import dev.agentmesh.runtime.AgentSpec;
import dev.agentmesh.runtime.Capability;
import dev.agentmesh.runtime.ModelRef;
import dev.agentmesh.runtime.RunResult;
import dev.agentmesh.runtimes.codex.CodexRuntime;
import dev.agentmesh.server.RunFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The Codex runtime (issue 6, part 1) against real Codex (pinned npm version, from the test cache) over
 * {@code codex app-server}, the scripted model server (OpenAI Responses) and a real supervisor: typed events, a steer
 * into the running turn ({@code turn/steer}), a follow-up, an interrupt, resume by thread id, the mesh through the
 * supervisor's {@code /mcp} as the agent, approvals answered by agentmesh (a change of a held file declined and the
 * holder named to the model; no shell without the shell capability).
 */
class CodexRuntimeIT {
    private static final String SCRIPT = """
            rules:
              - match: "[work]"
                steps:
                  - mesh: {action: status}
                  - shell: "sleep 4; echo slept"
                  - text: "worked"
              - match: "[steer] also this"
                steps:
                  - text: "steered"
              - match: "[follow] then this"
                steps:
                  - text: "followed"
              - match: "[remember] the word is PLUM"
                steps:
                  - text: "noted"
              - match: "[recall] the word"
                steps:
                  - text: "it was PLUM"
              - match: "[slow]"
                steps:
                  - shell: "sleep 60"
                  - text: "never"
              - match: "[edit]"
                steps:
                  - write: {path: src/held.js, content: "overwritten\\n"}
                  - write: {path: src/free.js, content: "written\\n"}
                  - shell: "echo shell > FREE"
                  - text: "tried"
            """;
    private static Path codex;

    @TempDir
    Path tmp;
    private ItSupport.Supervised s;
    private String token;

    @BeforeAll
    static void installCodex() throws Exception {
        codex = ItSupport.npmTool("@openai/codex", CodexOnTheMeshIT.CODEX, "codex");
    }

    @BeforeEach
    void aSupervisedProjectWhereBossHoldsAFile() throws Exception {
        s = ItSupport.supervised(tmp, Map.of("src/held.js", "original\n"));
        mesh("join", "--name", "Boss");
        mesh("reserve", "src/held.js", "--reason", "Boss is refactoring it");
        token = Json.MAPPER.readTree(mesh("join", "--name", "Cody", "--json")).path("token").asString();
    }

    @AfterEach
    void stopSupervisor() throws Exception {
        s.close();
    }

    private String mesh(String... args) throws Exception {
        var r = ItSupport.mesh(s.repo(), s.env(), Duration.ofSeconds(60), args);
        assertThat(r.exitCode()).as(r.err()).isZero();
        return r.out();
    }

    private CodexRuntime runtime(ScriptedModelServer server, CodexRuntime.EditGuard guard) throws Exception {
        RunFile rf = RunFile.read(s.store()).orElseThrow();
        return CodexRuntime.create(codex, CodexRuntime.localModelEnv(server.baseUrl(), tmp.resolve("codex-home")),
                new dev.agentmesh.runtimes.MeshLink(s.store(), s.repo(), rf.url() + "/mcp", rf.secret(),
                        List.of(ItSupport.repoRoot().resolve("bin/mesh").toString())), guard);
    }

    private AgentSpec spec(Set<Capability> capabilities) {
        return new AgentSpec("Cody", "worker", ModelRef.parse("scripted"), null, capabilities, s.repo(),
                Map.of("MESH_AGENT_TOKEN", token), tmp.resolve("cody.jsonl"));
    }

    @Test
    void aTurnGivesTypedEventsTheMeshToolActsAsTheAgentAndASteerReachesTheTurn() throws Exception {
        try (ScriptedModelServer server = ScriptedModelServer.start(Script.parse(SCRIPT, "codex-rt"), 0);
             AgentSession agent = runtime(server, CodexRuntime.EditGuard.NONE).launch(spec(Capability.ALL))) {
            assertThat(agent.state()).isEqualTo(AgentSession.State.IDLE);
            assertThat(agent.sessionId()).matches("[0-9a-f-]{36}");
            String cmdline = Files.readString(Path.of("/proc/" + agent.pid() + "/cmdline"));
            assertThat(cmdline).as("the supervisor's secret and the agent's token stay off the command line")
                    .doesNotContain(RunFile.read(s.store()).orElseThrow().secret()).doesNotContain(token);
            List<AgentEvent> events = new CopyOnWriteArrayList<>();
            agent.subscribe(events::add);

            agent.prompt("[work] go");
            await().atMost(Duration.ofSeconds(60)).until(() -> "exec_command".equals(agent.progress().lastTool()));
            agent.steer("[steer] also this");
            RunResult r = agent.awaitEnd(Duration.ofSeconds(90));

            String transcript = Files.readString(tmp.resolve("cody.jsonl"));
            assertThat(r.ok()).as(r.error() + " " + transcript).isTrue();
            assertThat(r.finalText()).as("the steer reached the model in the running turn").isEqualTo("steered");
            assertThat(agent.state()).isEqualTo(AgentSession.State.IDLE);
            // the steer moves the turn on while the command still runs: its end is reported when the turn ends
            assertThat(events).extracting(e -> e.getClass().getSimpleName()).containsSubsequence("TurnStarted",
                    "ToolCallStarted", "ToolCallEnded", "ToolCallStarted", "Text", "TurnEnded").endsWith("TurnEnded");
            assertThat(events).filteredOn(e -> e instanceof AgentEvent.ToolCallEnded).extracting(e -> ((AgentEvent.ToolCallEnded) e).tool())
                    .containsExactly("mcp__mesh__pi_messenger", "exec_command");
            assertThat(r.progress().inputTokens()).isPositive();
            assertThat(transcript).as("the mesh tool answered as Cody, through /mcp")
                    .containsPattern("Cody.{0,12}present.{0,6}true");

            agent.prompt("[remember] the word is PLUM");
            agent.followUp("[follow] then this");
            RunResult followed = agent.awaitEnd(Duration.ofSeconds(60));
            assertThat(followed.finalText()).as("the follow-up ran before the turn ended").isEqualTo("followed");
        }
    }

    @Test
    void aResumedThreadCarriesItsHistoryAndAnInterruptEndsTheTurn() throws Exception {
        try (ScriptedModelServer server = ScriptedModelServer.start(Script.parse(SCRIPT, "codex-rt"), 0)) {
            CodexRuntime runtime = runtime(server, CodexRuntime.EditGuard.NONE);
            String id;
            try (AgentSession agent = runtime.launch(spec(Capability.ALL))) {
                agent.prompt("[remember] the word is PLUM");
                assertThat(agent.awaitEnd(Duration.ofSeconds(60)).finalText()).isEqualTo("noted");
                id = agent.sessionId();
            }
            try (AgentSession again = runtime.resume(spec(Capability.ALL), id)) {
                assertThat(again.sessionId()).isEqualTo(id);
                again.prompt("[recall] the word");
                assertThat(again.awaitEnd(Duration.ofSeconds(60)).finalText()).isEqualTo("it was PLUM");
                assertThat(server.recentRequests().getLast()).as("the history went to the model").contains("the word is PLUM");

                again.prompt("[slow] take your time");
                await().atMost(Duration.ofSeconds(60)).until(() -> "exec_command".equals(again.progress().lastTool()));
                long t0 = System.currentTimeMillis();
                again.interrupt();
                RunResult r = again.awaitEnd(Duration.ofSeconds(30));
                assertThat(r.ok()).isFalse();
                assertThat(System.currentTimeMillis() - t0).as("the turn ended at the interrupt, not after the tool").isLessThan(20_000);
                await().atMost(Duration.ofSeconds(10)).until(() -> again.state() == AgentSession.State.IDLE);
            }
            assertThatThrownBy(() -> runtime.resume(spec(Capability.ALL), "../x")).hasMessage("'../x' is not a Codex thread id");
            assertThatThrownBy(() -> runtime.resume(spec(Capability.ALL), "01a23395-0000-7000-8000-000000000000"))
                    .hasMessageStartingWith("Codex cannot resume thread '01a23395-0000-7000-8000-000000000000'");
        }
    }

    @Test
    void aChangeOfAHeldFileIsDeclinedWithTheHolderNamedAndNoShellWithoutTheCapability() throws Exception {
        List<List<String>> asked = new CopyOnWriteArrayList<>();
        CodexRuntime.EditGuard guard = (agent, cwd, paths) -> {
            asked.add(paths);
            return paths.stream().anyMatch(p -> p.endsWith("src/held.js"))
                    ? Optional.of("src/held.js is reserved by Boss: Boss is refactoring it") : Optional.empty();
        };
        try (ScriptedModelServer server = ScriptedModelServer.start(Script.parse(SCRIPT, "codex-rt"), 0);
             AgentSession agent = runtime(server, guard).launch(spec(Set.of(Capability.READ, Capability.WRITE, Capability.EDIT, Capability.MESH)))) {
            agent.prompt("[edit] change the held file");
            RunResult r = agent.awaitEnd(Duration.ofSeconds(90));
            String transcript = Files.readString(tmp.resolve("cody.jsonl"));

            assertThat(r.ok()).as(r.error() + transcript).isTrue();
            assertThat(r.finalText()).as("the script went on after the refusal").isEqualTo("tried");
            assertThat(Files.readString(s.repo().resolve("src/held.js"))).isEqualTo("original\n");
            assertThat(Files.readString(s.repo().resolve("src/free.js"))).isEqualTo("written\n");
            assertThat(asked).extracting(List::getFirst).containsExactly(s.repo().resolve("src/held.js").toString(),
                    s.repo().resolve("src/free.js").toString());
            assertThat(String.join("\n", server.recentRequests())).as("the holder was named to the model")
                    .contains("[mesh] src/held.js is reserved by Boss: Boss is refactoring it");
            assertThat(Files.exists(s.repo().resolve("FREE"))).as("no shell without the shell capability").isFalse();
        }
    }
}
