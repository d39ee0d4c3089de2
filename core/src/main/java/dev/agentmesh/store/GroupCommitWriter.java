package dev.agentmesh.store;

import dev.agentmesh.MeshException;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;

/**
 * The store's single writer (group commit, after Artemis' TimedBuffer): callers hand in a unit of work and wait;
 * one thread takes every unit queued at that moment (at most {@value #MAX_BATCH}), runs them in one
 * {@code BEGIN IMMEDIATE} transaction with a savepoint each, commits once, then completes every caller and runs
 * the units' after-commit actions. The thread parks while the queue is empty, so an idle store costs nothing and
 * a lone write waits for no timer. Thread-safe.
 */
final class GroupCommitWriter {
    /** Most units in one transaction; bounds the latency a batch adds to its first unit. */
    static final int MAX_BATCH = 512;

    private record Unit<T>(Function<StoreTx, T> work, CompletableFuture<T> done) {
    }

    private final Jdbi jdbi;
    private final String location;
    private final LinkedBlockingQueue<Unit<?>> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean closed;
    private Handle handle;
    private StoreTx current;

    private final Notifier notifier;

    GroupCommitWriter(Jdbi jdbi, String location, Notifier notifier) {
        this.jdbi = jdbi;
        this.location = location;
        this.notifier = notifier;
        this.thread = Thread.ofPlatform().daemon().name("mesh-store-writer").unstarted(this::loop);
        thread.start();
    }

    boolean onWriterThread() {
        return Thread.currentThread() == thread;
    }

    <T> T submit(Function<StoreTx, T> work) {
        if (onWriterThread()) {
            // a unit that calls write or read again joins its own transaction
            return work.apply(current);
        }
        if (closed) {
            throw MeshException.unexpectedState("store " + location + " is closed");
        }
        CompletableFuture<T> done = new CompletableFuture<>();
        Unit<T> unit = new Unit<>(work, done);
        queue.add(unit);
        if (closed && queue.remove(unit)) {
            // the writer may have stopped between the check above and the add: never wait for it
            throw MeshException.unexpectedState("store " + location + " is closed");
        }
        try {
            return done.join();
        } catch (CompletionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) {
                throw Store.translate(re, location);
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw MeshException.unexpectedState("store " + location + " failed: " + Store.rootMessage(c), c);
        }
    }

    void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void loop() {
        List<Unit<?>> batch = new ArrayList<>();
        while (true) {
            try {
                if (closed && queue.isEmpty()) {
                    break;
                }
                Unit<?> first = closed ? queue.poll() : queue.take();
                if (first == null) {
                    break;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                runBatch(batch);
            } catch (RuntimeException | Error e) {
                // never let the writer die: its callers would wait forever
                for (Unit<?> u : batch) {
                    u.done().completeExceptionally(e);
                }
                closeHandle();
            } catch (InterruptedException e) {
                // close() interrupts the wait; the loop then drains what is queued and stops
            } finally {
                batch.clear();
            }
        }
        closeHandle();
        for (Unit<?> u; (u = queue.poll()) != null; ) {
            u.done().completeExceptionally(MeshException.unexpectedState("store " + location + " is closed"));
        }
    }

    private void runBatch(List<Unit<?>> batch) {
        List<Object> results = new ArrayList<>(batch.size());
        List<Throwable> failures = new ArrayList<>(batch.size());
        try {
            Handle h = handle();
            h.execute("BEGIN IMMEDIATE");
            current = new StoreTx(h, false, notifier);
            try {
                for (Unit<?> u : batch) {
                    h.execute("SAVEPOINT unit");
                    try {
                        results.add(u.work().apply(current));
                        failures.add(null);
                        h.execute("RELEASE unit");
                    } catch (RuntimeException | Error e) {
                        h.execute("ROLLBACK TO unit");
                        h.execute("RELEASE unit");
                        results.add(null);
                        failures.add(e);
                        current.discardAfterCommit();
                    }
                    current.keepAfterCommit();
                }
                h.execute("COMMIT");
            } catch (RuntimeException e) {
                rollbackQuietly(h);
                throw e;
            }
        } catch (RuntimeException e) {
            // the batch did not commit: every caller learns it, none of their work is kept
            closeHandle();
            for (Unit<?> u : batch) {
                u.done().completeExceptionally(e);
            }
            current = null;
            return;
        }
        List<Runnable> after = current.takeAfterCommit();
        current = null;
        for (int i = 0; i < batch.size(); i++) {
            complete(batch.get(i), results.get(i), failures.get(i));
        }
        for (Runnable r : after) {
            try {
                r.run();
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(GroupCommitWriter.class).warn("after-commit action failed: {}", e.toString());
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> void complete(Unit<T> u, Object result, Throwable failure) {
        if (failure != null) {
            u.done().completeExceptionally(failure);
        } else {
            u.done().complete((T) result);
        }
    }

    private Handle handle() {
        if (handle == null) {
            handle = jdbi.open();
        }
        return handle;
    }

    private void rollbackQuietly(Handle h) {
        try {
            h.execute("ROLLBACK");
        } catch (RuntimeException ignored) {
            // the connection is closed and reopened for the next batch
        }
    }

    private void closeHandle() {
        if (handle != null) {
            try {
                handle.close();
            } catch (RuntimeException ignored) {
                // closing a broken connection
            }
            handle = null;
        }
    }
}
