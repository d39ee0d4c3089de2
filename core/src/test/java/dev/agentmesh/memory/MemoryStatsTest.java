package dev.agentmesh.memory;

import dev.agentmesh.store.Store;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code agents.memory.stats} and {@code agents.memory.reset [workstream]} (seed 000), project by project. */
class MemoryStatsTest {

    @Test
    void statsCountEachWorkstreamAndResetForgetsOneOrAllOfAProject(@TempDir Path tmp) {
        try (Store store = Store.openSqlite(tmp.resolve("mesh.db"))) {
            AtomicLong now = new AtomicLong(1000);
            AgentMemory p = new AgentMemory(store, "p", new FixedEmbedder(), now::get);
            AgentMemory other = new AgentMemory(store, "other", new FixedEmbedder(), now::get);
            p.remember("Quant", "backtester", "t1", "s1");
            now.set(2000);
            p.remember("Builder", "backtester", "t2", "s2");
            now.set(3000);
            p.remember("Builder", "backtester", null, "s3");
            p.remember("Aero", "cvi-wing", "t4", "s4");
            other.remember("Aero", "cvi-wing", "t5", "s5");

            assertThat(p.stats()).isEqualTo(new MemoryStats(4, List.of(
                    new MemoryStats.Workstream("backtester", 3, List.of("Builder", "Quant"), 1000, 3000),
                    new MemoryStats.Workstream("cvi-wing", 1, List.of("Aero"), 3000, 3000))));

            assertThat(p.reset(Optional.of("backtester"))).isEqualTo(3);
            assertThat(p.reset(Optional.of("backtester"))).isZero();
            assertThat(p.stats().workstreams()).extracting(MemoryStats.Workstream::workstream).containsExactly("cvi-wing");
            assertThat(p.reset(Optional.empty())).isEqualTo(1);
            assertThat(p.stats()).isEqualTo(new MemoryStats(0, List.of()));
            assertThat(other.stats().total()).as("another project's memory is kept").isEqualTo(1);
            assertThat(other.recall("cvi-wing", "query")).hasSize(1);
        }
    }
}
