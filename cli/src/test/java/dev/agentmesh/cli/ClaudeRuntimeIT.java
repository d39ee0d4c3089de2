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
import dev.agentmesh.runtimes.claude.ClaudeRuntime;
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
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The Claude Code runtime (issue 6, part 1) against real Claude Code (pinned npm version, from the test cache), the
 * scripted model server (Anthropic Messages) and a real supervisor: a long-lived stream-json session with typed
 * events, a steer folded into the running turn, a follow-up, an interrupt, resume by session id, the mesh through the
 * supervisor's {@code /mcp} as the agent, and only the tools its capabilities allow, with an edit of a held file
 * denied by agentmesh's hook.
 */
class ClaudeRuntimeIT {
    private static final String SCRIPT = """
            rules:
              - match: "[work]"
                steps:
                  - tool: mcp__mesh__pi_messenger
                    args: {action: status}
                  - tool: Bash
                    args: {command: "sleep 4; echo slept", description: "wait"}
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
                  - tool: Bash
                    args: {command: "sleep 60", description: "wait long"}
                  - text: "never"
              - match: "[edit]"
                steps:
                  - tool: Read
                    args: {file_path: "HELD"}
                  - tool: Write
                    args: {file_path: "HELD", content: "overwritten"}
                  - tool: Bash
                    args: {command: "echo shell > FREE", description: "not allowed"}
                  - text: "tried"
            """;
    private static Path claude;

    @TempDir
    Path tmp;
    private ItSupport.Supervised s;
    private String token;

    @BeforeAll
    static void installClaudeCode() throws Exception {
        claude = ItSupport.npmTool("@anthropic-ai/claude-code", ClaudeOnTheMeshIT.CLAUDE_CODE, "claude");
    }

    @BeforeEach
    void aSupervisedProjectWhereBossHoldsAFile() throws Exception {
        s = ItSupport.supervised(tmp, Map.of("src/held.js", "original\n"));
        mesh("join", "--name", "Boss");
        mesh("reserve", "src/held.js", "--reason", "Boss is refactoring it");
        token = Json.MAPPER.readTree(mesh("join", "--name", "Claudia", "--json")).path("token").asString();
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

    private ClaudeRuntime runtime(ScriptedModelServer server) throws Exception {
        RunFile rf = RunFile.read(s.store()).orElseThrow();
        return ClaudeRuntime.create(claude, ClaudeRuntime.localModelEnv("http://127.0.0.1:" + server.port(), tmp.resolve("claude-config")),
                new dev.agentmesh.runtimes.MeshLink(s.store(), s.repo(), rf.url() + "/mcp", rf.secret(), List.of(ItSupport.repoRoot().resolve("bin/mesh").toString())));
    }

    private AgentSpec spec(Set<Capability> capabilities) {
        return new AgentSpec("Claudia", "worker", ModelRef.parse("scripted"), null, capabilities, s.repo(),
                Map.of("MESH_AGENT_TOKEN", token), tmp.resolve("claudia.jsonl"));
    }

    @Test
    void aTurnGivesTypedEventsTheMeshToolActsAsTheAgentAndASteerIsFoldedIn() throws Exception {
        try (ScriptedModelServer server = ScriptedModelServer.start(Script.parse(SCRIPT, "claude-rt"), 0);
             AgentSession agent = runtime(server).launch(spec(Capability.ALL))) {
            assertThat(agent.state()).isEqualTo(AgentSession.State.IDLE);
            assertThat(agent.sessionId()).matches("[0-9a-f-]{36}");
            String cmdline = Files.readString(Path.of("/proc/" + agent.pid() + "/cmdline"));
            assertThat(cmdline).as("the supervisor's secret and the agent's token stay off the command line")
                    .doesNotContain(RunFile.read(s.store()).orElseThrow().secret()).doesNotContain(token);
            assertThat(java.nio.file.Files.getPosixFilePermissions(s.repo().resolve(".mesh/claude/Claudia.mcp.json")))
                    .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                            java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
            List<AgentEvent> events = new CopyOnWriteArrayList<>();
            agent.subscribe(events::add);

            agent.prompt("[work] go");
            await().atMost(Duration.ofSeconds(60)).until(() -> "Bash".equals(agent.progress().lastTool()));
            agent.steer("[steer] also this");
            RunResult r = agent.awaitEnd(Duration.ofSeconds(90));

            assertThat(r.ok()).as(r.error() + " " + Files.readString(tmp.resolve("claudia.jsonl"))).isTrue();
            String sent = Json.MAPPER.readTree(server.recentRequests().getLast()).path("messages").toString();
            assertThat(r.finalText()).as("the steer reached the model with the tool's result: %s", sent.substring(Math.max(0, sent.length() - 3000)))
                    .isEqualTo("steered");
            assertThat(agent.state()).isEqualTo(AgentSession.State.IDLE);
            assertThat(events).extracting(e -> e.getClass().getSimpleName()).containsSubsequence("TurnStarted",
                    "ToolCallStarted", "ToolCallEnded", "ToolCallStarted", "ToolCallEnded", "Text", "TurnEnded");
            assertThat(r.progress().inputTokens()).isPositive();
            assertThat(Files.readString(tmp.resolve("claudia.jsonl"))).as("the mesh tool answered as Claudia, through /mcp")
                    .containsPattern("name.{0,6}Claudia.{0,6}present.{0,4}true");

            agent.prompt("[remember] the word is PLUM");
            agent.followUp("[follow] then this");
            RunResult followed = agent.awaitEnd(Duration.ofSeconds(60));
            assertThat(followed.finalText()).as("the follow-up ran in the same turn").isEqualTo("followed");
        }
    }

    @Test
    void aResumedSessionCarriesItsHistoryAndAnInterruptEndsTheTurn() throws Exception {
        try (ScriptedModelServer server = ScriptedModelServer.start(Script.parse(SCRIPT, "claude-rt"), 0)) {
            ClaudeRuntime runtime = runtime(server);
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
                await().atMost(Duration.ofSeconds(60)).until(() -> "Bash".equals(again.progress().lastTool()));
                long t0 = System.currentTimeMillis();
                again.interrupt();
                RunResult r = again.awaitEnd(Duration.ofSeconds(30));
                assertThat(r.ok()).isFalse();
                assertThat(System.currentTimeMillis() - t0).as("the turn ended at the interrupt, not after the tool").isLessThan(20_000);
                await().atMost(Duration.ofSeconds(10)).until(() -> again.state() == AgentSession.State.IDLE);
            }
            assertThatThrownBy(() -> runtime.resume(spec(Capability.ALL), "../x")).hasMessage("'../x' is not a Claude Code session id (a UUID)");
        }
    }

    @Test
    void onlyItsCapabilitiesAreOfferedAndAnEditOfAHeldFileIsDenied() throws Exception {
        String script = SCRIPT.replace("HELD", s.repo().resolve("src/held.js").toString());
        try (ScriptedModelServer server = ScriptedModelServer.start(Script.parse(script, "claude-rt"), 0);
             AgentSession agent = runtime(server).launch(spec(Set.of(Capability.READ, Capability.WRITE, Capability.EDIT, Capability.MESH)))) {
            agent.prompt("[edit] change the held file");
            RunResult r = agent.awaitEnd(Duration.ofSeconds(90));
            String transcript = Files.readString(tmp.resolve("claudia.jsonl"));

            assertThat(r.ok()).as(r.error() + transcript).isTrue();
            assertThat(Files.readString(s.repo().resolve("src/held.js"))).isEqualTo("original\n");
            assertThat(transcript).as("the hook's denial, as the model got it").contains("src/held.js is reserved by Boss")
                    .contains("Boss is refactoring it");
            assertThat(Files.exists(s.repo().resolve("FREE"))).as("no shell without the shell capability").isFalse();
            List<String> offered = new java.util.ArrayList<>();
            Json.MAPPER.readTree(server.recentRequests().getLast()).path("tools").forEach(t -> offered.add(t.path("name").asString()));
            assertThat(offered).as("what the model is offered").contains("Read", "Write", "Edit", ClaudeRuntime.MESH_TOOL)
                    .doesNotContain("Bash", "Grep", "Glob");
            assertThat(transcript).as("a call of a tool it was not given is refused").contains("No such tool available: Bash");
        }
    }
}
