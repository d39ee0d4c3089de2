package dev.agentmesh.crew;

import dev.agentmesh.MeshException;
import dev.agentmesh.crew.internal.TaskTable;
import dev.agentmesh.mesh.Feed;
import dev.agentmesh.project.Host;
import dev.agentmesh.store.Store;

import java.util.Optional;

/**
 * The project's {@code mesh crew run} invocations: at most one live run per project, claimed in one transaction;
 * a run whose process died without recording its end is closed as {@code interrupted} by the next claim.
 * Thread-safe.
 */
public final class CrewRuns {
    private final Store store;
    private final String project;

    CrewRuns(Store store, String project) {
        this.store = store;
        this.project = project;
    }

    /**
     * Claims the project's crew run for the calling process.
     *
     * @param prd the PRD path relative to the project
     * @return the id of the new run, {@code running}
     * @throws MeshException (unexpected state) if a live process on this host runs one already
     */
    public long claim(String prd) {
        return store.write(tx -> {
            var last = TaskTable.of(tx).latestRun(project);
            if (last.isPresent() && last.get().endedAt() == null && Host.name().equals(last.get().host())
                    && Host.isAlive(last.get().pid())) {
                throw MeshException.unexpectedState("a crew run is already running for " + project
                        + " (pid " + last.get().pid() + "); mesh crew status shows its progress");
            }
            closeIfDead(tx);
            return TaskTable.of(tx).insertRun(project, prd, ProcessHandle.current().pid(), Host.name(), System.currentTimeMillis());
        });
    }

    /**
     * Closes the project's latest run as {@code interrupted} (with a {@code crew.interrupted} feed event) when it
     * ran on this host in a process that died without recording its end: killed hard, or on a supervisor that was.
     *
     * @return whether a run was closed; then no live run owns the project's tasks
     */
    public boolean closeIfDead() {
        return store.write(this::closeIfDead);
    }

    private boolean closeIfDead(dev.agentmesh.store.StoreTx tx) {
        var last = TaskTable.of(tx).latestRun(project);
        if (last.isEmpty() || last.get().endedAt() != null || !Host.name().equals(last.get().host()) || Host.isAlive(last.get().pid())) {
            return false;
        }
        CrewRun prev = last.get();
        long now = System.currentTimeMillis();
        TaskTable.of(tx).saveRun(new CrewRun(prev.id(), prev.prd(), "interrupted", prev.pid(), prev.host(),
                prev.startedAt(), now, prev.planningMs(), prev.workMs(), prev.reviewMs(), prev.waves()));
        Feed.append(tx, project, now, null, "crew.interrupted", null, "its process " + prev.pid() + " died");
        return true;
    }

    /**
     * Records the end of run {@code id} and a {@code crew.STATUS} feed event.
     *
     * @param status     the final status (see {@link CrewRun#status()})
     * @param startedAt  epoch ms the run started
     * @param planningMs wall time of planning, ms
     * @param workMs     summed worker time, ms
     * @param reviewMs   summed reviewer time, ms
     * @param waves      waves run
     */
    public void finish(long id, String status, long startedAt, long planningMs, long workMs, long reviewMs, int waves) {
        long now = System.currentTimeMillis();
        store.write(tx -> {
            TaskTable.of(tx).saveRun(new CrewRun(id, null, status, 0, null, startedAt, now, planningMs, workMs, reviewMs, waves));
            Feed.append(tx, project, now, null, "crew." + status, null, waves + " wave(s)");
            return null;
        });
    }

    /** @return the project's latest run, if any */
    public Optional<CrewRun> latest() {
        return store.read(tx -> TaskTable.of(tx).latestRun(project));
    }
}
