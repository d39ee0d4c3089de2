package dev.agentmesh.memory;

import dev.agentmesh.MeshException;
import dev.agentmesh.store.Store;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bad input to the memory is refused with one clear line naming the value, and nothing is stored. */
class MemoryBadInputTest {
    @TempDir
    Path tmp;
    Store store;
    AgentMemory memory;

    @BeforeEach
    void open() {
        store = Store.openSqlite(tmp.resolve("mesh.db"));
        memory = new AgentMemory(store, "p", new FixedEmbedder(), () -> 1000);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static void refused(ThrowingCallable call, String message) {
        assertThatThrownBy(call).isInstanceOf(MeshException.class).hasMessage(message)
                .satisfies(e -> assertThat(((MeshException) e).kind()).isEqualTo(MeshException.Kind.INVALID_INPUT));
    }

    @Test
    void badWorkstreamsAreRefusedEverywhere() {
        String needed = "memory needs a workstream (e.g. backtester): recall is kept apart by workstream";
        refused(() -> memory.remember("A", null, "t", "s"), needed);
        refused(() -> memory.remember("A", "  ", "t", "s"), needed);
        refused(() -> memory.recall("", "q"), needed);
        refused(() -> memory.remember("A", "back\ntester", "t", "s"),
                "workstream 'back\\ntester' must be 1..64 characters without control characters");
        refused(() -> memory.recall("bell\u0007", "q"), "workstream 'bell\\u0007' must be 1..64 characters without control characters");
        refused(() -> memory.reset(Optional.of("w".repeat(200))), "workstream '" + "w".repeat(77)
                + "...' must be 1..64 characters without control characters");
        assertThat(memory.remember("A", "w".repeat(64), null, "s").workstream()).hasSize(64);
    }

    @Test
    void badAgentsTasksAndSummariesAreRefusedAndNothingIsStored() {
        refused(() -> memory.remember("", "ws", "t", "s"),
                "agent name '' is invalid: use a letter, then up to 63 letters, digits, '_', '.' or '-'");
        refused(() -> memory.remember("a b", "ws", "t", "s"),
                "agent name 'a b' is invalid: use a letter, then up to 63 letters, digits, '_', '.' or '-'");
        refused(() -> memory.remember("A", "ws", "t", " \n"), "a memory needs a summary (agents.done summary: what was accomplished)");
        refused(() -> memory.remember("A", "ws", "t", null), "a memory needs a summary (agents.done summary: what was accomplished)");
        refused(() -> memory.remember("A", "ws", "t", "s".repeat(16 * 1024 + 1)), "summary is 16385 characters; the limit is 16384");
        refused(() -> memory.remember("A", "ws", "t".repeat(64 * 1024 + 1), "s"), "task is 65537 characters; the limit is 65536");
        assertThat(memory.stats().total()).isZero();
        assertThat(memory.remember("A", "ws", "t", "s".repeat(16 * 1024)).summary()).hasSize(16 * 1024);
    }

    @Test
    void badQueriesAndBoundsAreRefused() {
        refused(() -> memory.recall("ws", " "), "recall needs a query (the new task)");
        refused(() -> memory.recall("ws", null), "recall needs a query (the new task)");
        refused(() -> memory.recall("ws", "q".repeat(64 * 1024 + 1)), "query is 65537 characters; the limit is 65536");
        refused(() -> memory.recall("ws", "q", 0, 4000), "k 0 is out of range: recall 1..20 memories");
        refused(() -> memory.recall("ws", "q", 21, 4000), "k 21 is out of range: recall 1..20 memories");
        refused(() -> memory.recall("ws", "q", 3, 499), "maxChars 499 is out of range: 500..16384");
        refused(() -> memory.recall("ws", "q", 3, 16385), "maxChars 16385 is out of range: 500..16384");
    }

    @Test
    void anEmbedderOfTheWrongSizeIsAnInternalErrorAndStoresNothing() {
        Embedder tooShort = FixedEmbedder.of("short", text -> new float[3]);
        AgentMemory broken = new AgentMemory(store, "p", tooShort, () -> 1000);
        assertThatThrownBy(() -> broken.remember("A", "ws", "t", "s")).isInstanceOf(MeshException.class)
                .hasMessage("the embedder short returned 3 floats instead of 384")
                .satisfies(e -> assertThat(((MeshException) e).kind()).isEqualTo(MeshException.Kind.INTERNAL));
        assertThat(broken.stats().total()).isZero();
    }
}
