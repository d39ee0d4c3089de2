package dev.agentmesh.store;

import dev.agentmesh.MeshFixture;
import dev.agentmesh.mesh.Presence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Eight processes claiming the same swarm task at the same moment, round after round: exactly one wins each. */
class MultiProcessClaimTest {
    private static final int ROUNDS = 20;
    private static final int PROCESSES = 8;

    @Test
    void ofEightProcessesClaimingOneTaskAtOnceExactlyOneWins(@TempDir Path tmp) throws Exception {
        MeshFixture f = new MeshFixture(tmp);
        long pid = ProcessHandle.current().pid();
        List<String> agents = new ArrayList<>();
        for (int i = 0; i < PROCESSES; i++) {
            agents.add("C" + i);
            f.mesh.presence().join(new Presence.JoinRequest("C" + i, pid, null, "test", null, null));
        }
        Map<Integer, List<String>> winners = new HashMap<>();
        List<Long> latencies = new ArrayList<>();
        try (var kids = new LoadProcess.Children(tmp, tmp.resolve("mesh.db"), f.root)) {
            List<LoadProcess.Child> racers = new ArrayList<>();
            for (String a : agents) {
                racers.add(kids.start("claim", a, List.of(Integer.toString(ROUNDS))));
            }
            kids.awaitReady();
            for (int i = 0; i < ROUNDS; i++) {
                kids.signal("go-" + i);
                int round = i;
                kids.awaitSignals(agents.stream().map(a -> "done-" + round + "-" + a).toList());
            }
            kids.awaitExit(racers);
            for (LoadProcess.Child c : racers) {
                for (String line : c.lines()) {
                    String[] r = line.split("\t");
                    if (r[0].equals("R")) {
                        latencies.add(Long.parseLong(r[4]));
                        if (r[2].equals("WON")) {
                            winners.computeIfAbsent(Integer.parseInt(r[1]), k -> new ArrayList<>()).add(c.label());
                        }
                    }
                }
            }
        }
        for (int i = 0; i < ROUNDS; i++) {
            assertThat(winners.get(i)).as("winners of round %d", i).hasSize(1);
            String winner = winners.get(i).getFirst();
            String task = "task-" + i;
            assertThat(f.mesh.swarm().status(f.root, null)).filteredOn(c -> c.taskId().equals(task))
                    .singleElement().satisfies(c -> assertThat(c.holder()).isEqualTo(winner));
        }
        latencies.sort(null);
        System.out.printf("multi-process swarm claims on SQLite: %d rounds of %d processes, one winner each;"
                        + " claim call p50 %.2f ms, p99 %.2f ms%n", ROUNDS, PROCESSES,
                latencies.get(latencies.size() / 2) / 1e3, latencies.get(latencies.size() * 99 / 100) / 1e3);
    }
}
