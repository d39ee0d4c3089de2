package dev.agentmesh.mesh.internal;

import dev.agentmesh.mesh.Agent;
import dev.agentmesh.store.Rows;
import dev.agentmesh.store.StoreTx;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

import java.util.List;
import java.util.Optional;

/** SQL for the {@code agents} table. */
public final class AgentTable {
    private static final RowMapper<Agent> MAPPER = (rs, ctx) -> new Agent(
            rs.getLong("id"), rs.getString("name"), Rows.nullableLong(rs, "pid"), rs.getString("host"),
            rs.getString("cwd"), rs.getString("runtime"), rs.getString("model"), rs.getString("branch"),
            rs.getString("status_message"), rs.getLong("joined_at"), rs.getLong("last_seen"),
            Rows.nullableLong(rs, "left_at"), Rows.nullableLong(rs, "lease_until"), rs.getString("circle"),
            rs.getString("description"), Rows.nullableLong(rs, "description_expires_at"));

    private final Handle h;

    /** @param h the open transaction's handle (see {@link StoreTx#table}) */
    public AgentTable(Handle h) {
        this.h = h;
    }

    /** @return this table in the transaction {@code tx} */
    public static AgentTable of(StoreTx tx) {
        return tx.table(AgentTable::new);
    }

    /** @return the agent named {@code name} in {@code project}, present or not */
    public Optional<Agent> byName(String project, String name) {
        return h.createQuery("SELECT * FROM agents WHERE project = :p AND name = :n")
                .bind("p", project).bind("n", name).map(MAPPER).findOne();
    }

    /** @return the agent with store id {@code id} */
    public Optional<Agent> byId(long id) {
        return h.createQuery("SELECT * FROM agents WHERE id = :id").bind("id", id).map(MAPPER).findOne();
    }

    /** @return the agents of the project, present ones only unless {@code includeLeft}, by name */
    public List<Agent> list(String project, boolean includeLeft) {
        return h.createQuery("SELECT * FROM agents WHERE project = :p"
                        + (includeLeft ? "" : " AND left_at IS NULL") + " ORDER BY name")
                .bind("p", project).map(MAPPER).list();
    }

    /** Inserts a new present agent; @return its id */
    public long insert(String project, Agent a) {
        return h.createUpdate("""
                        INSERT INTO agents (project, name, pid, host, cwd, runtime, model, branch, joined_at, last_seen)
                        VALUES (:p, :name, :pid, :host, :cwd, :runtime, :model, :branch, :at, :at)""")
                .bind("p", project).bind("name", a.name()).bind("pid", a.pid()).bind("host", a.host())
                .bind("cwd", a.cwd()).bind("runtime", a.runtime()).bind("model", a.model()).bind("branch", a.branch())
                .bind("at", a.joinedAt())
                .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
    }

    /** Marks an existing row present again with fresh process facts (a rejoin keeps the id and the inbox). */
    public void rejoin(long id, Agent a) {
        h.createUpdate("""
                        UPDATE agents SET pid = :pid, host = :host, cwd = :cwd, runtime = :runtime, model = :model,
                          branch = :branch, joined_at = :at, last_seen = :at, left_at = NULL, status_message = NULL,
                          lease_until = NULL
                        WHERE id = :id""")
                .bind("id", id).bind("pid", a.pid()).bind("host", a.host()).bind("cwd", a.cwd())
                .bind("runtime", a.runtime()).bind("model", a.model()).bind("branch", a.branch())
                .bind("at", a.joinedAt()).execute();
    }

    /** Marks the agent as left at {@code at}. */
    public void markLeft(long id, long at) {
        h.createUpdate("UPDATE agents SET left_at = :at, last_seen = :at WHERE id = :id")
                .bind("id", id).bind("at", at).execute();
    }

    /** Records activity. */
    public void touch(long id, long at) {
        h.createUpdate("UPDATE agents SET last_seen = :at WHERE id = :id").bind("id", id).bind("at", at).execute();
    }

    /** Sets or clears (null) the status message. */
    public void setStatus(long id, String message, long at) {
        h.createUpdate("UPDATE agents SET status_message = :m, last_seen = :at WHERE id = :id")
                .bind("id", id).bind("m", message).bind("at", at).execute();
    }

    /** Sets or clears (null) the agent's circle (schema v14). */
    public void setCircle(long id, String circle) {
        h.createUpdate("UPDATE agents SET circle = :c WHERE id = :id").bind("id", id).bind("c", circle).execute();
    }

    /** Sets or clears (null, null) the description and its expiry (epoch ms), recording activity at {@code at}. */
    public void setDescription(long id, String description, Long expiresAt, long at) {
        h.createUpdate("UPDATE agents SET description = :d, description_expires_at = :e, last_seen = :at WHERE id = :id")
                .bind("id", id).bind("d", description).bind("e", expiresAt).bind("at", at).execute();
    }

    /** Sets the pid (a runtime learns its child's pid after the join). */
    public void setPid(long id, long pid) {
        h.createUpdate("UPDATE agents SET pid = :pid WHERE id = :id").bind("id", id).bind("pid", pid).execute();
    }

    /**
     * Extends the heartbeat lease of the present agents named {@code names} in {@code project} to {@code until}.
     *
     * @return how many rows it renewed
     */
    public int renewLeases(String project, java.util.Collection<String> names, long until) {
        if (names.isEmpty()) {
            return 0;
        }
        return h.createUpdate("UPDATE agents SET lease_until = :u WHERE project = :p AND name IN (<names>) AND left_at IS NULL")
                .bind("u", until).bind("p", project).bindList("names", List.copyOf(names)).execute();
    }

    /** Sets the SHA-256 (hex) of the agent's token. */
    public void setTokenHash(long id, String hash) {
        h.createUpdate("UPDATE agents SET token_hash = :t WHERE id = :id").bind("id", id).bind("t", hash).execute();
    }


    /**
     * What a call as an agent needs to know before it runs.
     *
     * @param tokenHash the SHA-256 (hex) of its token, "" when it has none
     * @param unread    messages not yet delivered to it
     */
    public record CallerState(String tokenHash, int unread) {
    }

    /** @return the token hash and unread count of the agent named {@code name}, in one query; empty when unknown */
    public Optional<CallerState> callerState(String project, String name) {
        return h.createQuery("""
                        SELECT COALESCE(a.token_hash, '') AS token_hash,
                          (SELECT COUNT(*) FROM deliveries d WHERE d.recipient_id = a.id AND d.delivered_at IS NULL) AS unread
                        FROM agents a WHERE a.project = :p AND a.name = :n""")
                .bind("p", project).bind("n", name)
                .map((rs, ctx) -> new CallerState(rs.getString("token_hash"), rs.getInt("unread"))).findOne();
    }

    /** @return the SHA-256 (hex) of the token of the agent named {@code name}, if it has one */
    public Optional<String> tokenHash(String project, String name) {
        return h.createQuery("SELECT token_hash FROM agents WHERE project = :p AND name = :n AND token_hash IS NOT NULL")
                .bind("p", project).bind("n", name).mapTo(String.class).findOne();
    }

    /** Renames the agent. */
    public void rename(long id, String name, long at) {
        h.createUpdate("UPDATE agents SET name = :n, last_seen = :at WHERE id = :id")
                .bind("id", id).bind("n", name).bind("at", at).execute();
    }

    /** Deletes a left agent's row so its name can be taken; only valid when nothing references it. */
    public boolean deleteIfUnreferenced(long id) {
        int refs = h.createQuery("""
                        SELECT (SELECT COUNT(*) FROM deliveries WHERE recipient_id = :id)
                             + (SELECT COUNT(*) FROM reservations WHERE agent_id = :id)
                             + (SELECT COUNT(*) FROM swarm_claims WHERE agent_id = :id)""")
                .bind("id", id).mapTo(Integer.class).one();
        return refs == 0 && h.createUpdate("DELETE FROM agents WHERE id = :id").bind("id", id).execute() == 1;
    }

    /** @return the projects (keys) that have present agents, in any order */
    public List<String> projectsWithPresentAgents() {
        return h.createQuery("SELECT DISTINCT project FROM agents WHERE left_at IS NULL").mapTo(String.class).list();
    }
}
