package dev.agentmesh.runtimes.command;

import dev.agentmesh.MeshException;
import dev.agentmesh.runtime.AgentEvent;
import dev.agentmesh.runtime.AgentSession;
import dev.agentmesh.runtime.RunResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static dev.agentmesh.runtimes.command.Scripts.events;
import static dev.agentmesh.runtimes.command.Scripts.kinds;
import static dev.agentmesh.runtimes.command.Scripts.pids;
import static dev.agentmesh.runtimes.command.Scripts.running;
import static dev.agentmesh.runtimes.command.Scripts.sh;
import static dev.agentmesh.runtimes.command.Scripts.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Interrupting, timing out and stopping kill the running program with everything it started (a child in its own
 * session too), and a program that exits leaves nothing running behind it.
 */
class InterruptAndStopLeaveNoProcessTest {
    /** Writes its pid, a child's and a child's in a session of its own, one a line, into {@code pids}, then waits. */
    private static final String TREE = "read -r x; sleep 60 & a=$!; setsid sleep 60 & b=$!; echo $$ > pids.tmp; echo $a >> pids.tmp;"
            + " echo $b >> pids.tmp; mv pids.tmp pids; wait";

    @TempDir
    Path dir;

    @Test
    void interruptKillsTheProgramsTreeEndsTheTurnNotOkAndDropsTheQueue() throws Exception {
        try (AgentSession s = sh(TREE).launch(spec(dir, "sleeper"))) {
            List<AgentEvent> events = events(s);
            s.prompt("sleep");
            s.followUp("never run");
            List<Long> tree = pids(dir.resolve("pids"), 3);
            assertThat(tree).allSatisfy(pid -> assertThat(running(pid)).isTrue());

            s.interrupt();

            assertThat(kinds(events)).containsExactly("TurnStarted", "TurnEnded");
            AgentEvent.TurnEnded end = (AgentEvent.TurnEnded) events.getLast();
            assertThat(end.ok()).isFalse();
            assertThat(end.error()).isEqualTo("interrupted");
            assertThat(s.state()).isEqualTo(AgentSession.State.IDLE);
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(tree).allSatisfy(pid -> assertThat(running(pid)).as("pid %d", pid).isFalse()));
            s.interrupt(); // idle: nothing
            assertThat(kinds(events)).hasSize(2);
        }
    }

    @Test
    void aTurnThatOutlastsAwaitEndIsKilledAndSaysItTimedOut() throws Exception {
        try (AgentSession s = sh(TREE).launch(spec(dir, "slowpoke"))) {
            s.prompt("sleep");
            List<Long> tree = pids(dir.resolve("pids"), 3);

            RunResult r = s.awaitEnd(Duration.ofMillis(300));

            assertThat(r.ok()).isFalse();
            assertThat(r.error()).isEqualTo("timed out after 300 ms");
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(tree).allSatisfy(pid -> assertThat(running(pid)).as("pid %d", pid).isFalse()));
        }
    }

    @Test
    void stopLeavesNoProcessEndsTheTurnAsStoppedAndRefusesLaterPrompts() throws Exception {
        AgentSession s = sh(TREE).launch(spec(dir, "stopper"));
        List<AgentEvent> events = events(s);
        s.prompt("sleep");
        List<Long> tree = pids(dir.resolve("pids"), 3);

        s.stop(Duration.ofMillis(200));

        assertThat(tree).allSatisfy(pid -> assertThat(running(pid)).as("pid %d", pid).isFalse());
        assertThat(s.state()).isEqualTo(AgentSession.State.STOPPED);
        assertThat(s.alive()).isFalse();
        assertThat(kinds(events)).containsExactly("TurnStarted", "TurnEnded", "StateChanged");
        assertThat(((AgentEvent.TurnEnded) events.get(1)).error()).isEqualTo("stopped");
        assertThatThrownBy(() -> s.prompt("more")).isInstanceOf(MeshException.class).hasMessage("command agent stopper has stopped");
        assertThatThrownBy(() -> s.followUp("more")).isInstanceOf(MeshException.class);
        s.stop(Duration.ZERO); // idempotent
        assertThat(kinds(events)).hasSize(3);
    }

    @Test
    void whatAProgramLeavesRunningWhenItExitsIsKilledAndDoesNotHoldTheTurnOpen() throws Exception {
        try (AgentSession s = sh("read -r x; sleep 60 & echo $! > pids; echo left one").launch(spec(dir, "leaver"))) {
            s.prompt("go");
            RunResult r = s.awaitEnd(Duration.ofSeconds(15));

            assertThat(r.ok()).isTrue();
            assertThat(r.finalText()).isEqualTo("left one");
            long child = pids(dir.resolve("pids"), 1).getFirst();
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(running(child)).isFalse());
        }
    }
}
