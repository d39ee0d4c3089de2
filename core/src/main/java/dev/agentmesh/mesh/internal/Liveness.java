package dev.agentmesh.mesh.internal;

import dev.agentmesh.mesh.Agent;
import dev.agentmesh.project.Host;

/**
 * Tells whether an agent is gone. A heartbeat lease that has not run out keeps an agent present; an agent a
 * connection held (a lease) and with no pid is gone once the lease runs out; otherwise an agent on this host is
 * gone when its pid no longer exists or is a zombie (agents of other hosts are trusted until they leave).
 */
public final class Liveness {
    private Liveness() {
    }

    /** @return true if the agent's lease ran out (and it has no pid), or its pid on this host is gone */
    public static boolean isDead(Agent a, long now) {
        if (a.leaseUntil() != null && a.leaseUntil() >= now) {
            return false;
        }
        if (a.pid() == null) {
            return a.leaseUntil() != null;
        }
        return Host.name().equals(a.host()) && !Host.isAlive(a.pid());
    }

    /** @return true if only a lease kept the agent (no pid): its expiry needs no further grace */
    public static boolean leaseOnly(Agent a) {
        return a.pid() == null && a.leaseUntil() != null;
    }
}
