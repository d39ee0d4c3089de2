package dev.agentmesh.server.orchestrator;

import dev.agentmesh.orchestrator.Dispatcher;
import dev.agentmesh.orchestrator.Jobs;
import dev.agentmesh.store.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The supervisor's clock for durable jobs and schedules (seeds/004): one platform thread that runs
 * {@link Dispatcher#tick} and sleeps until the next job or schedule is due, or until a new job or schedule is
 * committed (Notifier topics {@link Jobs#DISPATCH_TOPIC} and {@link Dispatcher#TOPIC}), and at most a second while
 * jobs are in flight. Its first tick, at supervisor start, fires what came due while no supervisor ran. A tick that
 * throws is logged and the clock goes on a second later. Thread-safe; {@link #close} stops it.
 */
public final class OrchestratorClock implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OrchestratorClock.class);
    private final Store store;
    private final Semaphore wake = new Semaphore(0);
    private final List<AutoCloseable> subscriptions;
    private final Thread thread;
    private volatile boolean closed;

    /** Starts the clock on {@code store}. */
    public OrchestratorClock(Store store) {
        this.store = store;
        this.subscriptions = List.of(store.notifier().subscribe(Jobs.DISPATCH_TOPIC, wake::release),
                store.notifier().subscribe(Dispatcher.TOPIC, wake::release));
        this.thread = Thread.ofPlatform().name("mesh-orchestrator-clock").daemon(true).start(this::run);
    }

    private void run() {
        while (!closed) {
            long next;
            try {
                next = Dispatcher.tick(store, System.currentTimeMillis());
            } catch (RuntimeException e) {
                if (closed) {
                    return;
                }
                LOG.warn("orchestrator clock: {}", e.toString());
                next = System.currentTimeMillis() + 1_000;
            }
            long sleep = Math.max(10, next - System.currentTimeMillis());
            try {
                if (wake.tryAcquire(sleep, TimeUnit.MILLISECONDS)) {
                    wake.drainPermits();
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Wakes the clock now (e.g. after an agent left: its jobs are looked at at once). */
    public void poke() {
        wake.release();
    }

    /** Stops the clock and waits up to 5 s for a tick in progress. */
    @Override
    public void close() {
        closed = true;
        for (AutoCloseable s : subscriptions) {
            try {
                s.close();
            } catch (Exception ignored) {
                // unsubscribing does not fail
            }
        }
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
