package dev.agentmesh.store;

import org.jdbi.v3.core.Handle;

/**
 * One open transaction and the tables reachable through it. Valid only inside the
 * {@link Store#write}/{@link Store#read} callback that created it.
 */
public final class StoreTx {
    private final Handle handle;

    StoreTx(Handle handle) {
        this.handle = handle;
    }

    /** @return the agents table (presence) */
    public AgentTable agents() {
        return new AgentTable(handle);
    }

    /** @return the messages and deliveries tables */
    public MessageTable messages() {
        return new MessageTable(handle);
    }

    /** @return the reservations table (file leases) */
    public ReservationTable reservations() {
        return new ReservationTable(handle);
    }

    /** @return the activity feed */
    public FeedTable feed() {
        return new FeedTable(handle);
    }

    /** @return the crew tables: tasks, dependencies, reviews and runs */
    public TaskTable tasks() {
        return new TaskTable(handle);
    }
}
