package dev.agentmesh.mesh;

import dev.agentmesh.mesh.internal.AgentTable;
import dev.agentmesh.project.Project;
import dev.agentmesh.store.Store;

import java.util.List;

/**
 * The mesh of one project: presence, messages, reservations and the feed, over one store. This is the Java
 * API behind the CLI, the MCP tool and the pi extension. Thread-safe.
 */
public final class Mesh {
    private final Store store;
    private final Project project;
    private final Presence presence;
    private final Messenger messenger;
    private final Reservations reservations;
    private final Feed feed;
    private final Swarm swarm;

    private Mesh(Store store, Project project) {
        this.store = store;
        this.project = project;
        this.presence = new Presence(store, project.key());
        this.messenger = new Messenger(store, project.key());
        this.reservations = new Reservations(store, project.root(), presence);
        this.feed = new Feed(store, project.key());
        this.swarm = new Swarm(store, project.root(), presence);
    }

    /** @return the mesh of {@code project} in {@code store} */
    public static Mesh create(Store store, Project project) {
        return new Mesh(store, project);
    }

    /** @return presence: join, leave, list, whois, status, rename */
    public Presence presence() {
        return presence;
    }

    /** @return messages: send, broadcast, inbox */
    public Messenger messenger() {
        return messenger;
    }

    /** @return file leases: reserve, release, list */
    public Reservations reservations() {
        return reservations;
    }

    /** @return the activity feed */
    public Feed feed() {
        return feed;
    }

    /** @return swarm claims: claim, unclaim, complete, status */
    public Swarm swarm() {
        return swarm;
    }

    /** @return the project */
    public Project project() {
        return project;
    }

    /** @return the reservations held by {@code name} */
    public List<Reservation> reservationsOf(String name) {
        return store.read(tx -> Reservations.byAgent(tx, Presence.requireKnown(tx, project.key(), name).id()));
    }

    /** @return the keys of the projects in {@code store} that have present agents (for the supervisor's housekeeping) */
    public static List<String> projectsWithPresentAgents(Store store) {
        return store.read(tx -> AgentTable.of(tx).projectsWithPresentAgents());
    }
}
