package dev.agentmesh.crew;

import dev.agentmesh.crew.internal.TaskTable;
import dev.agentmesh.mesh.Mesh;
import dev.agentmesh.store.Store;

/**
 * The crew of one project (seeds/001): its tasks and its runs, over the same store as its {@link Mesh}.
 * Creating it keeps task assignees in step with renames on that mesh. Thread-safe.
 */
public final class Crew {
    private final Tasks tasks;
    private final CrewRuns runs;
    private final Mesh mesh;

    private Crew(Store store, Mesh mesh) {
        this.mesh = mesh;
        String project = mesh.project().key();
        this.tasks = new Tasks(store, project);
        this.runs = new CrewRuns(store, project);
        mesh.presence().onRename((tx, from, to, at) -> TaskTable.of(tx).renameAssignee(project, from, to, at));
    }

    /** @return the crew of {@code mesh}'s project in {@code store} (the store {@code mesh} was created on) */
    public static Crew create(Store store, Mesh mesh) {
        return new Crew(store, mesh);
    }

    /** @return the tasks and their rules */
    public Tasks tasks() {
        return tasks;
    }

    /**
     * A task's own changes: git status and the diff against HEAD limited to the files its workers edited
     * ({@link Tasks#files}), with new files' text up to 20,000 bytes; the whole work tree's changes when none are known
     * (edits made through a shell). What the task's reviewer is shown; git runs in the project root, 30 s at most.
     *
     * @return the text, and the files it is limited to (empty: the whole tree)
     * @throws MeshException (invalid input) for an unknown task
     */
    public TaskChanges changes(String taskId) {
        tasks.show(taskId);
        java.util.List<String> files = tasks.files(taskId);
        return new TaskChanges(files, new WorkTree(mesh.project().root()).changes(new java.util.LinkedHashSet<>(files)));
    }

    /** A task's changes: {@code files} it is limited to (empty for the whole tree) and the {@code text}. */
    public record TaskChanges(java.util.List<String> files, String text) {
    }

    /** @return the crew runs */
    public CrewRuns runs() {
        return runs;
    }

    /**
     * Puts back to todo, without counting the attempt, every task in progress whose worker is gone: it left, or its
     * process on this host died (its agent is marked left at once, {@code Presence.reap} with no grace; one whose
     * heartbeat lease still runs, granted by a supervisor that was killed, counts as gone too). Run when a crew run
     * starts and when one is found dead; never while a live run owns the tasks. A worker still listed leaves, so its
     * reservations no longer stop the next worker.
     *
     * @return one line per task put back, for a person
     */
    public java.util.List<String> requeueOrphans() {
        mesh.presence().reap(java.time.Duration.ZERO);
        java.util.Set<String> present = new java.util.HashSet<>();
        mesh.presence().list(false).stream()
                .filter(a -> a.pid() == null || !dev.agentmesh.project.Host.name().equals(a.host())
                        || dev.agentmesh.project.Host.isAlive(a.pid()))
                .forEach(a -> present.add(a.name()));
        java.util.List<String> lines = new java.util.ArrayList<>();
        for (Task t : tasks.list()) {
            if (t.status() == Task.Status.IN_PROGRESS && (t.assignee() == null || !present.contains(t.assignee()))) {
                tasks.requeue(t.id(), "its worker " + t.assignee() + " is gone");
                if (t.assignee() != null) {
                    try {
                        // still listed (a lease of a killed supervisor): it leaves, and its reservations go with it
                        mesh.presence().leave(t.assignee());
                    } catch (dev.agentmesh.MeshException e) {
                        // it left already
                    }
                }
                lines.add("  " + t.id() + "  was in progress by " + t.assignee() + ", who is gone: back to todo");
            }
        }
        return lines;
    }

    /** @return the projects of {@code store} whose latest crew run has not recorded its end */
    public static java.util.List<String> projectsWithOpenRuns(Store store) {
        return store.read(tx -> TaskTable.of(tx).projectsWithOpenRuns());
    }
}
