package dev.agentmesh.crew;

import dev.agentmesh.MeshException;
import dev.agentmesh.crew.internal.TaskTable;
import dev.agentmesh.mesh.Feed;
import dev.agentmesh.store.Store;
import dev.agentmesh.store.StoreTx;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The crew's tasks of one project and the rules that move them (pi-messenger crew actions, seeds/001):
 * {@code task.list|show|ready|start|done|block|unblock|reset}, plus the review rules. Every change is one
 * serialised transaction, so {@link #start} is a compare-and-set: of many claimants exactly one wins.
 */
public final class Tasks {
    /** Longest block reason or {@code task.done} summary, in characters. */
    public static final int MAX_TEXT_CHARS = 4_000;

    private final Store store;
    private final String project;

    Tasks(Store store, String project) {
        this.store = store;
        this.project = project;
    }

    /**
     * Stores a validated plan as todo tasks, replacing any earlier plan of the project.
     *
     * @return the stored tasks
     */
    public List<Task> replacePlan(Plan plan) {
        return store.write(tx -> {
            TaskTable.of(tx).deleteAll(project);
            long now = System.currentTimeMillis();
            for (TaskSpec s : plan.tasks()) {
                TaskTable.of(tx).insert(project, new Task(s.id(), s.title(), s.description(), Task.Status.TODO, null, 0, 0,
                        null, null, null, null, null, s.dependsOn(), now), now);
            }
            Feed.append(tx, project, now, null, "crew.plan", null, plan.tasks().size() + " tasks");
            return TaskTable.of(tx).list(project);
        });
    }

    /** @return every task in plan order */
    public List<Task> list() {
        return store.read(tx -> TaskTable.of(tx).list(project));
    }

    /**
     * @return the task
     * @throws MeshException (invalid input) if the project has no such task
     */
    public Task show(String id) {
        return store.read(tx -> require(tx, id));
    }

    /**
     * @return todo tasks whose dependencies are all done (pi-messenger's {@code task.ready}), in plan order; a
     *         dependency reviewed NEEDS_WORK is todo again, so it does not count
     */
    public List<Task> ready() {
        return store.read(tx -> ready(TaskTable.of(tx).list(project), false));
    }

    /**
     * @param shippedOnly count a dependency only once a reviewer shipped it (the crew runner's rule, as every
     *                    task it runs is reviewed); otherwise done is enough
     * @return the todo tasks of {@code all} whose dependencies are satisfied, in plan order
     */
    static List<Task> ready(List<Task> all, boolean shippedOnly) {
        Set<String> done = all.stream().filter(t -> t.status() == Task.Status.DONE
                && (!shippedOnly || t.verdict() == Verdict.SHIP)).map(Task::id).collect(Collectors.toSet());
        return all.stream().filter(t -> t.status() == Task.Status.TODO && done.containsAll(t.dependsOn())).toList();
    }

    /**
     * Claims a ready task for {@code agent} (todo to in_progress), counting an attempt.
     *
     * @param wave the wave number, or null outside a crew run
     * @return the claimed task
     * @throws MeshException (invalid input) for an unknown task; (unexpected state) if it is not todo or a
     *                       dependency is not done
     */
    public Task start(String id, String agent, Integer wave) {
        return change(id, agent, "task.start", null, (tx, t) -> {
            if (t.status() != Task.Status.TODO) {
                throw MeshException.unexpectedState(id + " is " + t.status().wire()
                        + (t.assignee() == null ? "" : " (" + t.assignee() + ")") + "; only a todo task can be started");
            }
            List<Task> all = TaskTable.of(tx).list(project);
            List<String> open = t.dependsOn().stream().filter(d -> all.stream()
                    .noneMatch(o -> o.id().equals(d) && o.status() == Task.Status.DONE)).toList();
            if (!open.isEmpty()) {
                throw MeshException.unexpectedState(id + " waits for " + String.join(", ", open) + " to be done");
            }
            return new Task(t.id(), t.title(), t.description(), Task.Status.IN_PROGRESS, agent, t.attempts() + 1,
                    t.reviews(), t.verdict(), t.feedback(), t.summary(), null, wave == null ? t.wave() : wave,
                    t.dependsOn(), t.updatedAt());
        });
    }

    /**
     * Marks an in-progress task done with the worker's summary; the review verdict decides if it stays done.
     *
     * @param agent   the caller; must be the assignee when the task has one
     * @param summary what was done, at most {@value #MAX_TEXT_CHARS} characters, may be null
     * @throws MeshException (unexpected state) unless the task is in progress and assigned to {@code agent}
     */
    public Task done(String id, String agent, String summary) {
        if (summary != null && summary.length() > MAX_TEXT_CHARS) {
            throw MeshException.invalidInput("summary is " + summary.length() + " characters; the limit is " + MAX_TEXT_CHARS);
        }
        return change(id, agent, "task.done", summary, (tx, t) -> {
            if (t.status() != Task.Status.IN_PROGRESS) {
                throw MeshException.unexpectedState(id + " is " + t.status().wire() + "; only an in_progress task can be done (task.start first)");
            }
            if (t.assignee() != null && agent != null && !t.assignee().equals(agent)) {
                throw MeshException.unexpectedState(id + " is assigned to " + t.assignee() + ", not " + agent);
            }
            return new Task(t.id(), t.title(), t.description(), Task.Status.DONE, t.assignee(), t.attempts(),
                    t.reviews(), null, t.feedback(), summary, null, t.wave(), t.dependsOn(), t.updatedAt());
        });
    }

    /**
     * Blocks a task with a reason.
     *
     * @throws MeshException (invalid input) for an unknown task or a blank reason
     */
    public Task block(String id, String agent, String reason) {
        if (reason == null || reason.isBlank()) {
            throw MeshException.invalidInput("task.block needs a reason");
        }
        if (reason.length() > MAX_TEXT_CHARS) {
            throw MeshException.invalidInput("reason is " + reason.length() + " characters; the limit is " + MAX_TEXT_CHARS);
        }
        return change(id, agent, "task.block", reason, (tx, t) -> new Task(t.id(), t.title(), t.description(),
                Task.Status.BLOCKED, t.assignee(), t.attempts(), t.reviews(), t.verdict(), t.feedback(), t.summary(),
                reason, t.wave(), t.dependsOn(), t.updatedAt()));
    }

    /**
     * Unblocks a blocked task back to todo, with a fresh attempt and review budget.
     *
     * @throws MeshException (unexpected state) unless it is blocked
     */
    public Task unblock(String id, String agent) {
        return change(id, agent, "task.unblock", null, (tx, t) -> {
            if (t.status() != Task.Status.BLOCKED) {
                throw MeshException.unexpectedState(id + " is " + t.status().wire() + ", not blocked");
            }
            return todo(t, t.feedback(), 0, 0);
        });
    }

    /**
     * Resets a task to todo (keeping its last feedback); with {@code cascade}, also every task depending on it,
     * directly or not.
     *
     * @return the tasks reset
     */
    public List<Task> reset(String id, String agent, boolean cascade) {
        return store.write(tx -> {
            require(tx, id);
            List<Task> all = TaskTable.of(tx).list(project);
            List<String> ids = new ArrayList<>(List.of(id));
            if (cascade) {
                for (int i = 0; i < ids.size(); i++) {
                    String cur = ids.get(i);
                    all.stream().filter(t -> t.dependsOn().contains(cur) && !ids.contains(t.id())).forEach(t -> ids.add(t.id()));
                }
            }
            long now = System.currentTimeMillis();
            List<Task> out = new ArrayList<>();
            for (String r : ids) {
                Task t = require(tx, r);
                Task reset = todo(t, t.feedback(), t.attempts(), t.reviews());
                TaskTable.of(tx).save(project, reset, now);
                Feed.append(tx, project, now, agent, "task.reset", r, null);
                out.add(reset);
            }
            return out;
        });
    }

    /**
     * Puts an in-progress task back to todo because its worker stopped without {@code task.done}; blocks it
     * once it has had {@code maxAttempts} attempts.
     *
     * @param why one line, kept as the task's feedback
     * @return the task after the change
     */
    public Task abandon(String id, String why, int maxAttempts) {
        return change(id, null, "task.abandon", why, (tx, t) -> {
            if (t.status() != Task.Status.IN_PROGRESS) {
                return t;
            }
            if (t.attempts() >= maxAttempts) {
                return blocked(t, why + "; blocked after " + t.attempts() + " attempt(s)");
            }
            return todo(t, why, t.attempts(), t.reviews());
        });
    }

    /**
     * Puts an in-progress task back to todo without counting the attempt, because its run was interrupted (the
     * crew run stopped, or its worker's process was found dead).
     *
     * @return the task after the change (unchanged unless it was in progress)
     */
    public Task requeue(String id, String why) {
        return change(id, null, "task.requeue", why, (tx, t) -> t.status() != Task.Status.IN_PROGRESS ? t
                : todo(t, t.feedback(), Math.max(0, t.attempts() - 1), t.reviews()));
    }

    /**
     * Applies a review verdict to a done task: SHIP keeps it done; NEEDS_WORK sends it back to todo with the
     * feedback, or blocks it once {@code maxIterations} reviews were spent; MAJOR_RETHINK blocks it.
     *
     * @return the task after the change
     * @throws MeshException (unexpected state) unless the task is done
     */
    public Task review(String id, String reviewer, Verdict verdict, String feedback, int maxIterations) {
        return store.write(tx -> {
            Task t = require(tx, id);
            if (t.status() != Task.Status.DONE || t.verdict() != null) {
                throw MeshException.unexpectedState(id + " is " + t.status().wire() + (t.verdict() == null ? "" : ", reviewed "
                        + t.verdict()) + "; only a done task awaiting review can be reviewed");
            }
            long now = System.currentTimeMillis();
            TaskTable.of(tx).addReview(project, new Review(id, reviewer, verdict, feedback, now));
            int reviews = t.reviews() + 1;
            Task next = switch (verdict) {
                case SHIP -> new Task(t.id(), t.title(), t.description(), Task.Status.DONE, t.assignee(), t.attempts(),
                        reviews, verdict, feedback, t.summary(), null, t.wave(), t.dependsOn(), now);
                case NEEDS_WORK -> reviews >= maxIterations
                        ? withReview(blocked(t, "still NEEDS_WORK after " + reviews + " review(s)"), reviews, verdict, feedback)
                        : withReview(todo(t, feedback, t.attempts(), reviews), reviews, verdict, feedback);
                case MAJOR_RETHINK -> withReview(blocked(t, "reviewer asked for a MAJOR_RETHINK"), reviews, verdict, feedback);
            };
            TaskTable.of(tx).save(project, next, now);
            Feed.append(tx, project, now, reviewer, "task.review", id, verdict.name());
            return next;
        });
    }

    /** @return all reviews, oldest first */
    public List<Review> reviews() {
        return store.read(tx -> TaskTable.of(tx).reviews(project));
    }

    /** @return the number of tasks per status (every status present, possibly 0) */
    public Map<Task.Status, Long> counts() {
        List<Task> all = list();
        Map<Task.Status, Long> m = new java.util.EnumMap<>(Task.Status.class);
        for (Task.Status s : Task.Status.values()) {
            m.put(s, all.stream().filter(t -> t.status() == s).count());
        }
        return m;
    }

    /** The next state of a task, or a {@link MeshException} when the move is not allowed. */
    private interface Change {
        Task apply(StoreTx tx, Task t);
    }

    private Task change(String id, String agent, String event, String detail, Change change) {
        return store.write(tx -> {
            Task next = change.apply(tx, require(tx, id));
            long now = System.currentTimeMillis();
            TaskTable.of(tx).save(project, next, now);
            Feed.append(tx, project, now, agent, event, id, detail);
            return TaskTable.of(tx).byId(project, id).orElseThrow();
        });
    }

    private Task require(StoreTx tx, String id) {
        if (id == null || id.isBlank()) {
            throw MeshException.invalidInput("no task id given");
        }
        Optional<Task> t = TaskTable.of(tx).byId(project, id);
        return t.orElseThrow(() -> MeshException.invalidInput("unknown task '" + id + "' (mesh task list shows the tasks)"));
    }

    private static Task todo(Task t, String feedback, int attempts, int reviews) {
        return new Task(t.id(), t.title(), t.description(), Task.Status.TODO, null, attempts, reviews, t.verdict(),
                feedback, t.summary(), null, t.wave(), t.dependsOn(), t.updatedAt());
    }

    private static Task blocked(Task t, String reason) {
        return new Task(t.id(), t.title(), t.description(), Task.Status.BLOCKED, t.assignee(), t.attempts(), t.reviews(),
                t.verdict(), t.feedback(), t.summary(), reason, t.wave(), t.dependsOn(), t.updatedAt());
    }

    private static Task withReview(Task t, int reviews, Verdict v, String feedback) {
        return new Task(t.id(), t.title(), t.description(), t.status(), t.assignee(), t.attempts(), reviews, v, feedback,
                t.summary(), t.blockReason(), t.wave(), t.dependsOn(), t.updatedAt());
    }

    /**
     * Records the files a task's workers edited (project-relative paths), so its own changes can be shown later.
     *
     * @throws MeshException (invalid input) for an unknown task
     */
    public void addFiles(String taskId, java.util.Collection<String> paths) {
        if (paths.isEmpty()) {
            return;
        }
        show(taskId);
        store.write(tx -> {
            TaskTable.of(tx).addFiles(project, taskId, paths);
            return null;
        });
    }

    /** @return the files recorded for the task by {@link #addFiles}, sorted; empty when none are known */
    public java.util.List<String> files(String taskId) {
        return store.read(tx -> TaskTable.of(tx).files(project, taskId));
    }
}
