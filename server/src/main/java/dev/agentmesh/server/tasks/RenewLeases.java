package dev.agentmesh.server.tasks;

import dev.agentmesh.MeshException;
import dev.agentmesh.server.Connections;
import dev.agentmesh.server.Supervisor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * Renews, every {@link Connections#RENEW_EVERY}, the heartbeat lease of each agent with an open connection to the
 * supervisor, for {@link Connections#LEASE_TTL}; {@link ReapDeadAgents} reaps those whose lease ran out.
 */
public final class RenewLeases implements PeriodicTask {
    private static final Logger LOG = LoggerFactory.getLogger(RenewLeases.class);

    private final Supervisor supervisor;

    /** @param supervisor whose connections to renew */
    public RenewLeases(Supervisor supervisor) {
        this.supervisor = supervisor;
    }

    @Override
    public Duration period() {
        return Connections.RENEW_EVERY;
    }

    @Override
    public void run() {
        for (Map.Entry<String, Set<String>> e : supervisor.connections().agentsByProject().entrySet()) {
            try {
                supervisor.project(e.getKey()).mesh().presence().renewLeases(e.getValue(), Connections.LEASE_TTL);
            } catch (MeshException ex) {
                LOG.debug("{}: {}", e.getKey(), ex.getMessage());
            }
        }
    }
}
