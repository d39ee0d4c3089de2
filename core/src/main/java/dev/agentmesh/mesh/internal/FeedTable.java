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

    /** @return up to {@code limit} events after id {@code afterId}, oldest first */
    public List<FeedEvent> after(String project, long afterId, int limit) {
        return h.createQuery("SELECT * FROM feed WHERE project = :p AND id > :after ORDER BY id LIMIT :lim")
                .bind("p", project).bind("after", afterId).bind("lim", limit).map(FeedTable::event).list();
    }

    private static FeedEvent event(java.sql.ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx) throws java.sql.SQLException {
        return new FeedEvent(rs.getLong("id"), rs.getLong("at"), rs.getString("actor"), rs.getString("kind"),
                rs.getString("target"), rs.getString("detail"));
    }

    /** @return the latest {@code limit} events, oldest first */
    public List<FeedEvent> latest(String project, int limit) {
        List<FeedEvent> events = new ArrayList<>(h.createQuery(
                        "SELECT * FROM feed WHERE project = :p ORDER BY id DESC LIMIT :lim")
                .bind("p", project).bind("lim", limit)
                .map(FeedTable::event).list());
        Collections.reverse(events);
        return events;
    }
}
