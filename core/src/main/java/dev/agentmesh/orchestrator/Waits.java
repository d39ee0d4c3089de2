package dev.agentmesh.orchestrator;

import dev.agentmesh.store.Notifier;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Blocking without polling: subscribe to the Notifier topics first, then read, and read again only when a topic is
 * signalled (after a commit that may have changed the answer) or when the time is up. Only commits of this process
 * signal (the supervisor is the store's only writer while it runs). Thread-safe; one call per waiting thread.
 */
final class Waits {
    private Waits() {
    }

    /**
     * @param notifier the store's notifier
     * @param topics   the topics whose signal may change {@code read}'s answer
     * @param timeout  how long to wait at most; zero reads once
     * @param read     reads the current state (a store read)
     * @param done     whether that state ends the wait
     * @return the last state read: {@code done} holds unless the time ran out or the thread was interrupted
     */
    static <T> T until(Notifier notifier, List<String> topics, Duration timeout, Supplier<T> read, Predicate<T> done) {
        Semaphore signal = new Semaphore(0);
        List<AutoCloseable> subs = new ArrayList<>();
        try {
            for (String t : topics) {
                subs.add(notifier.subscribe(t, signal::release));
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                T state = read.get();
                long left = deadline - System.nanoTime();
                if (done.test(state) || left <= 0) {
                    return state;
                }
                if (!signal.tryAcquire(left, TimeUnit.NANOSECONDS)) {
                    return read.get();
                }
                signal.drainPermits();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return read.get();
        } finally {
            for (AutoCloseable s : subs) {
                try {
                    s.close();
                } catch (Exception ignored) {
                    // closing a subscription does not fail
                }
            }
        }
    }
}
