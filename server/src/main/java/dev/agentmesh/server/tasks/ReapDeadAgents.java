package dev.agentmesh.server.tasks;

import dev.agentmesh.MeshException;
import dev.agentmesh.mesh.Mesh;
import dev.agentmesh.mesh.Presence;
import dev.agentmesh.server.Supervisor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;

/**
 * Marks present agents whose process died on this host and who did nothing for {@link Presence#REAP_GRACE} as
 * left and releases their reservations and swarm claims, in every project of the store, every
 * {@value #PERIOD_MS} ms: a killed agent is gone within about that grace without anyone reading the list, while
 * an agent that joined from a short-lived process (a CLI call, a one-shot MCP client) stays between its calls.
 */
public final class ReapDeadAgents implements PeriodicTask {
    /** Delay between runs, in milliseconds. */
    public static final long PERIOD_MS = 2_000;
    private static final Logger LOG = LoggerFactory.getLogger(ReapDeadAgents.class);

    private final Supervisor supervisor;

    /** @param supervisor whose store and projects to scan */
    public ReapDeadAgents(Supervisor supervisor) {
        this.supervisor = supervisor;
    }

    @Override
    public Duration period() {
        return Duration.ofMillis(PERIOD_MS);
    }

    @Override
    public void run() {
        for (String project : Mesh.projectsWithPresentAgents(supervisor.store())) {
            try {
                List<String> reaped = supervisor.project(project).mesh().presence().reap(Presence.REAP_GRACE);
                if (!reaped.isEmpty()) {
                    LOG.info("{}: reaped {}", project, String.join(", ", reaped));
                }
            } catch (MeshException e) {
                // a project folder that is gone: its agents stay until they leave
                LOG.debug("{}: {}", project, e.getMessage());
            }
        }
    }
}
