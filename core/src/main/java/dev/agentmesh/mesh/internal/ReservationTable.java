package dev.agentmesh.mesh.internal;

import dev.agentmesh.mesh.Reservation;
import dev.agentmesh.store.Rows;
import dev.agentmesh.store.StoreTx;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

import java.util.List;

/** SQL for the {@code reservations} table. */
public final class ReservationTable {
    private static final RowMapper<Reservation> MAPPER = (rs, ctx) -> new Reservation(rs.getLong("id"),
            rs.getString("holder"), rs.getString("pattern"), rs.getInt("exclusive") != 0, rs.getString("reason"),
            rs.getLong("created_at"), Rows.nullableLong(rs, "expires_at"));
    private static final String SELECT = """
            SELECT r.id, a.name AS holder, r.pattern, r.exclusive, r.reason, r.created_at, r.expires_at, r.agent_id
            FROM reservations r JOIN agents a ON a.id = r.agent_id""";

    private final Handle h;

    /** @param h the open transaction's handle (see {@link StoreTx#table}) */
    public ReservationTable(Handle h) {
        this.h = h;
    }

    /** @return this table in the transaction {@code tx} */
    public static ReservationTable of(StoreTx tx) {
        return tx.table(ReservationTable::new);
    }

    /** Deletes leases whose TTL ran out before {@code now}; @return how many */
    public int expire(String project, long now) {
        return h.createUpdate("DELETE FROM reservations WHERE project = :p AND expires_at IS NOT NULL AND expires_at <= :now")
                .bind("p", project).bind("now", now).execute();
    }

    /** @return the leases of the project live at {@code now} (TTL not run out), oldest first */
    public List<Reservation> live(String project, long now) {
        return h.createQuery(SELECT + " WHERE r.project = :p AND (r.expires_at IS NULL OR r.expires_at > :now) ORDER BY r.id")
                .bind("p", project).bind("now", now).map(MAPPER).list();
    }

    /** @return the leases of the project in any TTL state, oldest first (for a {@link LeaseIndex}) */
    public List<Reservation> all(String project) {
        return h.createQuery(SELECT + " WHERE r.project = :p ORDER BY r.id").bind("p", project).map(MAPPER).list();
    }

    /** @return the version of all leases and holder names, bumped by triggers on every change (schema v4) */
    public long version() {
        return h.createQuery("SELECT v FROM reservation_version").mapTo(Long.class).one();
    }

    /** @return the leases held by agent {@code agentId}, oldest first */
    public List<Reservation> byAgent(long agentId) {
        return h.createQuery(SELECT + " WHERE r.agent_id = :a ORDER BY r.id").bind("a", agentId).map(MAPPER).list();
    }

    /** Inserts a lease; @return its id */
    public long insert(String project, long agentId, String pattern, boolean exclusive, String reason, long at,
                       Long expiresAt) {
        return h.createUpdate("""
                        INSERT INTO reservations (project, agent_id, pattern, exclusive, reason, created_at, expires_at)
                        VALUES (:p, :a, :pat, :x, :r, :at, :exp)""")
                .bind("p", project).bind("a", agentId).bind("pat", pattern).bind("x", exclusive ? 1 : 0)
                .bind("r", reason).bind("at", at).bind("exp", expiresAt)
                .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
    }

    /** Deletes the lease with this id; @return true if it existed */
    public boolean delete(long id) {
        return h.createUpdate("DELETE FROM reservations WHERE id = :id").bind("id", id).execute() == 1;
    }

    /** Deletes every lease of the agent; @return how many */
    public int deleteByAgent(long agentId) {
        return h.createUpdate("DELETE FROM reservations WHERE agent_id = :a").bind("a", agentId).execute();
    }
}
