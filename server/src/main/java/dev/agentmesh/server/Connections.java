package dev.agentmesh.server;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The open connections of agents (an MCP session, an event stream), whose heartbeat leases the supervisor renews
 * every {@link #RENEW_EVERY} for {@link #LEASE_TTL} while they stay open (issue 5, part 3: liveness is a lease
 * renewed by the agent's connection, not its parent pid). When a connection closes or its client is killed,
 * renewal stops and the agent is gone once the lease runs out. Thread-safe.
 */
public final class Connections {
    /** How long a renewed lease lasts. */
    public static final Duration LEASE_TTL = Duration.ofSeconds(10);
    /** How often the supervisor renews the leases of open connections. */
    public static final Duration RENEW_EVERY = Duration.ofSeconds(3);

    private record Holder(String project, Supplier<String> agent) {
    }

    private final Map<Object, Holder> open = new ConcurrentHashMap<>();

    /**
     * Records an open connection.
     *
     * @param project the project root the agent is in
     * @param agent   the agent's current name, asked at each renewal (null while it has not joined)
     * @return closes the record; idempotent
     */
    public AutoCloseable open(String project, Supplier<String> agent) {
        Object key = new Object();
        open.put(key, new Holder(project, agent));
        return () -> open.remove(key);
    }

    /** @return the agents with an open connection, by project root */
    public Map<String, Set<String>> agentsByProject() {
        Map<String, Set<String>> out = new HashMap<>();
        for (Holder h : open.values()) {
            String name = h.agent().get();
            if (name != null) {
                out.computeIfAbsent(h.project(), p -> new TreeSet<>()).add(name);
            }
        }
        return out;
    }
}
