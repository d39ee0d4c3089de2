package dev.agentmesh.memory;

import dev.agentmesh.store.Store;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Recall quality on the labelled set (issue 6, part 4): precision@3 and recall@3 with the real model stay above their
 * floors, and an embedder that knows nothing of meaning falls below them, so the floors can fail.
 */
class MemoryRecallSetTest {
    /** Measured 0.75 when the weights were set (bin/bench recall); a floor, not a target. */
    static final double PRECISION_AT_3_FLOOR = 0.65;
    /** Measured 0.88. */
    static final double RECALL_AT_3_FLOOR = 0.75;

    @Test
    void theModelRecallsTheLabelledSummariesAboveTheFloors(@TempDir Path tmp) {
        try (Store store = Store.openSqlite(tmp.resolve("mesh.db"))) {
            RecallSet.Result r = RecallSet.load().evaluate(store, Embedder.allMiniLm());
            assertThat(r.precisionAt3()).as(describe(r)).isGreaterThanOrEqualTo(PRECISION_AT_3_FLOOR);
            assertThat(r.recallAt3()).as(describe(r)).isGreaterThanOrEqualTo(RECALL_AT_3_FLOOR);
            assertThat(r.falseRecallRate()).as("queries with nothing relevant recall nothing: " + describe(r)).isZero();
        }
    }

    @Test
    void anEmbedderBlindToMeaningFallsBelowTheFloors(@TempDir Path tmp) {
        // random unit vectors per text, mixed with a shared direction so that everything passes the threshold
        Embedder blind = FixedEmbedder.of("blind", text -> {
            Random r = new Random(text.hashCode());
            float[] v = new float[Embedder.DIMENSIONS];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (r.nextGaussian() * 0.05 + (i == 0 ? 1 : 0));
            }
            return v;
        });
        try (Store store = Store.openSqlite(tmp.resolve("mesh.db"))) {
            RecallSet.Result r = RecallSet.load().evaluate(store, blind);
            assertThat(r.precisionAt3()).as(describe(r)).isLessThan(PRECISION_AT_3_FLOOR);
        }
    }

    @Test
    void theSetHasThirtySummariesInFourWorkstreamsAndEveryLabelExists() {
        RecallSet set = RecallSet.load();
        assertThat(set.items()).hasSize(30);
        assertThat(set.items().stream().map(RecallSet.Item::workstream).distinct()).hasSize(4);
        assertThat(set.queries()).hasSize(20);
        set.queries().forEach(q -> q.relevant().forEach(id -> assertThat(set.items()).as(q.text())
                .anyMatch(i -> i.id().equals(id) && i.workstream().equals(q.workstream()))));
    }

    private static String describe(RecallSet.Result r) {
        StringBuilder sb = new StringBuilder("P@3 " + r.precisionAt3() + ", R@3 " + r.recallAt3() + "; per query:");
        r.outcomes().forEach(o -> sb.append("\n  ").append(o.query().workstream()).append(" | ").append(o.query().text())
                .append(" | want ").append(o.query().relevant()).append(" | got ").append(o.recalled()));
        return sb.toString();
    }
}
