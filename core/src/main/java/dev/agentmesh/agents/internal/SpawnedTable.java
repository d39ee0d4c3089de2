package dev.agentmesh.agents.internal;

import dev.agentmesh.agents.SpawnedAgent;
import dev.agentmesh.store.StoreTx;
import org.jdbi.v3.core.Handle;

import java.util.List;
import java.util.Optional;

/** SQL for {@code spawned_agents}, the registry of persistent named agents. */
public final class SpawnedTable {
    private final Handle h;

    /** @param h the open transaction's handle (see {@link StoreTx#table}) */
    public SpawnedTable(Handle h) {
        this.h = h;
    }

    /** @return this table in the transaction {@code tx} */
    public static SpawnedTable of(StoreTx tx) {
        return tx.table(SpawnedTable::new);
    }

    /** @return the agent of that name in the project */
    public Optional<SpawnedAgent> byName(String project, String name) {
        return h.createQuery("SELECT * FROM spawned_agents WHERE project = :p AND name = :n")
                .bind("p", project).bind("n", name).map(SpawnedTable::row).findOne();
    }

    /** @return the project's agents by name */
    public List<SpawnedAgent> list(String project) {
        return h.createQuery("SELECT * FROM spawned_agents WHERE project = :p ORDER BY name")
                .bind("p", project).map(SpawnedTable::row).list();
    }

    /** @return every agent not stopped, of every project, as project and agent */
    public List<java.util.Map.Entry<String, SpawnedAgent>> running() {
        return h.createQuery("SELECT * FROM spawned_agents WHERE status <> :s")
                .bind("s", SpawnedAgent.STOPPED)
                .map((rs, ctx) -> java.util.Map.entry(rs.getString("project"), row(rs, ctx))).list();
    }

    /** Inserts or replaces the row of {@code a.name()}. */
    public void save(String project, SpawnedAgent a) {
        h.createUpdate("""
                        INSERT INTO spawned_agents (project, name, runtime, model, profile, session_id, status, workstream,
                          task, summary, pid, created_at, updated_at)
                        VALUES (:p, :n, :r, :m, :pr, :sid, :s, :w, :t, :sum, :pid, :c, :u)
                        ON CONFLICT (project, name) DO UPDATE SET runtime = :r, model = :m, profile = :pr, session_id = :sid,
                          status = :s, workstream = :w, task = :t, summary = :sum, pid = :pid, updated_at = :u""")
                .bind("p", project).bind("n", a.name()).bind("r", a.runtime()).bind("m", a.model()).bind("pr", a.profile())
                .bind("sid", a.sessionId()).bind("s", a.status()).bind("w", a.workstream()).bind("t", a.task())
                .bind("sum", a.summary()).bind("pid", a.pid()).bind("c", a.createdAt()).bind("u", a.updatedAt()).execute();
    }

    /** Sets the session label of the agent {@code name} (seed 003). */
    public void setSession(String project, String name, String session) {
        h.createUpdate("UPDATE spawned_agents SET session = :s WHERE project = :p AND name = :n")
                .bind("p", project).bind("n", name).bind("s", session).execute();
    }

    /** @return the session label of the agent {@code name}, if it has one */
    public Optional<String> session(String project, String name) {
        return h.createQuery("SELECT session FROM spawned_agents WHERE project = :p AND name = :n")
                .bind("p", project).bind("n", name).mapTo(String.class).findOne();
    }

    /** @return the names of the project's agents in {@code session}, by name */
    public List<String> namesInSession(String project, String session) {
        return h.createQuery("SELECT name FROM spawned_agents WHERE project = :p AND session = :s ORDER BY name")
                .bind("p", project).bind("s", session).mapTo(String.class).list();
    }

    /** @return whether a row was deleted */
    public boolean delete(String project, String name) {
        return h.createUpdate("DELETE FROM spawned_agents WHERE project = :p AND name = :n")
                .bind("p", project).bind("n", name).execute() == 1;
    }

    private static SpawnedAgent row(java.sql.ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx) throws java.sql.SQLException {
        long pid = rs.getLong("pid");
        Long knownPid = rs.wasNull() ? null : pid;
        return new SpawnedAgent(rs.getString("name"), rs.getString("runtime"), rs.getString("model"), rs.getString("profile"),
                rs.getString("session_id"), rs.getString("status"), rs.getString("workstream"), rs.getString("task"),
                rs.getString("summary"), knownPid, rs.getLong("created_at"), rs.getLong("updated_at"));
    }
}
