package dev.agentmesh.orchestrator;

import dev.agentmesh.MeshException;
import dev.agentmesh.mesh.Agent;
import dev.agentmesh.mesh.Feed;
import dev.agentmesh.mesh.Messenger;
import dev.agentmesh.mesh.Presence;
import dev.agentmesh.orchestrator.internal.JobTable;
import dev.agentmesh.orchestrator.internal.ScheduleTable;
import dev.agentmesh.store.Store;
import dev.agentmesh.store.StoreTx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The supervisor's side of jobs and schedules, across the store's projects: {@link #tick} dispatches due jobs, follows
 * dispatched ones (delivery, deadline, the assignee's death), creates the runs of recurring jobs and fires due
 * schedules. Each job or schedule is handled in its own write transaction with a compare-and-set on its state, so a
 * tick that races another (or a restarted supervisor's first tick) never dispatches or fires the same thing twice.
 *
 * <p>Retry backoff: {@link #backoffMillis} (default 5,000 ms; the environment variable
 * {@code MESH_ORCHESTRATOR_BACKOFF_MS} sets it, e.g. for tests) doubled per failed attempt, at most
 * {@value Jobs#BACKOFF_MAX_SECONDS} s. Stateless apart from that setting; thread-safe.
 */
public final class Dispatcher {
    /** The Notifier topic signalled when a schedule is created: the supervisor's clock re-reads the next fire. */
    public static final String TOPIC = "schedules:changed";
    /** Most jobs or schedules one tick handles of each sort; the rest wait for the next tick. */
    public static final int BATCH = 200;
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    private Dispatcher() {
    }

    /** @return the first retry's backoff in ms: {@code MESH_ORCHESTRATOR_BACKOFF_MS}, else 5,000 */
    public static long backoffMillis() {
        String v = System.getenv("MESH_ORCHESTRATOR_BACKOFF_MS");
        try {
            return v == null ? Jobs.BACKOFF_BASE_SECONDS * 1000L : Math.max(10, Long.parseLong(v.strip()));
        } catch (NumberFormatException e) {
            return Jobs.BACKOFF_BASE_SECONDS * 1000L;
        }
    }

    /** @return the backoff before attempt {@code failed + 1}, after {@code failed} failed attempts, in ms */
    static long backoff(int failed) {
        long d = backoffMillis() << Math.min(20, Math.max(0, failed - 1));
        return Math.min(d, Math.max(backoffMillis(), Jobs.BACKOFF_MAX_SECONDS * 1000L));
    }

    /**
     * Runs one round.
     *
     * @param now epoch ms
     * @return when the next round is due at the latest, epoch ms: the soonest queued job or schedule, and within a
     *         second while jobs are in flight (their delivery and their assignee's lease are followed)
     */
    public static long tick(Store store, long now) {
        // schedules first: their time is what a person sees, and following many jobs in flight takes a while
        for (Object[] r : store.read(tx -> ScheduleTable.of(tx).due(now, BATCH))) {
            guarded("schedule", r, () -> store.write(tx -> fire(tx, (String) r[0], (Long) r[1], now)));
        }
        for (Object[] r : store.read(tx -> JobTable.of(tx).dueTemplates(now, BATCH))) {
            guarded("job template", r, () -> store.write(tx -> fireTemplate(tx, (String) r[0], (Long) r[1], now)));
        }
        for (Object[] r : store.read(tx -> JobTable.of(tx).dueForDispatch(now, BATCH))) {
            guarded("job", r, () -> store.write(tx -> dispatch(tx, (String) r[0], (Long) r[1], now)));
        }
        List<Object[]> inFlight = store.read(tx -> JobTable.of(tx).inFlight(BATCH));
        // the jobs to follow are looked at in one read; only those whose state must change take a write
        List<Object[]> changing = store.read(tx -> inFlight.stream().filter(r -> follow(tx, (String) r[0], (Long) r[1], now, false)).toList());
        for (Object[] r : changing) {
            guarded("job", r, () -> store.write(tx -> follow(tx, (String) r[0], (Long) r[1], now, true)));
        }
        Long jobs = store.read(tx -> JobTable.of(tx).nextDue());
        Long schedules = store.read(tx -> ScheduleTable.of(tx).nextDue());
        long next = now + (inFlight.isEmpty() ? 60_000 : 1_000);
        for (Long t : new Long[]{jobs, schedules}) {
            if (t != null) {
                next = Math.min(next, Math.max(t, now + 10));
            }
        }
        return next;
    }

    /** @return whether any job is not terminal or any schedule is active (the supervisor then does not idle out) */
    public static boolean anyPending(Store store) {
        return store.read(tx -> JobTable.of(tx).anyLive() || ScheduleTable.of(tx).anyActive());
    }

    private static void guarded(String what, Object[] row, Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.warn("{} #{} of {}: {}", what, row[1], row[0], e.toString());
        }
    }

    private static Object fireTemplate(StoreTx tx, String project, long id, long now) {
        Job t = JobTable.of(tx).get(project, id).orElse(null);
        if (t == null || !t.template() || !t.state().equals("queued") || t.nextAttemptAt() == null || t.nextAttemptAt() > now) {
            return null;
        }
        long child = JobTable.of(tx).insert(project, t.owner(), t.assignee(), t.title(), t.kind(), t.request(), t.maxAttempts(),
                null, null, null, t.id(), null, now);
        Map<String, Object> set = new LinkedHashMap<>();
        set.put("next_attempt_at", CronSpec.next(t.cron(), now));
        JobTable.of(tx).update(id, "queued", set, now);
        Feed.append(tx, project, now, t.owner(), "job", t.assignee(), "#" + child + " queued: run of recurring #" + id + " (" + t.cron() + ")");
        return null;
    }

    /** Dispatches queued job {@code id} if it is due, in the caller's write transaction (job_create does, for a present assignee). */
    static Object dispatch(StoreTx tx, String project, long id, long now) {
        Job j = JobTable.of(tx).get(project, id).orElse(null);
        if (j == null || !j.state().equals("queued") || j.template() || j.assignee() == null
                || (j.nextAttemptAt() != null && j.nextAttemptAt() > now)) {
            return null;
        }
        Optional<String> absent = absence(tx, project, j.assignee());
        if (absent.isPresent()) {
            return failAttempt(tx, project, j, j.attempts() + 1, absent.get(), now);
        }
        String headline = "job #" + j.id() + " (" + j.kind() + "): " + j.title() + "\n" + j.request()
                + "\n(report with job_update {\"id\": " + j.id() + ", \"state\": \"running\"|\"blocked\"|\"awaiting_input\"|\"completed\", ...};"
                + " acking this ask with your result completes the job)";
        Ask ask = Asks.open(tx, project, j.owner(), false, j.assignee(), j.title(), headline, null, null, null, j.id());
        Map<String, Object> set = new LinkedHashMap<>();
        set.put("attempts", j.attempts() + 1);
        set.put("ask_id", ask.id());
        set.put("dispatched_at", now);
        set.put("next_attempt_at", null);
        Jobs.transition(tx, project, j, "dispatching", set, j.owner(), "attempt " + (j.attempts() + 1) + "/" + j.maxAttempts()
                + ", ask #" + ask.id() + " to @" + j.assignee());
        return null;
    }

    /** @return why {@code name} cannot take work now (unknown, or left the mesh), or empty when it is present */
    static Optional<String> absence(StoreTx tx, String project, String name) {
        try {
            Agent a = Presence.requireKnown(tx, project, name);
            return a.present() ? Optional.empty() : Optional.of("@" + name + " has left the mesh");
        } catch (MeshException e) {
            return Optional.of("@" + name + " is not an agent of this project");
        }
    }

    /** A dispatch attempt failed: queued again with a backoff, or dead-lettered after the last attempt. */
    private static Object failAttempt(StoreTx tx, String project, Job j, int attempts, String reason, long now) {
        Map<String, Object> set = new LinkedHashMap<>();
        set.put("attempts", attempts);
        String error = "dispatch attempt " + attempts + "/" + j.maxAttempts() + " failed: " + reason;
        set.put("error", error);
        if (attempts >= j.maxAttempts()) {
            set.put("dead_lettered", true);
            set.put("next_attempt_at", null);
            Jobs.transition(tx, project, j, "unavailable", set, j.owner(), "dead-lettered after " + attempts + " attempt(s); job_retry re-runs it");
            return null;
        }
        long wait = backoff(attempts);
        set.put("next_attempt_at", now + wait);
        set.put("ask_id", null);
        Jobs.transition(tx, project, j, j.state().equals("queued") ? null : "queued", set, j.owner(), null);
        Feed.append(tx, project, now, j.owner(), "job", j.assignee(), "#" + j.id() + " " + error + "; retry in " + (wait / 1000.0) + " s");
        tx.signalAfterCommit(Jobs.DISPATCH_TOPIC);
        return null;
    }

    /**
     * Follows one dispatched or running job: its deadline, its ask's delivery, its assignee's presence.
     *
     * @param apply false to only tell whether something would change (in a read transaction), true to change it
     * @return whether the job's state changes (or would)
     */
    private static boolean follow(StoreTx tx, String project, long id, long now, boolean apply) {
        Job j = JobTable.of(tx).get(project, id).orElse(null);
        if (j == null || j.terminal()) {
            return false;
        }
        if (j.deadline() != null && j.deadline() <= now) {
            if (apply) {
                Map<String, Object> set = new LinkedHashMap<>();
                set.put("error", "deadline " + java.time.Instant.ofEpochMilli(j.deadline()) + " passed while it was " + j.state());
                set.put("next_attempt_at", null);
                Jobs.transition(tx, project, j, "expired", set, j.owner(), null);
            }
            return true;
        }
        if (j.state().equals("queued")) {
            return false;
        }
        Optional<String> absent = absence(tx, project, j.assignee());
        if (j.state().equals("dispatching")) {
            Ask ask = j.askId() == null ? null : dev.agentmesh.orchestrator.internal.AskTable.of(tx).get(project, j.askId()).orElse(null);
            if (ask != null && JobTable.of(tx).deliveredAt(project, ask.messageId(), j.assignee()) != null) {
                if (apply) {
                    Jobs.transition(tx, project, j, "delivered", new LinkedHashMap<>(), j.assignee(), null);
                }
                return true;
            }
            if (absent.isPresent()) {
                if (apply) {
                    if (ask != null) {
                        dev.agentmesh.orchestrator.internal.AskTable.of(tx).close(ask.id(), "cancelled", now);
                        tx.signalAfterCommit(Asks.topic(ask.id()));
                    }
                    failAttempt(tx, project, j, j.attempts(), absent.get() + " before the ask reached it", now);
                }
                return true;
            }
            return false;
        }
        if (Job.WITH_EXECUTOR.contains(j.state()) && absent.isPresent()) {
            if (apply) {
                Map<String, Object> set = new LinkedHashMap<>();
                set.put("error", "its assignee " + absent.get() + " (its process ended or its lease expired) while the job was " + j.state());
                Jobs.transition(tx, project, j, "failed", set, j.owner(), null);
            }
            return true;
        }
        return false;
    }

    private static Object fire(StoreTx tx, String project, long id, long now) {
        ScheduleTable t = ScheduleTable.of(tx);
        Schedule s = t.get(project, id).orElse(null);
        if (s == null || !s.state().equals("active") || s.nextFireAt() == null || s.nextFireAt() > now) {
            return null;
        }
        Optional<String> absent = absence(tx, project, s.toPeer());
        if (absent.isEmpty() && !s.owner().equals(s.toPeer())) {
            try {
                Presence.requireKnown(tx, project, s.owner());
            } catch (MeshException e) {
                absent = Optional.of("its owner @" + s.owner() + " is not an agent of this project");
            }
        }
        if (absent.isPresent()) {
            int attempts = s.attempts() + 1;
            String error = "fire attempt " + attempts + "/" + Schedules.MAX_ATTEMPTS + " failed: " + absent.get();
            if (attempts >= Schedules.MAX_ATTEMPTS) {
                t.failed(id, "dead_letter", null, attempts, error);
                Feed.append(tx, project, now, s.owner(), "schedule", s.toPeer(), "#" + id + " dead-lettered: " + error);
                if (!s.owner().equals(s.toPeer()) && absence(tx, project, s.owner()).isEmpty()) {
                    Messenger.sendIn(tx, project, s.owner(), false, List.of(s.owner()), "[schedule #" + id + " dead-lettered] "
                            + error + "\ntext: " + dev.agentmesh.Texts.oneLine(s.text(), 500), null, null);
                }
            } else {
                long wait = backoff(attempts);
                t.failed(id, "active", now + wait, attempts, error);
                Feed.append(tx, project, now, s.owner(), "schedule", s.toPeer(), "#" + id + " " + error + "; retry in " + (wait / 1000.0) + " s");
            }
            return null;
        }
        String body = "[schedule #" + id + "] " + s.text();
        if (s.kind().equals("ask")) {
            Asks.open(tx, project, s.owner(), false, s.toPeer(), s.text(), body, null, null, null, null);
        } else {
            Messenger.sendIn(tx, project, s.owner(), false, List.of(s.toPeer()), body, null, null);
        }
        Long next = s.cron() == null ? null : CronSpec.next(s.cron(), now);
        t.fired(id, next == null ? "done" : "active", next, now);
        Feed.append(tx, project, now, s.owner(), "schedule", s.toPeer(), "#" + id + " fired (" + s.kind() + ")"
                + (next == null ? "" : "; next " + java.time.Instant.ofEpochMilli(next)));
        return null;
    }
}
