package dev.agentmesh.mesh;

import dev.agentmesh.MeshException;
import dev.agentmesh.MeshFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Swarm claims: one winner under concurrency, freed when the holder leaves, completed once. */
class SwarmTest {
    MeshFixture f;

    @BeforeEach
    void agents(@TempDir Path tmp) throws Exception {
        f = new MeshFixture(tmp);
        Files.writeString(f.root.resolve("SPEC.md"), "# spec\n");
        for (int i = 0; i < 16; i++) {
            f.mesh.presence().join(new Presence.JoinRequest("A" + i, ProcessHandle.current().pid(), null, "test", null, null));
        }
    }

    @Test
    void ofSixteenAgentsClaimingOneTaskAtOnceExactlyOneWinsAndTheOthersAreToldWho() throws Exception {
        for (int round = 0; round < 20; round++) {
            String task = "task-" + round;
            CountDownLatch go = new CountDownLatch(1);
            List<Future<String>> outcomes = new ArrayList<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
                for (int i = 0; i < 16; i++) {
                    String agent = "A" + i;
                    outcomes.add(pool.submit(() -> {
                        go.await();
                        try {
                            f.mesh.swarm().claim(agent, f.root, task, "SPEC.md");
                            return "WON " + agent;
                        } catch (MeshException e) {
                            return e.getMessage();
                        }
                    }));
                }
                go.countDown();
                List<String> results = new ArrayList<>();
                for (Future<String> o : outcomes) {
                    results.add(o.get());
                }
                List<String> won = results.stream().filter(r -> r.startsWith("WON ")).toList();
                assertThat(won).as("round %d", round).hasSize(1);
                String winner = won.getFirst().substring(4);
                assertThat(results).filteredOn(r -> !r.startsWith("WON ")).hasSize(15)
                        .allMatch(r -> r.startsWith(task + " of SPEC.md is claimed by " + winner + " since "));
            }
        }
        assertThat(f.mesh.swarm().status(f.root, "SPEC.md")).hasSize(20);
    }

    @Test
    void aClaimIsFreedWhenItsHolderLeavesAndACompletedTaskCannotBeClaimedAgain() {
        f.mesh.swarm().claim("A1", f.root, "t-1", null);
        assertThatThrownBy(() -> f.mesh.swarm().claim("A2", f.root, "t-1", null)).hasMessageStartingWith("t-1 is claimed by A1");
        assertThatThrownBy(() -> f.mesh.swarm().unclaim("A2", f.root, "t-1", null)).hasMessage("A2 holds no open claim of t-1");
        f.mesh.presence().leave("A1");
        assertThat(f.mesh.swarm().claim("A2", f.root, "t-1", null).holder()).isEqualTo("A2");
        SwarmClaim done = f.mesh.swarm().complete("A2", f.root, "t-1", null, "fixed it");
        assertThat(done.completed()).isTrue();
        assertThat(done.result()).isEqualTo("fixed it");
        assertThatThrownBy(() -> f.mesh.swarm().claim("A3", f.root, "t-1", null)).hasMessageStartingWith("t-1 was completed by A2 at ");
        assertThatThrownBy(() -> f.mesh.swarm().claim("A3", f.root, "t 1\n", null)).hasMessageStartingWith("taskId 't 1\\n' is invalid");
        assertThatThrownBy(() -> f.mesh.swarm().claim("A3", f.root, "t-2", "../x.md")).hasMessageContaining("is outside the project");
    }
}
