package dev.agentmesh.store;

import org.jdbi.v3.core.Handle;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * One open transaction. Valid only inside the {@link Store#write}/{@link Store#read} callback that created it;
 * not thread-safe. Each feature owns its tables (e.g. {@code mesh.internal.MessageTable}) and reaches them with
 * {@link #table}, so this package imports no feature.
 */
public final class StoreTx {
    private final Handle handle;
    private final boolean readOnly;
    private final List<Runnable> unitActions = new ArrayList<>();
    private final List<Runnable> batchActions = new ArrayList<>();

    private final Notifier notifier;

    StoreTx(Handle handle, boolean readOnly, Notifier notifier) {
        this.handle = handle;
        this.readOnly = readOnly;
        this.notifier = notifier;
    }

    /**
     * @param factory a table's constructor, e.g. {@code AgentTable::new}
     * @return the table bound to this transaction
     */
    public <T> T table(Function<Handle, T> factory) {
        return factory.apply(handle);
    }

    /**
     * Runs {@code action} on the writer thread right after this unit's changes commit, and never if they roll
     * back; for waking waiters in memory (no I/O, no blocking: it delays the next batch).
     *
     * @throws IllegalStateException in a read transaction
     */
    public void afterCommit(Runnable action) {
        if (readOnly) {
            throw new IllegalStateException("afterCommit in a read transaction");
        }
        unitActions.add(action);
    }

    /**
     * Signals {@code topic} on the store's {@link Notifier} once this unit commits (see {@link #afterCommit}).
     *
     * @throws IllegalStateException in a read transaction
     */
    public void signalAfterCommit(String topic) {
        afterCommit(() -> notifier.signal(topic));
    }

    void keepAfterCommit() {
        batchActions.addAll(unitActions);
        unitActions.clear();
    }

    void discardAfterCommit() {
        unitActions.clear();
    }

    List<Runnable> takeAfterCommit() {
        List<Runnable> out = List.copyOf(batchActions);
        batchActions.clear();
        return out;
    }
}
