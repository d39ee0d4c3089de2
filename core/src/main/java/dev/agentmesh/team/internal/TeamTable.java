package dev.agentmesh.team.internal;

import dev.agentmesh.team.TeamEvent;
import dev.agentmesh.team.TeamPlan;
import dev.agentmesh.team.TeamRun;
import dev.agentmesh.team.TeamStep;
import dev.agentmesh.store.StoreTx;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementContext;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** SQL for {@code team_runs}, {@code team_steps}, {@code team_events}, {@code team_messages} and {@code team_counters}. */
public final class TeamTable {
    private static final org.jdbi.v3.core.mapper.RowMapper<TeamRun> RUN = TeamTable::run;
    private static final org.jdbi.v3.core.mapper.RowMapper<TeamStep> STEP = TeamTable::step;
    /** Plans, notices and tool lists are stored as JSON. */
    private static final tools.jackson.databind.json.JsonMapper JSON = tools.jackson.databind.json.JsonMapper.builder().build();
    private final Handle h;

    /** @param h the open transaction's handle (see {@link StoreTx#table}) */
    public TeamTable(Handle h) {
        this.h = h;
    }

    /** @return this table in the transaction {@code tx} */
    public static TeamTable of(StoreTx tx) {
        return tx.table(TeamTable::new);
    }

    /** @return the next run number of the project (1 for its first run), counted */
    public long nextNumber(String project) {
        h.createUpdate("""
                INSERT INTO team_counters (project, last_run) VALUES (:p, 1)
                ON CONFLICT (project) DO UPDATE SET last_run = last_run + 1""").bind("p", project).execute();
        return h.createQuery("SELECT last_run FROM team_counters WHERE project = :p").bind("p", project).mapTo(Long.class).one();
    }

    /** Inserts a new run. */
    public void insertRun(String project, long number, TeamRun r) {
        h.createUpdate("""
                        INSERT INTO team_runs (project, run_id, number, owner, objective, status, plan, notices, cwd, artifacts,
                          supervisor_pid, created_at)
                        VALUES (:p, :id, :n, :o, :obj, :s, :plan, :notices, :cwd, :art, :pid, :c)""")
                .bind("p", project).bind("id", r.runId()).bind("n", number).bind("o", r.owner()).bind("obj", r.objective())
                .bind("s", r.status()).bind("plan", JSON.writeValueAsString(r.plan()))
                .bind("notices", JSON.createObjectNode().put("mode", r.noticeMode()).put("maxNotices", r.maxNotices())
                        .put("minIntervalSeconds", r.noticeInterval()).toString())
                .bind("cwd", r.cwd().toString()).bind("art", r.artifacts().toString()).bind("pid", r.supervisorPid())
                .bind("c", r.createdAt()).execute();
    }

    /** Inserts a step of a new run. */
    public void insertStep(String project, String runId, TeamStep s) {
        h.createUpdate("""
                        INSERT INTO team_steps (project, run_id, step_id, position, status, runtime, model, thinking, tools, cwd)
                        VALUES (:p, :r, :s, :pos, :st, :rt, :m, :t, :tools, :cwd)""")
                .bind("p", project).bind("r", runId).bind("s", s.stepId()).bind("pos", s.position()).bind("st", s.status())
                .bind("rt", s.runtime()).bind("m", s.model()).bind("t", s.thinking())
                .bind("tools", JSON.writeValueAsString(s.tools())).bind("cwd", s.cwd()).execute();
    }

    /** @return the run, if the project has it */
    public Optional<TeamRun> run(String project, String runId) {
        return h.createQuery("SELECT * FROM team_runs WHERE project = :p AND run_id = :r").bind("p", project).bind("r", runId)
                .map(RUN).findOne();
    }

    /** @return the project's runs, oldest first */
    public List<TeamRun> runs(String project) {
        return h.createQuery("SELECT * FROM team_runs WHERE project = :p ORDER BY number").bind("p", project)
                .map(RUN).list();
    }

    /** @return the projects with a running run */
    public List<String> projectsWithLiveRuns() {
        return h.createQuery("SELECT DISTINCT project FROM team_runs WHERE status = :s").bind("s", TeamRun.RUNNING)
                .mapTo(String.class).list();
    }

    /** @return how many runs of the project are live (running), and how many are retained (all) */
    public int[] counts(String project) {
        return h.createQuery("SELECT SUM(CASE WHEN status = :s THEN 1 ELSE 0 END) AS live, COUNT(*) AS total FROM team_runs WHERE project = :p")
                .bind("p", project).bind("s", TeamRun.RUNNING)
                .map((rs, ctx) -> new int[] {rs.getInt("live"), rs.getInt("total")}).one();
    }

    /** @return the terminal runs whose retention ended before {@code now} */
    public List<TeamRun> expired(String project, long now) {
        return h.createQuery("SELECT * FROM team_runs WHERE project = :p AND expires_at IS NOT NULL AND expires_at < :now")
                .bind("p", project).bind("now", now).map(RUN).list();
    }

    /** Sets a run's supervisor. */
    public void adopt(String project, String runId, long pid) {
        h.createUpdate("UPDATE team_runs SET supervisor_pid = :pid WHERE project = :p AND run_id = :r")
                .bind("p", project).bind("r", runId).bind("pid", pid).execute();
    }

    /** Ends a run. */
    public void endRun(String project, String runId, String status, String diagnostic, long now, long expiresAt) {
        h.createUpdate("""
                        UPDATE team_runs SET status = :s, diagnostic = :d, ended_at = :now, expires_at = :e
                        WHERE project = :p AND run_id = :r AND status = 'running'""")
                .bind("p", project).bind("r", runId).bind("s", status).bind("d", diagnostic).bind("now", now).bind("e", expiresAt)
                .execute();
    }

    /** Counts a milestone notice sent at {@code now}. */
    public void noticeSent(String project, String runId, long now) {
        h.createUpdate("UPDATE team_runs SET notices_sent = notices_sent + 1, last_notice_at = :now WHERE project = :p AND run_id = :r")
                .bind("p", project).bind("r", runId).bind("now", now).execute();
    }

    /** @return epoch ms of the run's last milestone notice, or null */
    public Long lastNoticeAt(String project, String runId) {
        return h.createQuery("SELECT last_notice_at FROM team_runs WHERE project = :p AND run_id = :r")
                .bind("p", project).bind("r", runId).mapTo(Long.class).findOne().orElse(null);
    }

    /** Deletes a run and all it holds. */
    public void delete(String project, String runId) {
        for (String table : List.of("team_events", "team_messages", "team_steps", "team_runs")) {
            h.createUpdate("DELETE FROM " + table + " WHERE project = :p AND run_id = :r").bind("p", project).bind("r", runId).execute();
        }
    }

    /** @return the run's steps in graph order */
    public List<TeamStep> steps(String project, String runId) {
        return h.createQuery("SELECT * FROM team_steps WHERE project = :p AND run_id = :r ORDER BY position")
                .bind("p", project).bind("r", runId).map(STEP).list();
    }

    /** Marks a step launched. */
    public void started(String project, String runId, String stepId, Long pid, String sessionId, String model, long now) {
        h.createUpdate("""
                        UPDATE team_steps SET status = 'running', pid = :pid, session_id = :sid, model = COALESCE(:m, model),
                          started_at = :now WHERE project = :p AND run_id = :r AND step_id = :s""")
                .bind("p", project).bind("r", runId).bind("s", stepId).bind("pid", pid).bind("sid", sessionId).bind("m", model)
                .bind("now", now).execute();
    }

    /** @return whether it ended the step (false when it had ended already) */
    public boolean ended(String project, String runId, String stepId, String status, String failure, Integer finalChars,
                         String artifact, long now) {
        return h.createUpdate("""
                        UPDATE team_steps SET status = :st, failure = :f, final_chars = :fc, artifact = :a, ended_at = :now
                        WHERE project = :p AND run_id = :r AND step_id = :s AND status IN ('pending', 'running')""")
                .bind("p", project).bind("r", runId).bind("s", stepId).bind("st", status).bind("f", failure).bind("fc", finalChars)
                .bind("a", artifact).bind("now", now).execute() == 1;
    }

    /** Sets a step's counters. */
    public void activity(String project, String runId, String stepId, long in, long out, double usd, int toolCalls, String last) {
        h.createUpdate("""
                        UPDATE team_steps SET input_tokens = :i, output_tokens = :o, cost_usd = :c, tool_calls = :t,
                          last_activity = :l WHERE project = :p AND run_id = :r AND step_id = :s""")
                .bind("p", project).bind("r", runId).bind("s", stepId).bind("i", in).bind("o", out).bind("c", usd)
                .bind("t", toolCalls).bind("l", last).execute();
    }

    /** Counts one parent message of {@code chars} characters against the step's budget. */
    public void countMessage(String project, String runId, String stepId, int chars) {
        h.createUpdate("""
                        UPDATE team_steps SET messages = messages + 1, message_chars = message_chars + :c
                        WHERE project = :p AND run_id = :r AND step_id = :s""")
                .bind("p", project).bind("r", runId).bind("s", stepId).bind("c", chars).execute();
    }

    /** @return the receipt stored for that message key, if any */
    public Optional<String> receipt(String project, String runId, String stepId, String key) {
        return h.createQuery("SELECT receipt FROM team_messages WHERE project = :p AND run_id = :r AND step_id = :s AND msg_key = :k")
                .bind("p", project).bind("r", runId).bind("s", stepId).bind("k", key).mapTo(String.class).findOne();
    }

    /** Stores the receipt of a message key. */
    public void saveReceipt(String project, String runId, String stepId, String key, String receipt) {
        h.createUpdate("""
                        INSERT INTO team_messages (project, run_id, step_id, msg_key, receipt) VALUES (:p, :r, :s, :k, :rc)
                        ON CONFLICT DO NOTHING""")
                .bind("p", project).bind("r", runId).bind("s", stepId).bind("k", key).bind("rc", receipt).execute();
    }

    /** Appends an event; @return its seq */
    public long event(String project, String runId, String stepId, String kind, boolean material, String text, long now) {
        long seq = h.createQuery("SELECT COALESCE(MAX(seq), 0) + 1 FROM team_events WHERE project = :p AND run_id = :r")
                .bind("p", project).bind("r", runId).mapTo(Long.class).one();
        h.createUpdate("""
                        INSERT INTO team_events (project, run_id, seq, at, step_id, kind, material, text)
                        VALUES (:p, :r, :seq, :at, :s, :k, :m, :t)""")
                .bind("p", project).bind("r", runId).bind("seq", seq).bind("at", now).bind("s", stepId).bind("k", kind)
                .bind("m", material ? 1 : 0).bind("t", text).execute();
        return seq;
    }

    /** Keeps the run's newest {@code max} events, dropping routine ones before state changes. */
    public void trimEvents(String project, String runId, int max) {
        int n = h.createQuery("SELECT COUNT(*) FROM team_events WHERE project = :p AND run_id = :r")
                .bind("p", project).bind("r", runId).mapTo(Integer.class).one();
        if (n <= max) {
            return;
        }
        h.createUpdate("""
                        DELETE FROM team_events WHERE project = :p AND run_id = :r AND seq IN (
                          SELECT seq FROM team_events WHERE project = :p AND run_id = :r ORDER BY material, seq LIMIT :x)""")
                .bind("p", project).bind("r", runId).bind("x", n - max).execute();
    }

    /** @return events after {@code afterSeq}, oldest first, at most {@code limit}; material ones only when asked */
    public List<TeamEvent> events(String project, String runId, long afterSeq, String stepId, boolean materialOnly, int limit) {
        return h.createQuery("""
                        SELECT * FROM team_events WHERE project = :p AND run_id = :r AND seq > :after
                          AND (:s IS NULL OR step_id = :s OR step_id IS NULL) AND (:mo = 0 OR material = 1)
                        ORDER BY seq LIMIT :l""")
                .bind("p", project).bind("r", runId).bind("after", afterSeq).bind("s", stepId).bind("mo", materialOnly ? 1 : 0)
                .bind("l", limit).map((rs, ctx) -> new TeamEvent(rs.getLong("seq"), rs.getLong("at"), rs.getString("step_id"),
                        rs.getString("kind"), rs.getInt("material") == 1, rs.getString("text"))).list();
    }

    /**
     * What a {@code run_status} wait checks, in one query: the run's status, whether a material event (of
     * {@code stepId} or the run's own, when given) follows {@code afterSeq}, and the last seq.
     *
     * @return {status, "1" or "0", last seq}, or empty for an unknown run
     */
    public Optional<String[]> pulse(String project, String runId, long afterSeq, String stepId) {
        return h.createQuery("""
                        SELECT r.status AS status,
                          EXISTS (SELECT 1 FROM team_events e WHERE e.project = r.project AND e.run_id = r.run_id AND e.seq > :after
                                  AND e.material = 1 AND (:s IS NULL OR e.step_id = :s OR e.step_id IS NULL)) AS material,
                          (SELECT COALESCE(MAX(seq), 0) FROM team_events e WHERE e.project = r.project AND e.run_id = r.run_id) AS last
                        FROM team_runs r WHERE r.project = :p AND r.run_id = :r""")
                .bind("p", project).bind("r", runId).bind("after", afterSeq).bind("s", stepId)
                .map((rs, ctx) -> new String[] {rs.getString("status"), rs.getString("material"), rs.getString("last")}).findOne();
    }

    /** @return the run's last event seq, 0 for none */
    public long lastSeq(String project, String runId) {
        return h.createQuery("SELECT COALESCE(MAX(seq), 0) FROM team_events WHERE project = :p AND run_id = :r")
                .bind("p", project).bind("r", runId).mapTo(Long.class).one();
    }

    private static TeamRun run(ResultSet rs, StatementContext ctx) throws SQLException {
        var notices = JSON.readTree(rs.getString("notices"));
        long pid = rs.getLong("supervisor_pid");
        Long supervisor = rs.wasNull() ? null : pid;
        return new TeamRun(rs.getString("run_id"), rs.getString("owner"), rs.getString("objective"), rs.getString("status"),
                JSON.readValue(rs.getString("plan"), TeamPlan.class), notices.path("mode").asString("milestones"),
                notices.path("maxNotices").asInt(12), notices.path("minIntervalSeconds").asInt(10), rs.getInt("notices_sent"),
                Path.of(rs.getString("cwd")), Path.of(rs.getString("artifacts")), supervisor, rs.getString("diagnostic"),
                rs.getLong("created_at"), longOrNull(rs, "ended_at"), longOrNull(rs, "expires_at"));
    }

    private static TeamStep step(ResultSet rs, StatementContext ctx) throws SQLException {
        List<String> tools = List.of(JSON.readValue(rs.getString("tools"), String[].class));
        int fc = rs.getInt("final_chars");
        Integer finalChars = rs.wasNull() ? null : fc;
        return new TeamStep(rs.getString("step_id"), rs.getInt("position"), rs.getString("status"), rs.getString("runtime"),
                rs.getString("model"), rs.getString("thinking"), tools, rs.getString("cwd"), longOrNull(rs, "pid"),
                rs.getString("session_id"), longOrNull(rs, "started_at"), longOrNull(rs, "ended_at"), rs.getString("failure"),
                finalChars, rs.getString("artifact"), rs.getLong("input_tokens"), rs.getLong("output_tokens"),
                rs.getDouble("cost_usd"), rs.getInt("tool_calls"), rs.getString("last_activity"), rs.getInt("messages"),
                rs.getInt("message_chars"));
    }

    private static Long longOrNull(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }
}
