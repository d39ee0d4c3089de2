package dev.agentmesh.crew;

import dev.agentmesh.MeshException;
import dev.agentmesh.MeshFixture;
import dev.agentmesh.runtime.AgentRuntime;
import dev.agentmesh.runtime.AgentSession;
import dev.agentmesh.runtime.AgentSpec;
import dev.agentmesh.runtime.Progress;
import dev.agentmesh.runtime.RunResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A model that cannot be reached stops the crew at once (exit 3) instead of burning every attempt of every task. */
class ModelOutageTest {

    /** Every agent it launches ends its run at once with the error pi gives when the endpoint refuses connections. */
    private record Unreachable(AtomicInteger launches) implements AgentRuntime {
        @Override
        public String name() {
            return "stub";
        }

        @Override
        public AgentSession resume(AgentSpec spec, String sessionId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public AgentSession launch(AgentSpec spec) {
            launches.incrementAndGet();
            return new AgentSession() {
                public String sessionId() {
                    return "";
                }

                public String runtime() {
                    return "stub";
                }

                public State state() {
                    return State.IDLE;
                }

                public AutoCloseable subscribe(java.util.function.Consumer<dev.agentmesh.runtime.AgentEvent> l) {
                    return () -> { };
                }

                public long pid() {
                    return ProcessHandle.current().pid();
                }

                public void prompt(String message) {
                }

                public void steer(String message) {
                }

                public void followUp(String message) {
                }

                public void interrupt() {
                }

                public RunResult awaitEnd(Duration timeout) {
                    return new RunResult(false, "", "model error: Connection error.", progress());
                }

                public Progress progress() {
                    return new Progress(0, null, 0, 0, System.currentTimeMillis());
                }

                public void stop(Duration grace) {
                }
            };
        }
    }

    @Test
    void theCrewStopsAtTheFirstUnreachableModelAndCountsNoAttempt(@TempDir Path tmp) throws Exception {
        MeshFixture f = new MeshFixture(tmp);
        Files.writeString(f.root.resolve("PRD.md"), "# two things\n");
        f.crew.tasks().replacePlan(Plan.validate(List.of(new TaskSpec("task-1", "One", "", List.of()),
                new TaskSpec("task-2", "Two", "", List.of("task-1")))));
        AtomicInteger launches = new AtomicInteger();
        var settings = new CrewRunner.Settings(f.root.resolve("PRD.md"), 1, 5, 3, 50, Duration.ofSeconds(30), Map.of(),
                null, false);
        CrewRunner runner = new CrewRunner(f.mesh, f.crew, new Unreachable(launches), settings, line -> { });

        assertThatThrownBy(runner::run).isInstanceOf(MeshException.class)
                .satisfies(e -> assertThat(((MeshException) e).kind()).isEqualTo(MeshException.Kind.UNEXPECTED_STATE))
                .hasMessage("the model is not reachable (model error: Connection error.): the crew stopped with 2 task(s) "
                        + "left, no attempt counted; run mesh crew run again when it is back");
        assertThat(launches.get()).as("one worker tried, no more").isEqualTo(1);
        assertThat(f.crew.tasks().show("task-1").status()).isEqualTo(Task.Status.TODO);
        assertThat(f.crew.tasks().show("task-1").attempts()).isZero();
        assertThat(f.crew.runs().latest().orElseThrow().status()).isEqualTo("failed");
    }
}
