package dev.agentmesh.store;

import dev.agentmesh.MeshFixture;
import dev.agentmesh.mesh.Presence;
import dev.agentmesh.mesh.Reservation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two processes reserving the same file at the same moment, round after round on a fresh file each time, on one
 * SQLite store: exactly one wins, the loser is told who holds the file, and the store keeps one lease (issue
 * acceptance test).
 */
class MultiProcessReservationTest {
    private static final int ROUNDS = 20;
    private static final List<String> AGENTS = List.of("Ann", "Ben");

    /** What one process reported for one round. */
    private record Outcome(String agent, boolean won, long startMicros, String message) {
    }

    @Test
    void ofTwoProcessesReservingTheSameFileAtOnceExactlyOneWins(@TempDir Path tmp) throws Exception {
        MeshFixture f = new MeshFixture(tmp);
        // Joined with this JVM's pid so that no child's exit makes the mesh reap them and release their leases.
        long pid = ProcessHandle.current().pid();
        for (String name : AGENTS) {
            f.mesh.presence().join(new Presence.JoinRequest(name, pid, null, "test", null, null));
        }
        List<String> paths = IntStream.range(0, ROUNDS).mapToObj(i -> "src/race-" + i + ".js").toList();
        for (String p : paths) {
            Files.writeString(f.root.resolve(p), "x");
        }

        Map<Integer, List<Outcome>> rounds = new HashMap<>();
        try (var kids = new LoadProcess.Children(tmp, tmp.resolve("mesh.db"), f.root)) {
            List<LoadProcess.Child> racers = new ArrayList<>();
            for (String agent : AGENTS) {
                racers.add(kids.start("reserve", agent, paths));
            }
            kids.awaitReady();
            for (int i = 0; i < ROUNDS; i++) {
                kids.signal("go-" + i);
                int round = i;
                kids.awaitSignals(AGENTS.stream().map(a -> "done-" + round + "-" + a).toList());
            }
            kids.awaitExit(racers);
            for (LoadProcess.Child c : racers) {
                for (String line : c.lines()) {
                    String[] r = line.split("\t", 5);
                    if (r[0].equals("R")) {
                        rounds.computeIfAbsent(Integer.parseInt(r[1]), k -> new ArrayList<>()).add(new Outcome(c.label(),
                                r[2].equals("WON"), Long.parseLong(r[3]), r.length > 4 ? r[4] : null));
                    }
                }
            }
        }

        List<Reservation> leases = f.mesh.reservations().list();
        List<Long> gaps = new ArrayList<>();
        Map<String, Integer> wins = new HashMap<>();
        for (int i = 0; i < ROUNDS; i++) {
            String path = paths.get(i);
            List<Outcome> outcomes = rounds.getOrDefault(i, List.of());
            assertThat(outcomes).as("round %d outcomes", i).hasSize(AGENTS.size());
            List<Outcome> won = outcomes.stream().filter(Outcome::won).toList();
            assertThat(won).as("winners of round %d (%s): %s", i, path, outcomes).hasSize(1);
            String winner = won.getFirst().agent();
            Outcome lost = outcomes.stream().filter(o -> !o.won()).findFirst().orElseThrow();
            assertThat(lost.message()).as("refusal to %s in round %d", lost.agent(), i)
                    .startsWith(path + " is reserved by " + winner + " (" + path + ")");
            assertThat(leases).filteredOn(r -> r.pattern().equals(path)).as("leases on %s", path)
                    .singleElement().satisfies(r -> assertThat(r.holder()).isEqualTo(winner));
            wins.merge(winner, 1, Integer::sum);
            gaps.add(Math.abs(outcomes.get(0).startMicros() - outcomes.get(1).startMicros()));
        }
        assertThat(leases).hasSize(ROUNDS);
        gaps.sort(null);
        System.out.printf("multi-process reservation on SQLite: %d rounds of 2 processes, one winner each (wins %s);"
                + " gap between the two reserve calls: median %.2f ms, max %.2f ms%n", ROUNDS, wins,
                gaps.get(ROUNDS / 2) / 1e3, gaps.getLast() / 1e3);
    }
}
