package dev.agentmesh.runtimes.command;

import dev.agentmesh.runtime.AgentEvent;
import dev.agentmesh.runtime.AgentSession;
import dev.agentmesh.runtime.RunResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.agentmesh.runtimes.command.Scripts.kinds;
import static dev.agentmesh.runtimes.command.Scripts.WAIT;
import static dev.agentmesh.runtimes.command.Scripts.sh;
import static dev.agentmesh.runtimes.command.Scripts.spec;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * There is no channel into a running program: a follow-up or a steer given while it runs is a run of its own once it
 * ends, in the same turn; a run that fails ends the turn and what is still queued starts the next one.
 */
class FollowUpsRunAfterTheCurrentRunTest {
    /** Answers once the file {@code go} exists, so a test decides when the first run ends; "fail" exits 4. */
    private static final String GATED = "read -r x; while [ ! -e go ]; do sleep 0.02; done;"
            + " [ \"$x\" = fail ] && { echo 'failed on purpose' >&2; exit 4; }; echo \"got: $x\"";

    @TempDir
    Path dir;

    @Test
    void aFollowUpAndASteerGivenWhileTheProgramRunsAreRunsOfTheirOwnInTheSameTurn() throws Exception {
        List<AgentEvent> events = new CopyOnWriteArrayList<>();
        try (AgentSession s = queued("queuer", events, "one", "two")) {
            s.steer("three");
            assertThat(s.state()).isEqualTo(AgentSession.State.WORKING);
            Files.createFile(dir.resolve("go"));

            RunResult r = s.awaitEnd(WAIT);

            assertThat(r.ok()).isTrue();
            assertThat(r.finalText()).as("the last run's output").isEqualTo("got: three");
            assertThat(kinds(events)).containsExactly("TurnStarted", "Text", "Text", "Text", "TurnEnded");
            assertThat(events.stream().filter(e -> e instanceof AgentEvent.Text).map(e -> ((AgentEvent.Text) e).text()))
                    .containsExactly("got: one", "got: two", "got: three");
            assertThat(s.state()).isEqualTo(AgentSession.State.IDLE);
        }
    }

    @Test
    void aFollowUpWhileIdleStartsATurn() throws Exception {
        Files.createFile(dir.resolve("go"));
        try (AgentSession s = sh(GATED).launch(spec(dir, "idler"))) {
            s.followUp("later");
            assertThat(s.awaitEnd(WAIT).finalText()).isEqualTo("got: later");
            s.steer("now");
            assertThat(s.awaitEnd(WAIT).finalText()).isEqualTo("got: now");
        }
    }

    @Test
    void aFailedRunEndsTheTurnAndTheQueuedMessageStartsTheNextTurn() throws Exception {
        List<AgentEvent> events = new CopyOnWriteArrayList<>();
        try (AgentSession s = queued("retrier", events, "fail", "after")) {
            Files.createFile(dir.resolve("go"));

            RunResult first = s.awaitEnd(WAIT);
            assertThat(first.ok()).isFalse();
            assertThat(first.error()).isEqualTo("'sh' exited with code 4: failed on purpose");
            RunResult second = s.awaitEnd(WAIT);

            assertThat(second.ok()).isTrue();
            assertThat(second.finalText()).isEqualTo("got: after");
            assertThat(kinds(events)).containsExactly("TurnStarted", "TurnEnded", "TurnStarted", "Text", "TurnEnded");
        }
    }

    /** @return an agent of {@link #GATED} whose events go to {@code events}, given {@code prompt} and then, while it runs, {@code followUps} */
    private AgentSession queued(String name, List<AgentEvent> events, String prompt, String... followUps) {
        AgentSession s = sh(GATED).launch(spec(dir, name));
        s.subscribe(events::add);
        s.prompt(prompt);
        for (String f : followUps) {
            s.followUp(f);
        }
        return s;
    }
}
