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

    private Crew(Store store, Mesh mesh) {
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

    /** @return the crew runs */
    public CrewRuns runs() {
        return runs;
    }
}
