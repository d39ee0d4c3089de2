package dev.agentmesh.crew;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentmesh.MeshException;
import dev.agentmesh.MeshFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A crew task's own changes (the dashboard's per-task diff): the files its workers edited are kept in the store, and
 * its diff is limited to them; a task whose files are not known shows the whole work tree's changes.
 */
class TaskChangesTest {
    @TempDir
    Path tmp;

    private static void git(Path dir, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("git", "-c", "user.name=t", "-c", "user.email=t@agentmesh.invalid"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
    }

    @Test
    void aTasksDiffShowsTheFilesItsWorkersEditedAndTheStoreKeepsThem() throws Exception {
        MeshFixture f = new MeshFixture(tmp);
        try {
            Files.delete(f.root.resolve(".git"));
            git(f.root, "init", "-q");
            Files.writeString(f.root.resolve("a.txt"), "one\n");
            Files.writeString(f.root.resolve("b.txt"), "two\n");
            git(f.root, "add", "-A");
            git(f.root, "commit", "-q", "-m", "start");
            f.crew.tasks().replacePlan(Plan.validate(List.of(new TaskSpec("task-1", "Edit a", "", List.of()),
                    new TaskSpec("task-2", "Edit b", "", List.of()))));
            Files.writeString(f.root.resolve("a.txt"), "one changed\n");
            Files.writeString(f.root.resolve("b.txt"), "two changed\n");
            f.crew.tasks().addFiles("task-1", List.of("a.txt"));
            f.crew.tasks().addFiles("task-1", List.of("a.txt"));

            Crew.TaskChanges one = f.crew.changes("task-1");
            assertThat(one.files()).containsExactly("a.txt");
            assertThat(one.text()).contains("+one changed").doesNotContain("two changed");
            Crew.TaskChanges two = f.crew.changes("task-2");
            assertThat(two.files()).isEmpty();
            assertThat(two.text()).as("not known: the whole tree").contains("+one changed", "+two changed");
            assertThatThrownBy(() -> f.crew.changes("task-9")).isInstanceOf(MeshException.class).hasMessageContaining("task-9");
            assertThatThrownBy(() -> f.crew.tasks().addFiles("task-9", List.of("a.txt"))).isInstanceOf(MeshException.class);
        } finally {
            f.store.close();
        }
    }
}
