package dev.agentmesh.orchestrator.internal;

import dev.agentmesh.orchestrator.Job;
import dev.agentmesh.store.Rows;
import dev.agentmesh.store.StoreTx;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** SQL for {@code jobs}. */
public final class JobTable {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final RowMapper<Job> JOB = (rs, ctx) -> job(rs);
    private final Handle h;

    /** @param h the open transaction's handle */
    public JobTable(Handle h) {
        this.h = h;
    }

    /** @return this table in {@code tx} */
    public static JobTable of(StoreTx tx) {
        return tx.table(JobTable::new);
    }

    /** Inserts a queued job; @return its id */
    public long insert(String project, String owner, String assignee, String title, String kind, String request, int maxAttempts,
                       Long nextAttemptAt, Long dueAt, String cron, Long parentId, Long deadline, long now) {
        return h.createUpdate("""
                        INSERT INTO jobs (project, owner, assignee, title, kind, request, state, max_attempts, next_attempt_at, due_at,
                          cron, parent_id, deadline, created_at, updated_at)
                        VALUES (:p, :o, :a, :t, :k, :r, 'queued', :max, :next, :due, :cron, :parent, :deadline, :now, :now)""")
                .bind("p", project).bind("o", owner).bind("a", assignee).bind("t", title).bind("k", kind).bind("r", request)
                .bind("max", maxAttempts).bind("next", nextAttemptAt).bind("due", dueAt).bind("cron", cron).bind("parent", parentId)
                .bind("deadline", deadline).bind("now", now)
                .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
    }

    /** @return the job, if the project has it */
    public Optional<Job> get(String project, long id) {
        return h.createQuery("SELECT * FROM jobs WHERE project = :p AND id = :id").bind("p", project).bind("id", id).map(JOB).findOne();
    }

    /** @return the project's jobs, newest first, filtered by assignee and state */
    public List<Job> list(String project, String assignee, String state, int limit) {
        return h.createQuery("""
                        SELECT * FROM jobs WHERE project = :p AND (:a IS NULL OR assignee = :a) AND (:s IS NULL OR state = :s)
                        ORDER BY id DESC LIMIT :n""")
                .bind("p", project).bind("a", assignee).bind("s", state).bind("n", limit).map(JOB).list();
    }

    /**
     * Writes the changed columns of a job, compare-and-set on its state.
     *
     * @param expectedState the state it must still be in
     * @param set           column to value (columns of {@code jobs}; {@code artifacts} as a list)
     * @return whether it was still in {@code expectedState}
     */
    public boolean update(long id, String expectedState, Map<String, Object> set, long now) {
        StringBuilder sql = new StringBuilder("UPDATE jobs SET updated_at = :now");
        set.keySet().forEach(c -> sql.append(", ").append(c).append(" = :").append(c));
        var u = h.createUpdate(sql + " WHERE id = :id AND state = :expected").bind("now", now).bind("id", id).bind("expected", expectedState);
        set.forEach((c, v) -> u.bind(c, v instanceof List<?> l ? JSON.writeValueAsString(l) : v instanceof Boolean b ? (b ? 1 : 0) : v));
        return u.execute() == 1;
    }

    /** @return ids of queued, assigned, non-template jobs due by {@code now}, oldest first, across projects */
    public List<Object[]> dueForDispatch(long now, int limit) {
        return h.createQuery("""
                        SELECT project, id FROM jobs WHERE state = 'queued' AND cron IS NULL AND assignee IS NOT NULL
                          AND (next_attempt_at IS NULL OR next_attempt_at <= :now) ORDER BY id LIMIT :n""")
                .bind("now", now).bind("n", limit).map((rs, ctx) -> new Object[]{rs.getString(1), rs.getLong(2)}).list();
    }

    /** @return templates whose next fire is due, across projects */
    public List<Object[]> dueTemplates(long now, int limit) {
        return h.createQuery("""
                        SELECT project, id FROM jobs WHERE state = 'queued' AND cron IS NOT NULL AND next_attempt_at <= :now
                        ORDER BY id LIMIT :n""")
                .bind("now", now).bind("n", limit).map((rs, ctx) -> new Object[]{rs.getString(1), rs.getLong(2)}).list();
    }

    /** @return jobs being dispatched or worked on, across projects: their delivery, deadline and executor are checked */
    public List<Object[]> inFlight(int limit) {
        return h.createQuery("""
                        SELECT project, id FROM jobs WHERE state IN ('dispatching', 'delivered', 'running', 'awaiting_input', 'blocked')
                           OR (state = 'queued' AND deadline IS NOT NULL) ORDER BY id LIMIT :n""")
                .bind("n", limit).map((rs, ctx) -> new Object[]{rs.getString(1), rs.getLong(2)}).list();
    }

    /** @return the earliest next_attempt_at of a queued job, across projects, or null */
    public Long nextDue() {
        return h.createQuery("SELECT MIN(next_attempt_at) FROM jobs WHERE state = 'queued' AND assignee IS NOT NULL")
                .mapTo(Long.class).findOne().orElse(null);
    }

    /** @return whether any assigned job is not terminal, across projects (the supervisor then stays up) */
    public boolean anyLive() {
        return h.createQuery("SELECT EXISTS (SELECT 1 FROM jobs WHERE assignee IS NOT NULL AND state NOT IN ('completed', 'failed', 'cancelled', 'expired', 'unavailable'))")
                .mapTo(Boolean.class).one();
    }

    /**
     * @return when the mesh message {@code messageId} was delivered to the agent named {@code recipient}, or null (the
     *         deliveries of the mesh's messages, read here so a job's state follows its ask's delivery)
     */
    public Long deliveredAt(String project, long messageId, String recipient) {
        return h.createQuery("""
                        SELECT d.delivered_at FROM deliveries d JOIN agents a ON a.id = d.recipient_id
                        WHERE d.message_id = :m AND a.project = :p AND a.name = :r""")
                .bind("m", messageId).bind("p", project).bind("r", recipient).mapTo(Long.class).findOne().orElse(null);
    }

    private static Job job(ResultSet rs) throws SQLException {
        Integer progress = rs.getInt("progress");
        if (rs.wasNull()) {
            progress = null;
        }
        return new Job(rs.getLong("id"), rs.getString("title"), rs.getString("kind"), rs.getString("owner"), rs.getString("assignee"),
                rs.getString("request"), rs.getString("state"), rs.getString("phase"), progress, rs.getString("result"),
                rs.getString("error"), JSON.readValue(rs.getString("artifacts"), new TypeReference<List<String>>() {
                }), rs.getInt("attempts"), rs.getInt("max_attempts"), Rows.nullableLong(rs, "next_attempt_at"),
                rs.getInt("dead_lettered") != 0, Rows.nullableLong(rs, "ask_id"), Rows.nullableLong(rs, "due_at"), rs.getString("cron"),
                Rows.nullableLong(rs, "parent_id"), Rows.nullableLong(rs, "deadline"), rs.getLong("created_at"), rs.getLong("updated_at"));
    }
}
