package dev.agentmesh.memory;

import dev.agentmesh.store.Store;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The model loads on first use and only then (the CLI's start-up must not pay for it): a child JVM uses the memory's
 * store-only calls, then remembers, and its class-loading log shows ONNX Runtime only after the marker.
 */
class MemoryModelLoadTest {
    static final String MARKER = "== remember ==";

    /** The child: stats and reset, the marker, a remember. Arguments: STORE. */
    public static void main(String[] args) {
        try (Store store = Store.openSqlite(Path.of(args[0]))) {
            AgentMemory memory = new AgentMemory(store, "p");
            memory.stats();
            memory.reset(Optional.empty());
            memory.formatRecalled(List.of());
            System.out.println(MARKER);
            System.out.flush();
            memory.remember("A", "ws", "t", "Added a cache.");
        }
    }

    @Test
    void storeOnlyCallsLoadNoModelAndTheFirstRememberDoes(@TempDir Path tmp) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xlog:class+load=info:stdout", "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                MemoryModelLoadTest.class.getName(), tmp.resolve("mesh.db").toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("child.log").toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        List<String> log = java.nio.file.Files.readAllLines(tmp.resolve("child.log"));
        assertThat(p.exitValue()).as(String.join("\n", log.subList(Math.max(0, log.size() - 30), log.size()))).isZero();
        int marker = log.indexOf(MARKER);
        assertThat(marker).isPositive();
        assertThat(log.subList(0, marker)).noneMatch(l -> l.contains("ai.onnxruntime.") || l.contains("ai.djl.")
                || l.contains("AllMiniLmL6V2QuantizedEmbeddingModel"));
        assertThat(log.subList(marker, log.size())).anyMatch(l -> l.contains("ai.onnxruntime.OrtSession "));
    }
}
