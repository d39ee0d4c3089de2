package dev.agentmesh.mesh.internal;

import dev.agentmesh.mesh.Reservation;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The index finds exactly the leases that matching against every lease finds. */
class LeaseIndexTest {
    private static final String[] PARTS = {"a", "b", "src", "x.ts", "y.md", "*", "*.ts", "**", "{a,b}", "[ab]"};

    @Test
    void findsTheSameLeasesAsALinearScanForRandomLiteralsFoldersAndGlobs() {
        Random rnd = new Random(42);
        for (int round = 0; round < 200; round++) {
            List<Reservation> leases = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                leases.add(new Reservation(i + 1, "H" + (i % 5), pattern(rnd), rnd.nextBoolean(), null, 0, null));
            }
            if (round % 10 == 0) {
                leases.add(new Reservation(99, "Whole", "./", true, null, 0, null));
            }
            LeaseIndex index = new LeaseIndex(1, leases);
            for (int q = 0; q < 30; q++) {
                String query = pattern(rnd);
                List<Reservation> linear = leases.stream().filter(r -> PathPatterns.overlap(query, r.pattern())).toList();
                assertThat(index.overlapping(query, r -> true)).as("query %s against %s", query, leases)
                        .containsExactlyElementsOf(linear);
            }
        }
    }

    private static String pattern(Random rnd) {
        int depth = 1 + rnd.nextInt(3);
        StringBuilder sb = new StringBuilder();
        for (int d = 0; d < depth; d++) {
            String part = PARTS[rnd.nextInt(PARTS.length)];
            if (d < depth - 1 && part.contains(".")) {
                part = "a";
            }
            sb.append(d == 0 ? "" : "/").append(part);
        }
        if (rnd.nextInt(3) == 0 && !sb.toString().endsWith("**")) {
            sb.append('/');
        }
        return sb.toString();
    }
}
