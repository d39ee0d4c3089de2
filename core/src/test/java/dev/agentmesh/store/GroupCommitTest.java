package dev.agentmesh.store;

import dev.agentmesh.MeshException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Concurrent writers share transactions, yet a failing unit rolls back alone and only committed work wakes anyone. */
class GroupCommitTest {

    @Test
    void aFailingUnitRollsBackAloneWhileTheOthersOfItsBatchCommit(@TempDir Path tmp) throws Exception {
        try (Store store = Store.openSqlite(tmp.resolve("mesh.db"))) {
            store.write(tx -> tx.table(h -> h.execute("CREATE TABLE t (n INTEGER)")));
            ConcurrentLinkedQueue<Integer> woken = new ConcurrentLinkedQueue<>();
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> results = new ArrayList<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
                for (int i = 0; i < 200; i++) {
                    int n = i;
                    results.add(pool.submit(() -> {
                        go.await();
                        return store.write(tx -> {
                            tx.table(h -> h.execute("INSERT INTO t (n) VALUES (?)", n));
                            tx.afterCommit(() -> woken.add(n));
                            if (n % 2 == 1) {
                                throw MeshException.invalidInput("odd " + n);
                            }
                            return n;
                        });
                    }));
                }
                go.countDown();
                for (int i = 0; i < 200; i++) {
                    int n = i;
                    if (n % 2 == 1) {
                        assertThatThrownBy(() -> results.get(n).get()).hasRootCauseMessage("odd " + n);
                    } else {
                        assertThat(results.get(n).get()).isEqualTo(n);
                    }
                }
            }
            List<Integer> rows = store.read(tx -> tx.table(h -> h.createQuery("SELECT n FROM t ORDER BY n").mapTo(Integer.class).list()));
            assertThat(rows).hasSize(100).allMatch(n -> n % 2 == 0);
            assertThat(woken).hasSize(100).allMatch(n -> n % 2 == 0);
        }
    }

    @Test
    void aReadTakesNoWriteLockAndCannotWrite(@TempDir Path tmp) {
        try (Store store = Store.openSqlite(tmp.resolve("mesh.db"))) {
            store.write(tx -> tx.table(h -> h.execute("CREATE TABLE t (n INTEGER)")));
            assertThatThrownBy(() -> store.read(tx -> tx.table(h -> h.execute("INSERT INTO t (n) VALUES (1)"))))
                    .isInstanceOf(MeshException.class).hasMessageContaining("readonly");
            assertThatThrownBy(() -> store.read(tx -> {
                tx.afterCommit(() -> { });
                return null;
            })).hasMessageContaining("afterCommit in a read transaction");
        }
    }
}
