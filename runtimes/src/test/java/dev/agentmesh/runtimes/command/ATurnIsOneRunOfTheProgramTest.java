package dev.agentmesh.runtimes.command;

import dev.agentmesh.MeshException;
import dev.agentmesh.runtime.AgentEvent;
import dev.agentmesh.runtime.AgentSession;
import dev.agentmesh.runtime.AgentSpec;
import dev.agentmesh.runtime.Capability;
import dev.agentmesh.runtime.RunResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.agentmesh.runtimes.command.Scripts.events;
import static dev.agentmesh.runtimes.command.Scripts.kinds;
import static dev.agentmesh.runtimes.command.Scripts.WAIT;
import static dev.agentmesh.runtimes.command.Scripts.sh;
import static dev.agentmesh.runtimes.command.Scripts.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Each prompt is one run of the program: the prompt on stdin, stdout the text, the exit code the outcome. */
class ATurnIsOneRunOfTheProgramTest {
    private static final String ECHO = "read -r x; echo \"got: $x\"";

    @TempDir
    Path dir;

    @Test
    void aPromptGivesTurnStartedTextAndTurnEndedInOrderAndTheSessionIsIdleAgain() {
        try (AgentSession s = sh(ECHO).launch(spec(dir, "echoer"))) {
            assertThat(s.state()).isEqualTo(AgentSession.State.IDLE);
            assertThat(s.runtime()).isEqualTo("command");
            List<AgentEvent> events = events(s);

            s.prompt("hello");
            RunResult r = s.awaitEnd(WAIT);

            assertThat(r.ok()).isTrue();
            assertThat(r.error()).isNull();
            assertThat(r.finalText()).isEqualTo("got: hello");
            assertThat(kinds(events)).containsExactly("TurnStarted", "Text", "TurnEnded");
            assertThat(((AgentEvent.Text) events.get(1)).text()).isEqualTo("got: hello");
            AgentEvent.TurnEnded end = (AgentEvent.TurnEnded) events.get(2);
            assertThat(end.ok()).isTrue();
            assertThat(end.finalText()).isEqualTo("got: hello");
            assertThat(s.state()).isEqualTo(AgentSession.State.IDLE);

            s.prompt("again");
            assertThat(s.awaitEnd(WAIT).finalText()).isEqualTo("got: again");
        }
    }

    @Test
    void aNonZeroExitEndsTheTurnNotOkNamingTheCodeAndTheStderrTail() {
        RunResult r = Scripts.once(sh("read -r x; echo partial; echo noise >&2; echo 'boom: the disk is full' >&2; exit 3"),
                dir, "failer", "go").result();

        assertThat(r.ok()).isFalse();
        assertThat(r.finalText()).isEqualTo("partial");
        assertThat(r.error()).isEqualTo("'sh' exited with code 3: noise | boom: the disk is full");
    }

    @Test
    void aPromptWhileTheProgramRunsIsRefusedAndNoProcessRunsWhileIdle() throws Exception {
        Path pids = dir.resolve("pids");
        try (AgentSession s = sh("echo $$ > pids; read -r x; sleep 0.5; echo done").launch(spec(dir, "busy"))) {
            s.prompt("one");
            assertThat(s.state()).isEqualTo(AgentSession.State.WORKING);
            assertThatThrownBy(() -> s.prompt("two")).isInstanceOf(MeshException.class)
                    .hasMessage("command agent busy is running its program; steer or follow up instead");
            long pid = Scripts.pids(pids, 1).getFirst();

            assertThat(s.awaitEnd(WAIT).finalText()).isEqualTo("done");
            assertThat(Scripts.running(pid)).as("the run's process is gone once idle").isFalse();
            assertThat(s.pid()).as("the session lives in this JVM").isEqualTo(ProcessHandle.current().pid());
        }
    }

    @Test
    void theProgramGetsTheBaseEnvironmentTheSpecsEnvTheMeshVariablesAndTheCwdAndNothingElse() throws Exception {
        Files.createDirectories(dir.resolve("work"));
        AgentSpec spec = new AgentSpec("envy", "worker", null, "be brief\nand kind", Set.of(Capability.READ), dir.resolve("work"),
                Map.of("FROM_SPEC", "s", "MESH_AGENT_TOKEN", "t0k"), null);
        String script = "read -r x; echo \"$MESH_AGENT|$MESH_RUNTIME|$MESH_SYSTEM_PROMPT|$FROM_SPEC|$MESH_AGENT_TOKEN|$FROM_BASE|${HOME-unset}|$(pwd)\";"
                + " echo \"${MESH_AGENT_TREE:-none}\"";
        try (AgentSession s = sh(script, Map.of("FROM_BASE", "b")).launch(spec)) {
            s.prompt("x");
            List<String> lines = s.awaitEnd(WAIT).finalText().lines().toList();

            assertThat(lines.get(0)).isEqualTo("envy|command|be brief");
            assertThat(lines.get(1)).as("after the system prompt's line break")
                    .isEqualTo("and kind|s|t0k|b|unset|" + dir.resolve("work").toRealPath());
            assertThat(lines.get(2)).as("the tree mark").matches("\\d+\\.-?\\d+\\.[0-9a-f-]{36}");
        }
    }

    @Test
    void theSessionIdIsAUuidAndResumeGivesAFreshSessionCarryingTheIdItWasGiven() {
        CommandRuntime runtime = sh(ECHO);
        String id;
        try (AgentSession s = runtime.launch(spec(dir, "first"))) {
            id = s.sessionId();
            assertThat(java.util.UUID.fromString(id).toString()).isEqualTo(id);
        }
        try (AgentSession s = runtime.resume(spec(dir, "first"), id)) {
            assertThat(s.sessionId()).isEqualTo(id);
            assertThat(s.state()).isEqualTo(AgentSession.State.IDLE);
            s.prompt("back");
            assertThat(s.awaitEnd(WAIT).finalText()).isEqualTo("got: back");
        }
    }

    @Test
    void theTranscriptHasOneLinePerPromptOutputAndExitInTheShapesTheReadableLogShows() throws Exception {
        AgentSpec spec = spec(dir, "scribe");
        try (AgentSession s = sh("read -r x; echo \"got: $x\"; [ \"$x\" = ok ] || { echo nope >&2; exit 2; }").launch(spec)) {
            s.prompt("ok");
            s.awaitEnd(WAIT);
            s.prompt("bad");
            s.awaitEnd(WAIT);
        }
        JsonMapper json = JsonMapper.builder().build();
        List<JsonNode> lines = Files.readAllLines(spec.transcript()).stream().map(json::readTree).toList();

        assertThat(lines).hasSize(6);
        assertThat(lines).allSatisfy(l -> assertThat(l.path("runtime").asString()).isEqualTo("command"));
        assertThat(lines.get(0).path("type").asString()).isEqualTo("message_end");
        assertThat(lines.get(0).path("message").path("role").asString()).isEqualTo("user");
        assertThat(lines.get(0).path("message").path("content").get(0).path("text").asString()).isEqualTo("ok");
        assertThat(lines.get(1).path("message").path("role").asString()).isEqualTo("assistant");
        assertThat(lines.get(1).path("message").path("content").get(0).path("type").asString()).isEqualTo("text");
        assertThat(lines.get(1).path("message").path("content").get(0).path("text").asString()).isEqualTo("got: ok");
        assertThat(lines.get(2).path("type").asString()).isEqualTo("result");
        assertThat(lines.get(2).path("subtype").asString()).isEqualTo("exit 0");
        assertThat(lines.get(2).path("ok").asBoolean()).isTrue();
        assertThat(lines.get(2).has("error")).isFalse();
        assertThat(lines.get(5).path("subtype").asString()).isEqualTo("exit 2");
        assertThat(lines.get(5).path("exitCode").asInt()).isEqualTo(2);
        assertThat(lines.get(5).path("error").asString()).isEqualTo("'sh' exited with code 2: nope");
    }
}
