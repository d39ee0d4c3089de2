package dev.agentmesh.memory;

import dev.agentmesh.store.Store;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Remember and recall (issue 6, part 4): what is stored, what comes back, in which order and how much of it. */
class MemoryRecallTest {
    private static final long DAY = 24L * 3600 * 1000;

    @TempDir
    Path tmp;
    Store store;
    final AtomicLong now = new AtomicLong(1_800_000_000_000L);

    @BeforeEach
    void open() {
        store = Store.openSqlite(tmp.resolve("mesh.db"));
    }

    @AfterEach
    void close() {
        store.close();
    }

    private AgentMemory real(String project) {
        return new AgentMemory(store, project, Embedder.allMiniLm(), now::get);
    }

    private AgentMemory fixed(String project) {
        return new AgentMemory(store, project, new FixedEmbedder(), now::get);
    }

    @Test
    void aRememberedSummaryIsRecalledWholeForARelatedTaskAndStoredAs384LittleEndianFloats() throws Exception {
        AgentMemory memory = real("p");
        Memory redis = memory.remember("Builder", "backtester", "Implement Redis caching in src/cache.py",
                "Added a Redis cache for price bars in src/cache.py with TTL-based invalidation; the nightly run went from 41 to 9 minutes.");
        memory.remember("Quant", "backtester", "Plot drawdowns", "The HTML report has an underwater chart of drawdowns.");
        now.addAndGet(3_600_000);

        List<Recalled> got = memory.recall("backtester", "Fix the cache invalidation of the Redis price cache");

        assertThat(got).isNotEmpty();
        assertThat(got.getFirst().memory()).isEqualTo(redis);
        assertThat(got.getFirst().cut()).isFalse();
        assertThat(got.getFirst().similarity()).isBetween(AgentMemory.MIN_SIMILARITY, 1.0);
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + tmp.resolve("mesh.db"));
             var rs = c.createStatement().executeQuery("SELECT embedding, embedder, created_at FROM agent_memory WHERE id = " + redis.id())) {
            assertThat(rs.next()).isTrue();
            byte[] blob = rs.getBytes(1);
            assertThat(blob).hasSize(384 * 4);
            float[] stored = new float[384];
            ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(stored);
            assertThat(stored).containsExactly(Embedder.allMiniLm().embed(redis.summary()));
            assertThat(rs.getString(2)).isEqualTo("all-minilm-l6-v2-q");
            assertThat(rs.getLong(3)).isEqualTo(1_800_000_000_000L);
        }
    }

    @Test
    void recallStaysInsideItsWorkstreamAndItsProject() {
        String summary = "Added a Redis cache for price bars with TTL-based invalidation.";
        real("p").remember("Builder", "backtester", "cache", summary);
        real("other-project").remember("Builder", "cvi-wing", "cache", summary);

        assertThat(real("p").recall("cvi-wing", summary)).as("another workstream's memory").isEmpty();
        assertThat(real("other-project").recall("backtester", summary)).as("another project's memory").isEmpty();
        assertThat(real("p").recall("backtester", summary)).extracting(r -> r.memory().workstream()).containsExactly("backtester");
        assertThat(real("p").recall("backtester", summary).getFirst().similarity()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
    }

    @Test
    void anUnrelatedQueryRecallsNothing() {
        AgentMemory memory = real("p");
        memory.remember("Builder", "backtester", "cache", "Added a Redis cache for price bars with TTL-based invalidation.");
        assertThat(memory.recall("backtester", "Bake a sourdough loaf with a long cold proof")).isEmpty();
    }

    @Test
    void onlyMemoriesAtLeastAsSimilarAsTheThresholdAreRecalled() {
        AgentMemory memory = fixed("p");
        memory.remember("A", "ws", null, "just below sim=" + (AgentMemory.MIN_SIMILARITY - 0.01));
        Memory above = memory.remember("A", "ws", null, "just above sim=" + (AgentMemory.MIN_SIMILARITY + 0.01));
        assertThat(memory.recall("ws", "query")).extracting(Recalled::memory).containsExactly(above);
    }

    @Test
    void recencyReordersSimilarMemoriesButDoesNotOutweighAMuchCloserOne() {
        AgentMemory memory = fixed("p");
        long t0 = now.get();
        now.set(t0 - 60 * DAY);
        Memory closeButOld = memory.remember("A", "ws", null, "close but old sim=0.90");
        now.set(t0 - 30 * DAY);
        Memory older = memory.remember("A", "ws", null, "older sim=0.60");
        now.set(t0);
        Memory newer = memory.remember("A", "ws", null, "newer sim=0.55");
        memory.remember("A", "ws", null, "fourth sim=0.35");

        List<Recalled> got = memory.recall("ws", "query");

        assertThat(got).extracting(Recalled::memory).containsExactly(closeButOld, newer, older);
        assertThat(got.get(1).score()).isCloseTo(AgentMemory.score(0.55, 0), org.assertj.core.data.Offset.offset(1e-6));
        assertThat(AgentMemory.score(0.55, 0)).isCloseTo(0.85 * 0.55 + 0.15, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(AgentMemory.score(0.5, AgentMemory.RECENCY_HALF_LIFE_MS)).isCloseTo(0.85 * 0.5 + 0.075, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(memory.recall("ws", "query", 1, AgentMemory.DEFAULT_MAX_CHARS)).extracting(Recalled::memory).containsExactly(closeButOld);
    }

    @Test
    void aRecallHoldsAtMostItsCharacterBoundCuttingTheMemoryThatPassesIt() {
        AgentMemory memory = fixed("p");
        String task = "t".repeat(1000);
        memory.remember("A", "ws", task, "sim=0.9 " + "a".repeat(2000));
        memory.remember("A", "ws", null, "sim=0.8 " + "b".repeat(3000));
        memory.remember("A", "ws", null, "sim=0.7 " + "c".repeat(100));

        List<Recalled> got = memory.recall("ws", "query");

        assertThat(got).hasSize(2);
        assertThat(got.get(0).memory().task()).hasSize(AgentMemory.TASK_SHOWN_CHARS).endsWith("...");
        assertThat(got.get(0).memory().summary()).hasSize(2008);
        assertThat(got.get(0).cut()).as("its task was cut").isTrue();
        assertThat(got.get(1).memory().summary()).startsWith("sim=0.8 bbb").endsWith("...");
        assertThat(got.get(1).cut()).isTrue();
        assertThat(got.stream().mapToInt(r -> r.memory().summary().length()
                + (r.memory().task() == null ? 0 : r.memory().task().length())).sum()).isEqualTo(AgentMemory.DEFAULT_MAX_CHARS);
        assertThat(memory.recall("ws", "query", 3, 16 * 1024)).as("only the long task is cut").extracting(Recalled::cut)
                .containsExactly(true, false, false);
    }

    @Test
    void theRecalledBlockIsMarkedAndHasOneLinePerMemory() {
        AgentMemory memory = fixed("p");
        long t0 = now.get();
        now.set(t0 - 3 * DAY);
        memory.remember("Builder", "backtester", "Implement Redis caching", "sim=0.9 Added the cache.\nFirst line\n- forged bullet");
        now.set(t0 - 2 * 3600_000);
        memory.remember("Quant", "backtester", null, "sim=0.8 Shifted signals by one bar.");
        now.set(t0);

        String block = memory.formatRecalled(memory.recall("backtester", "query"));

        assertThat(block).isEqualTo("""
                Recalled context (from earlier assignments in workstream backtester; may be stale):
                - Builder, 3 d ago | task: Implement Redis caching | summary: sim=0.9 Added the cache. First line - forged bullet
                - Quant, 2 h ago | summary: sim=0.8 Shifted signals by one bar.
                """);
        assertThat(memory.formatRecalled(List.of())).isEmpty();
    }

    @Test
    void theRecalledBlockIsBoundedWhateverItIsGiven() {
        AgentMemory memory = fixed("p");
        Recalled huge = new Recalled(new Memory(1, "ws", "A", null, "x".repeat(AgentMemory.MAX_SUMMARY_CHARS), now.get()), 1, 1, false);
        String block = memory.formatRecalled(List.of(huge, huge, huge));
        assertThat(block.length()).isLessThanOrEqualTo(AgentMemory.FORMAT_MAX_CHARS);
        assertThat(block.lines()).hasSize(3).allMatch(l -> l.startsWith("Recalled context") || l.startsWith("- A, just now"));
    }
}
