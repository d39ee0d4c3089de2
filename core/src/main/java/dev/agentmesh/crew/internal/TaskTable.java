package dev.agentmesh.crew.internal;

import dev.agentmesh.crew.CrewRun;
import dev.agentmesh.crew.Review;
import dev.agentmesh.crew.Task;
import dev.agentmesh.crew.Verdict;
import dev.agentmesh.store.Rows;
import dev.agentmesh.store.StoreTx;
import org.jdbi.v3.core.Handle;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** SQL for the crew tables: {@code tasks}, {@code task_deps}, {@code reviews}, {@code crew_runs}. */
public final class TaskTable {
    private final Handle h;

    /** @param h the open transaction's handle (see {@link StoreTx#table}) */
    public TaskTable(Handle h) {
        this.h = h;
    }

    /** @return this table in the transaction {@code tx} */
    public static TaskTable of(StoreTx tx) {
        return tx.table(TaskTable::new);
    }

    /** @return every task of the project in plan order (insertion order), with its dependencies */
    public List<Task> list(String project) {
        Map<String, List<String>> deps = new LinkedHashMap<>();
        h.createQuery("SELECT task_id, depends_on FROM task_deps WHERE project = :p ORDER BY rowid")
                .bind("p", project)
                .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getString(2)))
                .forEach(e -> deps.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
        return h.createQuery("SELECT * FROM tasks WHERE project = :p ORDER BY rowid")
                .bind("p", project)
                .map((rs, ctx) -> new Task(rs.getString("id"), rs.getString("title"), rs.getString("description"),
                        Task.Status.fromWire(rs.getString("status")), rs.getString("assignee"), rs.getInt("attempts"),
                        rs.getInt("reviews"), rs.getString("verdict") == null ? null : Verdict.valueOf(rs.getString("verdict")),
                        rs.getString("feedback"), rs.getString("summary"), rs.getString("block_reason"),
                        Rows.nullableInt(rs, "wave"),
                        List.copyOf(deps.getOrDefault(rs.getString("id"), List.of())), rs.getLong("updated_at")))
                .list();
    }

    /** @return the task with this id */
    public Optional<Task> byId(String project, String id) {
        return list(project).stream().filter(t -> t.id().equals(id)).findFirst();
    }

    /** Inserts a new task and its dependencies. */
    public void insert(String project, Task t, long at) {
        h.createUpdate("""
                        INSERT INTO tasks (project, id, title, description, status, attempts, reviews, created_at, updated_at)
                        VALUES (:p, :id, :title, :d, :s, 0, 0, :at, :at)""")
                .bind("p", project).bind("id", t.id()).bind("title", t.title()).bind("d", t.description())
                .bind("s", t.status().wire()).bind("at", at).execute();
        for (String dep : t.dependsOn()) {
            h.createUpdate("INSERT INTO task_deps (project, task_id, depends_on) VALUES (:p, :t, :d)")
                    .bind("p", project).bind("t", t.id()).bind("d", dep).execute();
        }
    }

    /** Writes every mutable field of {@code t}; @return true if the row existed */
    public boolean save(String project, Task t, long at) {
        return h.createUpdate("""
                        UPDATE tasks SET status = :s, assignee = :a, attempts = :att, reviews = :rev, verdict = :v,
                          feedback = :f, summary = :sum, block_reason = :br, wave = :w, updated_at = :at
                        WHERE project = :p AND id = :id""")
                .bind("p", project).bind("id", t.id()).bind("s", t.status().wire()).bind("a", t.assignee())
                .bind("att", t.attempts()).bind("rev", t.reviews()).bind("v", t.verdict() == null ? null : t.verdict().name())
                .bind("f", t.feedback()).bind("sum", t.summary()).bind("br", t.blockReason()).bind("w", t.wave())
                .bind("at", at).execute() == 1;
    }

    /** Moves the tasks assigned to agent {@code from} to its new name {@code to}; @return tasks changed */
    public int renameAssignee(String project, String from, String to, long at) {
        return h.createUpdate("UPDATE tasks SET assignee = :to, updated_at = :at WHERE project = :p AND assignee = :from")
                .bind("p", project).bind("from", from).bind("to", to).bind("at", at).execute();
    }

    /** Deletes every task, dependency and review of the project; @return tasks deleted */
    public int deleteAll(String project) {
        h.createUpdate("DELETE FROM task_deps WHERE project = :p").bind("p", project).execute();
        h.createUpdate("DELETE FROM reviews WHERE project = :p").bind("p", project).execute();
        return h.createUpdate("DELETE FROM tasks WHERE project = :p").bind("p", project).execute();
    }

    /** Records a review. */
    public void addReview(String project, Review r) {
        h.createUpdate("INSERT INTO reviews (project, task_id, reviewer, verdict, feedback, at) VALUES (:p, :t, :r, :v, :f, :at)")
                .bind("p", project).bind("t", r.taskId()).bind("r", r.reviewer()).bind("v", r.verdict().name())
                .bind("f", r.feedback()).bind("at", r.at()).execute();
    }

    /** @return the reviews of the project, oldest first */
    public List<Review> reviews(String project) {
        return h.createQuery("SELECT * FROM reviews WHERE project = :p ORDER BY id").bind("p", project)
                .map((rs, ctx) -> new Review(rs.getString("task_id"), rs.getString("reviewer"),
                        Verdict.valueOf(rs.getString("verdict")), rs.getString("feedback"), rs.getLong("at")))
                .list();
    }

    /** Starts a crew run record; @return its id */
    public long insertRun(String project, String prd, long pid, String host, long at) {
        return h.createUpdate("INSERT INTO crew_runs (project, prd, status, pid, host, started_at) VALUES (:p, :prd, 'running', :pid, :host, :at)")
                .bind("p", project).bind("prd", prd).bind("pid", pid).bind("host", host).bind("at", at)
                .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
    }

    /** Writes a run's status and timings. */
    public void saveRun(CrewRun run) {
        h.createUpdate("""
                        UPDATE crew_runs SET status = :s, ended_at = :end, planning_ms = :pl, work_ms = :w, review_ms = :r,
                          waves = :waves WHERE id = :id""")
                .bind("id", run.id()).bind("s", run.status()).bind("end", run.endedAt()).bind("pl", run.planningMs())
                .bind("w", run.workMs()).bind("r", run.reviewMs()).bind("waves", run.waves()).execute();
    }

    /** @return the projects whose latest crew run has no end recorded */
    public List<String> projectsWithOpenRuns() {
        return h.createQuery("""
                        SELECT r.project FROM crew_runs r
                        WHERE r.id = (SELECT MAX(id) FROM crew_runs WHERE project = r.project) AND r.ended_at IS NULL""")
                .mapTo(String.class).list();
    }

    /** @return the latest crew run of the project */
    public Optional<CrewRun> latestRun(String project) {
        return h.createQuery("SELECT * FROM crew_runs WHERE project = :p ORDER BY id DESC LIMIT 1").bind("p", project)
                .map((rs, ctx) -> new CrewRun(rs.getLong("id"), rs.getString("prd"), rs.getString("status"),
                        rs.getLong("pid"), rs.getString("host"), rs.getLong("started_at"),
                        Rows.nullableLong(rs, "ended_at"), rs.getLong("planning_ms"), rs.getLong("work_ms"),
                        rs.getLong("review_ms"), rs.getInt("waves")))
                .findOne();
    }

    /** Records that {@code paths} (project-relative) were edited for task {@code taskId}; known ones are kept once. */
    public void addFiles(String project, String taskId, java.util.Collection<String> paths) {
        for (String p : paths) {
            h.createUpdate("INSERT INTO task_files (project, task_id, path) VALUES (:p, :t, :f) ON CONFLICT DO NOTHING")
                    .bind("p", project).bind("t", taskId).bind("f", p).execute();
        }
    }

    /** @return the files recorded for task {@code taskId}, sorted */
    public java.util.List<String> files(String project, String taskId) {
        return h.createQuery("SELECT path FROM task_files WHERE project = :p AND task_id = :t ORDER BY path")
                .bind("p", project).bind("t", taskId).mapTo(String.class).list();
    }
}
