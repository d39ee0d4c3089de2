package dev.agentmesh.orchestrator;

import dev.agentmesh.MeshException;
import dev.agentmesh.Texts;
import dev.agentmesh.mesh.Feed;
import dev.agentmesh.mesh.Presence;
import dev.agentmesh.orchestrator.internal.ScheduleTable;
import dev.agentmesh.store.Store;

import java.util.List;
import java.util.Objects;

/**
 * Scheduled check-ins (seeds/004: {@code schedule_create(to_peer, text, fire_at, kind="notify")},
 * {@code schedule_cron(to_peer, text, cron, kind)}, {@code schedule_self(text, fire_at | cron)},
 * {@code schedule_list}, {@code schedule_delete}). The supervisor fires them ({@link Dispatcher}): a {@code notify}
 * fire is a mesh message {@code [schedule #ID] TEXT} from the owner, an {@code ask} fire opens a tracked ask. A schedule
 * whose time passed while no supervisor ran fires once when one starts (a cron schedule then goes on from that time).
 * A fire that cannot be delivered (the peer is unknown or has left the mesh) is retried with a backoff of
 * {@link Dispatcher#backoffMillis} doubling, and after {@value #MAX_ATTEMPTS} attempts the schedule is dead-lettered
 * ({@code state: dead_letter}, with the reason), never dropped silently. Thread-safe.
 */
public final class Schedules {
    /** Longest text, in characters. */
    public static final int MAX_TEXT_CHARS = 16_000;
    /** Attempts of one fire before the schedule is dead-lettered. */
    public static final int MAX_ATTEMPTS = 5;
    /** The kinds, from the seed. */
    public static final List<String> KINDS = List.of("notify", "ask");

    private final Store store;
    private final String project;

    /** @param project the project key its rows carry */
    public Schedules(Store store, String project) {
        this.store = Objects.requireNonNull(store);
        this.project = Objects.requireNonNull(project);
    }

    /**
     * Creates a schedule: exactly one of {@code fireAt} (a one-shot; a past time fires at once) and {@code cron}.
     *
     * @param owner  a present agent
     * @param toPeer a known agent (it may be gone when the schedule fires: the fire is then retried)
     * @param text   1..{@value #MAX_TEXT_CHARS} characters
     * @param kind   {@code notify} or {@code ask}; null for {@code notify}
     * @return the active schedule
     * @throws MeshException (invalid input) for an absent owner, an unknown peer, bad text or kind, neither or both of
     *                       fireAt and cron, a bad cron
     */
    public Schedule create(String owner, String toPeer, String text, Long fireAt, String cron, String kind) {
        Checks.text("text", text, MAX_TEXT_CHARS, true);
        String k = kind == null ? "notify" : kind;
        if (!KINDS.contains(k)) {
            throw MeshException.invalidInput("kind '" + Texts.quote(k, 40) + "' is not one of notify, ask");
        }
        if ((fireAt == null) == (cron == null)) {
            throw MeshException.invalidInput("give fire_at (one time) or cron (recurring), exactly one of them");
        }
        String c = cron == null ? null : CronSpec.check(cron);
        long now = System.currentTimeMillis();
        long next = c != null ? CronSpec.next(c, now) : fireAt;
        return store.write(tx -> {
            Presence.requirePresent(tx, project, owner);
            Presence.requireKnown(tx, project, Checks.text("to_peer", toPeer, 200, false));
            long id = ScheduleTable.of(tx).insert(project, owner, toPeer, text, k, fireAt, c, next, now);
            Feed.append(tx, project, now, owner, "schedule", toPeer, "#" + id + " " + k + (c != null ? " cron " + c
                    : " at " + java.time.Instant.ofEpochMilli(fireAt)) + ": " + Texts.oneLine(text, 120));
            tx.signalAfterCommit(Dispatcher.TOPIC);
            return ScheduleTable.of(tx).get(project, id).orElseThrow();
        });
    }

    /**
     * @param peer    only schedules this agent owns or receives, or null
     * @param deleted whether deleted ones are listed too
     * @return the project's schedules, newest first (at most 1000)
     */
    public List<Schedule> list(String peer, boolean deleted) {
        return store.read(tx -> ScheduleTable.of(tx).list(project, peer, deleted, 1000));
    }

    /**
     * @return the schedule
     * @throws MeshException (invalid input) for an unknown schedule
     */
    public Schedule get(long id) {
        return store.read(tx -> ScheduleTable.of(tx).get(project, id)).orElseThrow(() -> notFound(id));
    }

    /**
     * Deletes a schedule (its owner or its peer): it never fires again. Deleting it again returns it unchanged.
     *
     * @return the deleted schedule
     * @throws MeshException (invalid input) for an unknown schedule or a caller that is neither owner nor peer
     */
    public Schedule delete(String caller, long id) {
        return store.write(tx -> {
            Schedule s = ScheduleTable.of(tx).get(project, id).orElseThrow(() -> notFound(id));
            if (!s.owner().equals(caller) && !s.toPeer().equals(caller)) {
                throw MeshException.invalidInput("schedule #" + id + " is @" + s.owner() + "'s; @" + Texts.quote(caller, 80) + " cannot delete it");
            }
            if (ScheduleTable.of(tx).delete(id)) {
                Feed.append(tx, project, System.currentTimeMillis(), caller, "schedule", s.toPeer(), "#" + id + " deleted");
            }
            return ScheduleTable.of(tx).get(project, id).orElseThrow();
        });
    }

    private static MeshException notFound(long id) {
        return MeshException.invalidInput("schedule #" + id + " is not in this project (schedule_list shows the schedules)");
    }
}
