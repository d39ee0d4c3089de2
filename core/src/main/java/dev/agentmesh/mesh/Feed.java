package dev.agentmesh.mesh;

import dev.agentmesh.MeshException;
import dev.agentmesh.mesh.internal.FeedTable;
import dev.agentmesh.store.Notifier;
import dev.agentmesh.store.Store;
import dev.agentmesh.store.StoreTx;

import java.util.List;

/** The project's activity feed: joins, messages, reservations and task events, in commit order (seeds/001). */
public final class Feed {
    /** Default number of events shown, as in pi-messenger. */
    public static final int DEFAULT_LIMIT = 20;

    private final Store store;
    private final String project;

    Feed(Store store, String project) {
        this.store = store;
        this.project = project;
    }

    /**
     * @param limit 1..1000 events
     * @return the latest events, oldest first
     * @throws MeshException (invalid input) for a limit out of range
     */
    public List<FeedEvent> latest(int limit) {
        if (limit < 1 || limit > 1000) {
            throw MeshException.invalidInput("feed limit " + limit + " is out of range 1..1000");
        }
        return store.read(tx -> FeedTable.of(tx).latest(project, limit));
    }

    /**
     * @param afterId the id of the last event already seen (0 for the start)
     * @param limit   1..1000 events
     * @return the events committed after {@code afterId}, oldest first; a read
     * @throws MeshException (invalid input) for a limit out of range
     */
    public List<FeedEvent> after(long afterId, int limit) {
        if (limit < 1 || limit > 1000) {
            throw MeshException.invalidInput("feed limit " + limit + " is out of range 1..1000");
        }
        return store.read(tx -> FeedTable.of(tx).after(project, afterId, limit));
    }

    /** @return the topic signalled when this project's feed grows (see {@link Notifier}) */
    public String topic() {
        return Notifier.feed(project);
    }

    /**
     * Appends an event inside a transaction of another feature (the crew's task events), so the event commits
     * with the change it reports.
     *
     * @param kind   the event kind, e.g. {@code task.done}
     * @param actor  agent name, or null for the system
     * @param target what it is about (a task id, a pattern), or null
     * @param detail free text, or null
     */
    public static void append(StoreTx tx, String project, long at, String actor, String kind, String target, String detail) {
        FeedTable.of(tx).append(project, at, actor, kind, target, detail);
        tx.signalAfterCommit(Notifier.feed(project));
    }
}
