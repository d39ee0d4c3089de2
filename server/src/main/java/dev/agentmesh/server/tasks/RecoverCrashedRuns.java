package dev.agentmesh.server.tasks;

import dev.agentmesh.MeshException;
import dev.agentmesh.crew.Crew;
import dev.agentmesh.runtimes.ProcessGroups;
import dev.agentmesh.server.Supervisor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;

/**
 * Cleans up after a process that ran agents and was killed hard (a supervisor before this one, a CLI running a
 * crew with {@code MESH_SERVE=off}), every {@value #PERIOD_MS} ms and once when the supervisor starts (issue 5,
 * part 6):
 * <ol>
 *   <li>kills every agent process tree whose owner died ({@link ProcessGroups#killOrphanedTrees}: the owner is
 *       named in the tree's mark, so no live run's agents are touched);</li>
 *   <li>closes as {@code interrupted} each project's crew run whose process died without recording its end, and
 *       puts the tasks its workers held back to todo, without counting the attempt ({@link Crew#requeueOrphans});</li>
 *   <li>reaps the zombies of orphans re-parented to the supervisor (the child subreaper of the crews it runs) that
 *       exited and lingered since the last round ({@link ProcessGroups#reapLingeringZombies}).</li>
 * </ol>
 * So a SIGKILLed run leaves no agent running and no task {@code in_progress} for longer than about one period.
 */
public final class RecoverCrashedRuns implements PeriodicTask {
    /** Delay between runs, in milliseconds. */
    public static final long PERIOD_MS = 2_000;
    private static final Logger LOG = LoggerFactory.getLogger(RecoverCrashedRuns.class);

    private final Supervisor supervisor;
    private final java.util.Set<Long> zombies = new java.util.HashSet<>();

    /** @param supervisor whose store and projects to scan */
    public RecoverCrashedRuns(Supervisor supervisor) {
        this.supervisor = supervisor;
    }

    @Override
    public Duration period() {
        return Duration.ofMillis(PERIOD_MS);
    }

    /** At once: what a killed supervisor left behind is cleaned up before anyone asks. */
    @Override
    public Duration initialDelay() {
        return Duration.ZERO;
    }

    @Override
    public void run() {
        List<Long> killed = ProcessGroups.killOrphanedTrees();
        if (!killed.isEmpty()) {
            LOG.info("killed {} process(es) of agents whose owner died: {}", killed.size(), killed);
        }
        ProcessGroups.reapLingeringZombies(zombies);
        for (String project : Crew.projectsWithOpenRuns(supervisor.store())) {
            try {
                var crew = supervisor.project(project).crew();
                if (crew.runs().closeIfDead()) {
                    List<String> back = crew.requeueOrphans();
                    LOG.info("{}: the crew run's process died; closed it as interrupted{}", project,
                            back.isEmpty() ? "" : " and put back to todo:\n" + String.join("\n", back));
                }
            } catch (MeshException e) {
                // a project folder that is gone: its run stays open until a run there claims it
                LOG.debug("{}: {}", project, e.getMessage());
            }
        }
    }
}
