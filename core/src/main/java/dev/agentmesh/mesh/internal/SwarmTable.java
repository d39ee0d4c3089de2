package dev.agentmesh.mesh.internal;

import dev.agentmesh.mesh.SwarmClaim;
import dev.agentmesh.store.Rows;
import dev.agentmesh.store.StoreTx;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

import java.util.List;
import java.util.Optional;

/** SQL for the {@code swarm_claims} table. */
public final class SwarmTable {
    private static final RowMapper<SwarmClaim> MAPPER = (rs, ctx) -> new SwarmClaim(rs.getString("spec"),
            rs.getString("task_id"), rs.getString("holder"), rs.getLong("claimed_at"), Rows.nullableLong(rs, "completed_at"),
            rs.getString("result"));
    private static final String SELECT = """
            SELECT c.spec, c.task_id, a.name AS holder, c.claimed_at, c.completed_at, c.result, c.agent_id
            FROM swarm_claims c JOIN agents a ON a.id = c.agent_id""";

    private final Handle h;

    /** @param h the open transaction's handle (see {@link StoreTx#table}) */
    public SwarmTable(Handle h) {
        this.h = h;
    }

    /** @return this table in the transaction {@code tx} */
    public static SwarmTable of(StoreTx tx) {
        return tx.table(SwarmTable::new);
    }

    /** @return the claim of the task, with the holder's agent id */
    public Optional<Held> find(String project, String spec, String taskId) {
        return h.createQuery(SELECT + " WHERE c.project = :p AND c.spec = :s AND c.task_id = :t")
                .bind("p", project).bind("s", spec).bind("t", taskId)
                .map((rs, ctx) -> new Held(MAPPER.map(rs, ctx), rs.getLong("agent_id"))).findOne();
    }

    /** A claim and the id of its holder. */
    public record Held(SwarmClaim claim, long agentId) {
    }

    /** @return the claims of the project, of {@code spec} only unless null, oldest first */
    public List<SwarmClaim> list(String project, String spec) {
        return h.createQuery(SELECT + " WHERE c.project = :p" + (spec == null ? "" : " AND c.spec = :s") + " ORDER BY c.id")
                .bind("p", project).bind("s", spec).map(MAPPER).list();
    }

    /** Inserts a claim; the unique key refuses a second claim of the same task. */
    public void insert(String project, String spec, String taskId, long agentId, long at) {
        h.createUpdate("INSERT INTO swarm_claims (project, spec, task_id, agent_id, claimed_at) VALUES (:p, :s, :t, :a, :at)")
                .bind("p", project).bind("s", spec).bind("t", taskId).bind("a", agentId).bind("at", at).execute();
    }

    /** Deletes the open claim of the task by {@code agentId}; @return true if there was one */
    public boolean deleteOpen(String project, String spec, String taskId, long agentId) {
        return h.createUpdate("DELETE FROM swarm_claims WHERE project = :p AND spec = :s AND task_id = :t AND agent_id = :a"
                        + " AND completed_at IS NULL")
                .bind("p", project).bind("s", spec).bind("t", taskId).bind("a", agentId).execute() == 1;
    }

    /** Marks the open claim of the task by {@code agentId} completed; @return true if there was one */
    public boolean complete(String project, String spec, String taskId, long agentId, String result, long at) {
        return h.createUpdate("UPDATE swarm_claims SET completed_at = :at, result = :r WHERE project = :p AND spec = :s"
                        + " AND task_id = :t AND agent_id = :a AND completed_at IS NULL")
                .bind("p", project).bind("s", spec).bind("t", taskId).bind("a", agentId).bind("r", result).bind("at", at)
                .execute() == 1;
    }

    /** Frees every open claim of an agent that left or died; @return how many */
    public int releaseOpen(long agentId) {
        return h.createUpdate("DELETE FROM swarm_claims WHERE agent_id = :a AND completed_at IS NULL").bind("a", agentId).execute();
    }
}
