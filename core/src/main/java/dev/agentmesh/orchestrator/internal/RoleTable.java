package dev.agentmesh.orchestrator.internal;

import dev.agentmesh.store.Rows;
import dev.agentmesh.store.StoreTx;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

import java.util.List;

/** SQL for the {@code orchestrator_roles} table (schema v14), read together with the holders' presence in {@code agents}. */
public final class RoleTable {
    /** The role of the one orchestrator of a circle. */
    public static final String ORCHESTRATOR = "orchestrator";
    /** The role of an observer of a circle (any number of them). */
    public static final String OBSERVER = "observer";

    /**
     * A role with its holder as the agents table has it now.
     *
     * @param agentId     the holder's store id
     * @param name        the holder's current name
     * @param role        {@link #ORCHESTRATOR} or {@link #OBSERVER}
     * @param claimedAt   epoch ms of the claim
     * @param renewedAt   epoch ms of the holder's last claim of it
     * @param present     whether the holder has not left
     * @param agentCircle the holder's circle now, or null for none
     * @param lastSeen    epoch ms of the holder's last action
     * @param leaseUntil  epoch ms until which the holder's connection keeps it present, or null
     * @param description the holder's description (fresh or not), or null
     * @param descriptionExpiresAt epoch ms the description goes stale, or null
     */
    public record Row(long agentId, String name, String role, long claimedAt, long renewedAt, boolean present,
                      String agentCircle, long lastSeen, Long leaseUntil, String description, Long descriptionExpiresAt) {
    }

    private static final RowMapper<Row> MAPPER = (rs, ctx) -> new Row(rs.getLong("agent_id"), rs.getString("name"),
            rs.getString("role"), rs.getLong("claimed_at"), rs.getLong("renewed_at"), Rows.nullableLong(rs, "left_at") == null,
            rs.getString("circle"), rs.getLong("last_seen"), Rows.nullableLong(rs, "lease_until"), rs.getString("description"),
            Rows.nullableLong(rs, "description_expires_at"));

    private final Handle h;

    /** @param h the open transaction's handle (see {@link StoreTx#table}) */
    public RoleTable(Handle h) {
        this.h = h;
    }

    /** @return this table in the transaction {@code tx} */
    public static RoleTable of(StoreTx tx) {
        return tx.table(RoleTable::new);
    }

    /** @return the roles of {@code circle} ('' for the whole project), the orchestrator first, then by claim time */
    public List<Row> byCircle(String project, String circle) {
        return h.createQuery("""
                        SELECT r.agent_id, r.role, r.claimed_at, r.renewed_at, a.name, a.left_at, a.circle, a.last_seen,
                          a.lease_until, a.description, a.description_expires_at
                        FROM orchestrator_roles r JOIN agents a ON a.id = r.agent_id
                        WHERE r.project = :p AND r.circle = :c
                        ORDER BY CASE r.role WHEN 'orchestrator' THEN 0 ELSE 1 END, r.claimed_at, a.name""")
                .bind("p", project).bind("c", circle).map(MAPPER).list();
    }

    /**
     * Makes {@code agentId} the orchestrator of a circle that has no orchestrator row.
     *
     * @return 1, or 0 if the circle has an orchestrator row already (nothing changes)
     */
    public int insertOrchestrator(String project, String circle, long agentId, long at) {
        return h.createUpdate("""
                        INSERT INTO orchestrator_roles (project, circle, agent_id, role, claimed_at, renewed_at)
                        VALUES (:p, :c, :a, 'orchestrator', :at, :at) ON CONFLICT DO NOTHING""")
                .bind("p", project).bind("c", circle).bind("a", agentId).bind("at", at).execute();
    }

    /**
     * The compare-and-set of a takeover: the orchestrator row of the circle passes from {@code expected} to
     * {@code agentId}, only if {@code expected} still holds it.
     *
     * @return 1 when it changed hands, 0 when {@code expected} no longer held it
     */
    public int replaceOrchestrator(String project, String circle, long expected, long agentId, long at) {
        return h.createUpdate("""
                        UPDATE orchestrator_roles SET agent_id = :a, claimed_at = :at, renewed_at = :at
                        WHERE project = :p AND circle = :c AND role = 'orchestrator' AND agent_id = :e""")
                .bind("p", project).bind("c", circle).bind("a", agentId).bind("e", expected).bind("at", at).execute();
    }

    /** Records that the holder claimed its role again at {@code at} (a heartbeat). */
    public void renew(String project, String circle, long agentId, long at) {
        h.createUpdate("UPDATE orchestrator_roles SET renewed_at = :at WHERE project = :p AND circle = :c AND agent_id = :a")
                .bind("p", project).bind("c", circle).bind("a", agentId).bind("at", at).execute();
    }

    /**
     * Makes {@code agentId} an observer of the circle: a new row, or its orchestrator row turned into an observer's
     * (it steps down); an observer that claims again is renewed.
     */
    public void observe(String project, String circle, long agentId, long at) {
        h.createUpdate("""
                        INSERT INTO orchestrator_roles (project, circle, agent_id, role, claimed_at, renewed_at)
                        VALUES (:p, :c, :a, 'observer', :at, :at)
                        ON CONFLICT (project, circle, agent_id) DO UPDATE SET renewed_at = excluded.renewed_at,
                          claimed_at = CASE role WHEN 'observer' THEN claimed_at ELSE excluded.claimed_at END, role = 'observer'""")
                .bind("p", project).bind("c", circle).bind("a", agentId).bind("at", at).execute();
    }

    /** Deletes the agent's role in the circle, if any. */
    public void delete(String project, String circle, long agentId) {
        h.createUpdate("DELETE FROM orchestrator_roles WHERE project = :p AND circle = :c AND agent_id = :a")
                .bind("p", project).bind("c", circle).bind("a", agentId).execute();
    }

    /** Deletes every role of the agent (it left or was reaped); @return how many */
    public int deleteByAgent(long agentId) {
        return h.createUpdate("DELETE FROM orchestrator_roles WHERE agent_id = :a").bind("a", agentId).execute();
    }
}
