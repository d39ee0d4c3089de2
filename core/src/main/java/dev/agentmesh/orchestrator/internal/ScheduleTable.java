package dev.agentmesh.orchestrator.internal;

import dev.agentmesh.orchestrator.Schedule;
import dev.agentmesh.store.Rows;
import dev.agentmesh.store.StoreTx;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

import java.util.List;
import java.util.Optional;

/** SQL for {@code schedules}. */
public final class ScheduleTable {
    private static final RowMapper<Schedule> SCHEDULE = (rs, ctx) -> new Schedule(rs.getLong("id"), rs.getString("owner"),
            rs.getString("to_peer"), rs.getString("text"), rs.getString("kind"), Rows.nullableLong(rs, "fire_at"), rs.getString("cron"),
            Rows.nullableLong(rs, "next_fire_at"), rs.getInt("attempts"), rs.getString("state"), rs.getString("last_error"),
            rs.getInt("fired_count"), Rows.nullableLong(rs, "last_fired_at"), rs.getLong("created_at"));
    private final Handle h;

    /** @param h the open transaction's handle */
    public ScheduleTable(Handle h) {
        this.h = h;
    }

    /** @return this table in {@code tx} */
    public static ScheduleTable of(StoreTx tx) {
        return tx.table(ScheduleTable::new);
    }

    /** Inserts an active schedule; @return its id */
    public long insert(String project, String owner, String toPeer, String text, String kind, Long fireAt, String cron, long next, long now) {
        return h.createUpdate("""
                        INSERT INTO schedules (project, owner, to_peer, text, kind, fire_at, cron, next_fire_at, state, created_at)
                        VALUES (:p, :o, :t, :x, :k, :f, :c, :n, 'active', :now)""")
                .bind("p", project).bind("o", owner).bind("t", toPeer).bind("x", text).bind("k", kind).bind("f", fireAt)
                .bind("c", cron).bind("n", next).bind("now", now)
                .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
    }

    /** @return the schedule, if the project has it */
    public Optional<Schedule> get(String project, long id) {
        return h.createQuery("SELECT * FROM schedules WHERE project = :p AND id = :id").bind("p", project).bind("id", id)
                .map(SCHEDULE).findOne();
    }

    /** @return the project's schedules but deleted ones (all with {@code deleted}), newest first */
    public List<Schedule> list(String project, String peer, boolean deleted, int limit) {
        return h.createQuery("""
                        SELECT * FROM schedules WHERE project = :p AND (:d = 1 OR state <> 'deleted')
                          AND (:peer IS NULL OR owner = :peer OR to_peer = :peer) ORDER BY id DESC LIMIT :n""")
                .bind("p", project).bind("d", deleted ? 1 : 0).bind("peer", peer).bind("n", limit).map(SCHEDULE).list();
    }

    /** @return (project, id) of active schedules due by {@code now}, across projects, soonest first */
    public List<Object[]> due(long now, int limit) {
        return h.createQuery("SELECT project, id FROM schedules WHERE state = 'active' AND next_fire_at <= :now ORDER BY next_fire_at LIMIT :n")
                .bind("now", now).bind("n", limit).map((rs, ctx) -> new Object[]{rs.getString(1), rs.getLong(2)}).list();
    }

    /** @return the soonest next fire of an active schedule, across projects, or null */
    public Long nextDue() {
        return h.createQuery("SELECT MIN(next_fire_at) FROM schedules WHERE state = 'active'").mapTo(Long.class).findOne().orElse(null);
    }

    /** @return whether any schedule is active, across projects */
    public boolean anyActive() {
        return h.createQuery("SELECT EXISTS (SELECT 1 FROM schedules WHERE state = 'active')").mapTo(Boolean.class).one();
    }

    /** Records a delivered fire: the next one (null when done) and the count. */
    public void fired(long id, String state, Long next, long now) {
        h.createUpdate("""
                        UPDATE schedules SET state = :s, next_fire_at = :n, attempts = 0, last_error = NULL, fired_count = fired_count + 1,
                          last_fired_at = :now WHERE id = :id""")
                .bind("s", state).bind("n", next).bind("now", now).bind("id", id).execute();
    }

    /** Records a failed attempt: the retry's time (null when dead-lettered) and why. */
    public void failed(long id, String state, Long next, int attempts, String error) {
        h.createUpdate("UPDATE schedules SET state = :s, next_fire_at = :n, attempts = :a, last_error = :e WHERE id = :id")
                .bind("s", state).bind("n", next).bind("a", attempts).bind("e", error).bind("id", id).execute();
    }

    /** Marks it deleted. @return whether it was not deleted before */
    public boolean delete(long id) {
        return h.createUpdate("UPDATE schedules SET state = 'deleted', next_fire_at = NULL WHERE id = :id AND state <> 'deleted'")
                .bind("id", id).execute() == 1;
    }
}
