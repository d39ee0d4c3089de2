package dev.agentmesh.mesh.internal;

import dev.agentmesh.mesh.Agent;
import dev.agentmesh.project.Host;

/** Tells whether an agent's process is gone, for agents on this host (others are trusted until they leave). */
public final class Liveness {
    private Liveness() {
    }

    /** @return true if the agent runs on this host and its pid no longer exists (or is a zombie) */
    public static boolean isDead(Agent a) {
        return a.pid() != null && Host.name().equals(a.host()) && !Host.isAlive(a.pid());
    }
}
