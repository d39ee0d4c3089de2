package dev.agentmesh.orchestrator.internal;

import dev.agentmesh.MeshException;
import dev.agentmesh.orchestrator.TimelineHit;
import dev.agentmesh.store.StoreTx;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

import java.util.List;
import java.util.Set;

/**
 * SQL for the {@code timeline} FTS5 table (V13), which triggers on messages and the feed (and, from V15, asks and
 * jobs) fill. Only searches: rows come and go with the rows they index.
 */
public final class TimelineTable {
    private final Handle h;

    /** @param h the open transaction's handle (see {@link StoreTx#table}) */
    public TimelineTable(Handle h) {
        this.h = h;
    }

    /** @return this table in the transaction {@code tx} */
    public static TimelineTable of(StoreTx tx) {
        return tx.table(TimelineTable::new);
    }

    /**
     * @param match an FTS5 query built by {@link FtsQuery}
     * @param kinds the kinds to search, empty for all
     * @param actor only rows of this actor, or null
     * @param since only rows at or after this epoch ms, or null
     * @param until only rows before this epoch ms, or null
     * @return up to {@code limit} hits of the project, newest first (best-ranked first among rows of the same ms)
     * @throws MeshException (invalid input) if FTS5 refuses the query after all
     */
    public List<TimelineHit> search(String project, String match, Set<String> kinds, String actor, Long since, Long until, int limit) {
        StringBuilder sql = new StringBuilder("""
                SELECT kind, ref, actor, CAST(at AS INTEGER) AS at_ms, snippet(timeline, 0, '**', '**', '...', 16) AS snip
                FROM timeline WHERE timeline MATCH :q AND project = :p""");
        if (!kinds.isEmpty()) {
            sql.append(" AND kind IN (<kinds>)");
        }
        if (actor != null) {
            sql.append(" AND actor = :actor");
        }
        if (since != null) {
            sql.append(" AND CAST(at AS INTEGER) >= :since");
        }
        if (until != null) {
            sql.append(" AND CAST(at AS INTEGER) < :until");
        }
        sql.append(" ORDER BY at_ms DESC, rank LIMIT :lim");
        Query q = h.createQuery(sql.toString()).bind("q", match).bind("p", project).bind("lim", limit);
        if (!kinds.isEmpty()) {
            q.bindList("kinds", List.copyOf(kinds));
        }
        if (actor != null) {
            q.bind("actor", actor);
        }
        if (since != null) {
            q.bind("since", since);
        }
        if (until != null) {
            q.bind("until", until);
        }
        try {
            return q.map((rs, ctx) -> new TimelineHit(rs.getString("kind"), rs.getString("ref"), rs.getString("actor"),
                    rs.getLong("at_ms"), rs.getString("snip"))).list();
        } catch (org.jdbi.v3.core.statement.UnableToExecuteStatementException e) {
            Throwable t = e;
            while (t.getCause() != null) {
                t = t.getCause();
            }
            throw MeshException.invalidInput("the search " + dev.agentmesh.Texts.quote(match, 80) + " cannot be run: "
                    + dev.agentmesh.Texts.firstLine(t.getMessage()));
        }
    }
}
