package dev.agentmesh.crew;

import dev.agentmesh.MeshException;
import dev.agentmesh.MeshFixture;
import dev.agentmesh.mesh.Presence;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The task state machine on a real store: claims, done, review rules, readiness and renames. */
class TasksTest {
    MeshFixture f;
    Tasks tasks;

    @BeforeEach
    void plan(@TempDir Path tmp) throws Exception {
        f = new MeshFixture(tmp);
        tasks = f.crew.tasks();
        tasks.replacePlan(Plan.validate(List.of(new TaskSpec("t1", "One", "", List.of()),
                new TaskSpec("t2", "Two", "", List.of("t1")))));
        f.mesh.presence().join(new Presence.JoinRequest("Ann", ProcessHandle.current().pid(), null, "cli", null, null));
        f.mesh.presence().join(new Presence.JoinRequest("Ben", ProcessHandle.current().pid(), null, "cli", null, null));
    }

    @Test
    void aTaskIsStartedOnceAndOnlyWhenItsDependenciesAreDone() {
        assertThatThrownBy(() -> tasks.start("t2", "Ann", null)).hasMessage("t2 waits for t1 to be done");
        tasks.start("t1", "Ann", 1);
        assertThatThrownBy(() -> tasks.start("t1", "Ben", 1)).isInstanceOf(MeshException.class)
                .hasMessage("t1 is in_progress (Ann); only a todo task can be started");
        assertThatThrownBy(() -> tasks.done("t1", "Ben", "x")).hasMessage("t1 is assigned to Ann, not Ben");
        assertThat(tasks.done("t1", "Ann", "did one").status()).isEqualTo(Task.Status.DONE);
        assertThat(tasks.ready()).extracting(Task::id).containsExactly("t2");
        assertThat(Tasks.ready(tasks.list(), true)).as("the crew waits for the review").isEmpty();
    }

    @Test
    void needsWorkReturnsTheTaskUntilTheLimitThenBlocks() {
        for (int review = 1; review <= 2; review++) {
            tasks.start("t1", "Ann", review);
            tasks.done("t1", "Ann", "try " + review);
            Task t = tasks.review("t1", "Ben", Verdict.NEEDS_WORK, "more tests", 2);
            assertThat(t.status()).isEqualTo(review < 2 ? Task.Status.TODO : Task.Status.BLOCKED);
            assertThat(t.feedback()).isEqualTo("more tests");
        }
        assertThat(tasks.show("t1").blockReason()).isEqualTo("still NEEDS_WORK after 2 review(s)");
        assertThat(tasks.reviews()).hasSize(2);
    }

    @Test
    void aShippedTaskCannotBeReviewedAgainAndMajorRethinkBlocks() {
        tasks.start("t1", "Ann", 1);
        tasks.done("t1", "Ann", "done");
        tasks.review("t1", "Ben", Verdict.SHIP, "good", 3);
        assertThatThrownBy(() -> tasks.review("t1", "Ben", Verdict.NEEDS_WORK, "late", 3))
                .hasMessageContaining("only a done task awaiting review can be reviewed");
        assertThat(Tasks.ready(tasks.list(), true)).extracting(Task::id).containsExactly("t2");
        tasks.start("t2", "Ann", 2);
        tasks.done("t2", "Ann", "done");
        assertThat(tasks.review("t2", "Ben", Verdict.MAJOR_RETHINK, "wrong", 3).status()).isEqualTo(Task.Status.BLOCKED);
    }

    @Test
    void abandonAndRequeueReturnTheTaskAndOnlyAbandonCountsTowardsBlocking() {
        tasks.start("t1", "Ann", 1);
        assertThat(tasks.requeue("t1", "interrupted").attempts()).isZero();
        tasks.start("t1", "Ann", 1);
        assertThat(tasks.abandon("t1", "quit", 2).status()).isEqualTo(Task.Status.TODO);
        tasks.start("t1", "Ann", 1);
        Task blocked = tasks.abandon("t1", "quit again", 2);
        assertThat(blocked.status()).isEqualTo(Task.Status.BLOCKED);
        assertThat(blocked.blockReason()).isEqualTo("quit again; blocked after 2 attempt(s)");
        assertThat(tasks.unblock("t1", "Ann").status()).isEqualTo(Task.Status.TODO);
    }

    @Test
    void aRenamedWorkerKeepsItsTask() {
        tasks.start("t1", "Ann", 1);
        f.mesh.presence().rename("Ann", "Carol");
        assertThat(tasks.show("t1").assignee()).isEqualTo("Carol");
        assertThat(tasks.done("t1", "Carol", "done").status()).isEqualTo(Task.Status.DONE);
    }

    @Test
    void resetCascadesToDependents() {
        tasks.start("t1", "Ann", 1);
        tasks.done("t1", "Ann", "done");
        tasks.review("t1", "Ben", Verdict.SHIP, "", 3);
        tasks.start("t2", "Ann", 2);
        assertThat(tasks.reset("t1", "Ann", true)).extracting(Task::id, Task::status).containsExactly(
                org.assertj.core.groups.Tuple.tuple("t1", Task.Status.TODO), org.assertj.core.groups.Tuple.tuple("t2", Task.Status.TODO));
    }
}
