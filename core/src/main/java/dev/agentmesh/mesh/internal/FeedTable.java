package dev.agentmesh.mesh.internal;

import dev.agentmesh.mesh.FeedEvent;
import dev.agentmesh.store.StoreTx;
import org.jdbi.v3.core.Handle;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** SQL for the {@code feed} table. */
public final class FeedTable {
    private final Handle h;

    /** @param h the open transaction's handle (see {@link StoreTx#table}) */
    public FeedTable(Handle h) {
        this.h = h;
    }

    /** @return this table in the transaction {@code tx} */
    public static FeedTable of(StoreTx tx) {
        return tx.table(FeedTable::new);
    }

    /** Appends an event. */
    public void append(String project, long at, String actor, String kind, String target, String detail) {
        h.createUpdate("INSERT INTO feed (project, at, actor, kind, target, detail) VALUES (:p, :at, :a, :k, :t, :d)")
                .bind("p", project).bind("at", at).bind("a", actor).bind("k", kind).bind("t", target).bind("d", detail)
                .execute();
    }

    /** @return the latest {@code limit} events, oldest first */
    public List<FeedEvent> latest(String project, int limit) {
        List<FeedEvent> events = new ArrayList<>(h.createQuery(
                        "SELECT * FROM feed WHERE project = :p ORDER BY id DESC LIMIT :lim")
                .bind("p", project).bind("lim", limit)
                .map((rs, ctx) -> new FeedEvent(rs.getLong("id"), rs.getLong("at"), rs.getString("actor"),
                        rs.getString("kind"), rs.getString("target"), rs.getString("detail")))
                .list());
        Collections.reverse(events);
        return events;
    }
}
