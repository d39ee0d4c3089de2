package dev.agentmesh.mesh;

import dev.agentmesh.MeshException;
import dev.agentmesh.store.Store;

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
        return store.read(tx -> tx.feed().latest(project, limit));
    }
}
