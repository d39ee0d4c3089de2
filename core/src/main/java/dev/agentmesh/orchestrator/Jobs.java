package dev.agentmesh.orchestrator;

import dev.agentmesh.MeshException;
import dev.agentmesh.Texts;
import dev.agentmesh.mesh.Agent;
import dev.agentmesh.mesh.Feed;
import dev.agentmesh.mesh.Messenger;
import dev.agentmesh.mesh.Presence;
import dev.agentmesh.orchestrator.internal.AskTable;
import dev.agentmesh.orchestrator.internal.JobTable;
import dev.agentmesh.store.Store;
import dev.agentmesh.store.StoreTx;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Durable jobs (seeds/004 and issue 8): {@code job_create}, {@code job_list}, {@code job_status}, {@code job_update},
 * {@code job_result}, {@code job_cancel}, {@code job_retry}, and the supervisor's dispatch ({@link #tick}).
 *
 * <p>Lifecycle: a job is {@code queued} (unassigned, not yet due, or waiting for a retry); dispatch opens an ask to the
 * assignee carrying the job's id ({@code dispatching}); once the ask's message reached the assignee it is
 * {@code delivered}; the assignee's turn arms it ({@code running}: its bare ack, or {@code job_update}) and completes it
 * (its ack with a message becomes the result, or {@code job_update} with {@code state: completed}); the assignee may
 * also report {@code awaiting_input}, {@code blocked} or {@code failed}. Terminal states ({@link Job#TERMINAL}) never
 * go back. Each transition is a feed event ({@code job}) and signals {@link #topic}; the owner also gets a mesh message
 * for the transitions that need it or end the job ({@code running}, {@code awaiting_input}, {@code blocked} and the
 * terminal ones): dispatching and delivery are visible in the feed and {@code job_status} without waking the owner.
 *
 * <p>Retries (unlike the reference, which drops a failed dispatch): a dispatch fails when the assignee is unknown or
 * has left the mesh, or leaves before the ask reached it; the job goes back to {@code queued} with a backoff of
 * {@value #BACKOFF_BASE_SECONDS} s doubling up to {@value #BACKOFF_MAX_SECONDS} s, and after {@code maxAttempts}
 * attempts (default {@value #DEFAULT_MAX_ATTEMPTS}) it is dead-lettered: state {@code unavailable},
 * {@code deadLettered: true}, listed by {@code job_list}; {@code job_retry} runs it again as a new job. An assignee that
 * leaves or dies while the job is delivered or being worked on fails it with the reason. Thread-safe.
 */
public final class Jobs {
    /** Longest title, in characters. */
    public static final int MAX_TITLE_CHARS = 200;
    /** Longest request, in characters. */
    public static final int MAX_REQUEST_CHARS = 30_000;
    /** Longest result or error, in characters. */
    public static final int MAX_RESULT_CHARS = 65_536;
    /** Longest kind or phase, in characters. */
    public static final int MAX_LABEL_CHARS = 100;
    /** Most artifacts of a job, and the longest one in characters. */
    public static final int MAX_ARTIFACTS = 50, MAX_ARTIFACT_CHARS = 1_000;
    /** Dispatch attempts before dead-lettering, by default and at most. */
    public static final int DEFAULT_MAX_ATTEMPTS = 5, MAX_ATTEMPTS = 20;
    /** The first retry's backoff, and the longest, in seconds. */
    public static final int BACKOFF_BASE_SECONDS = 5, BACKOFF_MAX_SECONDS = 300;
    /** The states {@code job_update} may set. */
    public static final Set<String> UPDATABLE = Set.of("running", "awaiting_input", "blocked", "completed", "failed");
    private static final Set<String> NOTIFY_OWNER = Set.of("running", "awaiting_input", "blocked", "completed", "failed",
            "cancelled", "expired", "unavailable");

    private final Store store;
    private final String project;

    /** @param project the project key its rows carry */
    public Jobs(Store store, String project) {
        this.store = Objects.requireNonNull(store);
        this.project = Objects.requireNonNull(project);
    }

    /** @return the Notifier topic signalled on each transition of job {@code id} */
    public static String topic(long id) {
        return "job:" + id;
    }

    /** The Notifier topic signalled when a job is created or becomes due sooner: the supervisor's dispatcher listens. */
    public static final String DISPATCH_TOPIC = "jobs:dispatch";

    /**
     * What {@code job_create} asks for.
     *
     * @param title       1..{@value #MAX_TITLE_CHARS} characters
     * @param kind        1..{@value #MAX_LABEL_CHARS} characters, or null for {@code task}
     * @param assignee    a known agent, or null to leave it queued until {@code job_update} assigns it
     * @param request     what to do, 1..{@value #MAX_REQUEST_CHARS} characters
     * @param deadline    epoch ms by which it must be terminal, or null
     * @param dueAt       epoch ms before which it is not dispatched (a delayed one-shot), or null
     * @param cron        a cron expression ({@link CronSpec}) making it a recurring template, or null
     * @param maxAttempts 1..{@value #MAX_ATTEMPTS} dispatch attempts, or null for {@value #DEFAULT_MAX_ATTEMPTS}
     */
    public record Spec(String title, String kind, String assignee, String request, Long deadline, Long dueAt, String cron,
                       Integer maxAttempts) {
    }

    /**
     * Creates a job owned by {@code owner}.
     *
     * @return the job: {@code dispatching} when it is due now and its assignee is present (its ask is opened in the
     *         same transaction), else {@code queued}, dispatched by the supervisor when due
     * @throws MeshException (invalid input) for an absent owner, an unknown assignee, bad text, a deadline in the past,
     *                       both dueAt and cron, a bad cron
     */
    public Job create(String owner, Spec spec) {
        Checks.text("title", spec.title(), MAX_TITLE_CHARS, false);
        String kind = spec.kind() == null ? "task" : Checks.text("kind", spec.kind(), MAX_LABEL_CHARS, false);
        Checks.text("request", spec.request(), MAX_REQUEST_CHARS, true);
        int max = spec.maxAttempts() == null ? DEFAULT_MAX_ATTEMPTS : spec.maxAttempts();
        if (max < 1 || max > MAX_ATTEMPTS) {
            throw MeshException.invalidInput("max_attempts " + max + " is out of range 1.." + MAX_ATTEMPTS);
        }
        if (spec.dueAt() != null && spec.cron() != null) {
            throw MeshException.invalidInput("give due_at (a delayed one-shot) or cron (a recurring template), not both");
        }
        long now = System.currentTimeMillis();
        if (spec.deadline() != null && spec.deadline() <= now) {
            throw MeshException.invalidInput("deadline " + java.time.Instant.ofEpochMilli(spec.deadline()) + " is in the past");
        }
        String cron = spec.cron() == null ? null : CronSpec.check(spec.cron());
        Long next = cron != null ? Long.valueOf(CronSpec.next(cron, now)) : spec.dueAt();
        Job j = store.write(tx -> {
            Presence.requirePresent(tx, project, owner);
            if (spec.assignee() != null) {
                Presence.requireKnown(tx, project, spec.assignee());
            }
            long id = JobTable.of(tx).insert(project, owner, spec.assignee(), spec.title(), kind, spec.request(), max, next,
                    spec.dueAt(), cron, null, spec.deadline(), now);
            Feed.append(tx, project, now, owner, "job", spec.assignee(), "#" + id + " queued: " + Texts.oneLine(spec.title(), 120)
                    + (cron != null ? " (recurring " + cron + ")" : spec.dueAt() != null ? " (due " + java.time.Instant.ofEpochMilli(spec.dueAt()) + ")" : ""));
            tx.signalAfterCommit(topic(id));
            if (cron == null && spec.dueAt() == null && spec.assignee() != null && Dispatcher.absence(tx, project, spec.assignee()).isEmpty()) {
                // due now to a present assignee: dispatched in the same transaction, one commit instead of two
                Dispatcher.dispatch(tx, project, id, now);
            }
            // the supervisor's clock looks at it now: it dispatches a queued job when due and follows a dispatched one
            tx.signalAfterCommit(DISPATCH_TOPIC);
            return JobTable.of(tx).get(project, id).orElseThrow();
        });
        return j;
    }

    /**
     * @return the job
     * @throws MeshException (invalid input) for an unknown job
     */
    public Job get(long id) {
        return store.read(tx -> JobTable.of(tx).get(project, id)).orElseThrow(() -> notFound(id));
    }

    /**
     * @param assignee only this assignee's jobs, or null
     * @param state    only jobs in this state ({@link Job#STATES}), or null
     * @param limit    1..1000
     * @return the project's jobs, newest first
     */
    public List<Job> list(String assignee, String state, int limit) {
        if (state != null && !Job.STATES.contains(state)) {
            throw MeshException.invalidInput("state '" + Texts.quote(state, 40) + "' is not one of " + String.join(", ", Job.STATES));
        }
        if (limit < 1 || limit > 1000) {
            throw MeshException.invalidInput("limit " + limit + " is out of range 1..1000");
        }
        return store.read(tx -> JobTable.of(tx).list(project, assignee, state, limit));
    }

    /**
     * What {@code job_update} changes; null fields stay as they are.
     *
     * @param state     one of {@link #UPDATABLE}
     * @param assignee  a new assignee for a queued job (the owner assigns it; it is then dispatched)
     * @param progress  0..100
     * @param artifacts replaces the list: at most {@value #MAX_ARTIFACTS}, each 1..{@value #MAX_ARTIFACT_CHARS} characters
     */
    public record Update(String state, String phase, Integer progress, String result, String error, List<String> artifacts,
                         String assignee) {
    }

    /**
     * Updates a job as its assignee (or its owner) reports.
     *
     * @return the job after the update
     * @throws MeshException (invalid input) for an unknown job, a caller that is neither assignee nor owner, a terminal
     *                       job, a state that cannot be set, bad values
     */
    public Job update(String caller, long id, Update u) {
        if (u.state() != null && !UPDATABLE.contains(u.state())) {
            throw MeshException.invalidInput("state '" + Texts.quote(u.state(), 40) + "' cannot be set by job_update; the states it sets are "
                    + String.join(", ", UPDATABLE.stream().sorted().toList()) + " (job_cancel cancels)");
        }
        Checks.optional("phase", u.phase(), MAX_LABEL_CHARS, false);
        Checks.optional("result", u.result(), MAX_RESULT_CHARS, true);
        Checks.optional("error", u.error(), MAX_RESULT_CHARS, true);
        if (u.progress() != null && (u.progress() < 0 || u.progress() > 100)) {
            throw MeshException.invalidInput("progress " + u.progress() + " is out of range 0..100");
        }
        if (u.artifacts() != null) {
            if (u.artifacts().size() > MAX_ARTIFACTS) {
                throw MeshException.invalidInput(u.artifacts().size() + " artifacts; the limit is " + MAX_ARTIFACTS);
            }
            u.artifacts().forEach(a -> Checks.text("artifact", a, MAX_ARTIFACT_CHARS, false));
        }
        return store.write(tx -> {
            Job j = JobTable.of(tx).get(project, id).orElseThrow(() -> notFound(id));
            boolean owner = j.owner().equals(caller);
            if (!owner && !caller.equals(j.assignee())) {
                throw MeshException.invalidInput("job #" + id + " is @" + j.owner() + "'s, assigned to "
                        + (j.assignee() == null ? "nobody" : "@" + j.assignee()) + "; @" + Texts.quote(caller, 80) + " cannot update it");
            }
            refuseTerminal(j);
            Map<String, Object> set = new LinkedHashMap<>();
            if (u.assignee() != null) {
                if (!owner || !j.state().equals("queued")) {
                    throw MeshException.invalidInput("only the owner assigns a job, and only while it is queued (job #" + id + " is " + j.state() + ")");
                }
                Presence.requireKnown(tx, project, u.assignee());
                set.put("assignee", u.assignee());
                tx.signalAfterCommit(DISPATCH_TOPIC);
            }
            if (u.state() != null && j.template()) {
                throw MeshException.invalidInput("job #" + id + " is a recurring template (cron " + j.cron() + "); its runs are the jobs"
                        + " it creates (job_list), and job_cancel stops it");
            }
            if (u.phase() != null) {
                set.put("phase", u.phase());
            }
            if (u.progress() != null) {
                set.put("progress", u.progress());
            }
            if (u.result() != null) {
                set.put("result", u.result());
            }
            if (u.error() != null) {
                set.put("error", u.error());
            }
            if (u.artifacts() != null) {
                set.put("artifacts", u.artifacts());
            }
            String to = u.state() == null || u.state().equals(j.state()) ? null : u.state();
            if (to != null && j.state().equals("queued") && j.askId() == null) {
                throw MeshException.invalidInput("job #" + id + " is queued and not dispatched yet; it moves on once its ask reaches the assignee");
            }
            return transition(tx, project, j, to, set, caller, null);
        });
    }

    /**
     * Waits until the job is terminal, up to {@code wait}, and returns it.
     *
     * @param wait 0..{@value Asks#MAX_WAIT_SECONDS} s
     * @throws MeshException (invalid input) for an unknown job or a bad wait
     */
    public Job result(long id, Duration wait) {
        Asks.checkTimeout(wait);
        get(id);
        return Waits.until(store.notifier(), List.of(topic(id)), wait, () -> get(id), Job::terminal);
    }

    /**
     * Cancels a job (its owner only); its open ask is withdrawn and the assignee told.
     *
     * @return the cancelled job
     * @throws MeshException (invalid input) for an unknown job, a caller that is not the owner, a terminal job
     */
    public Job cancel(String caller, long id, String reason) {
        Checks.optional("reason", reason, MAX_LABEL_CHARS * 10, true);
        return store.write(tx -> {
            Job j = JobTable.of(tx).get(project, id).orElseThrow(() -> notFound(id));
            if (!j.owner().equals(caller)) {
                throw MeshException.invalidInput("job #" + id + " is @" + j.owner() + "'s; only its owner cancels it");
            }
            refuseTerminal(j);
            Map<String, Object> set = new LinkedHashMap<>();
            set.put("error", reason == null ? "cancelled by @" + caller : reason);
            set.put("next_attempt_at", null);
            Job after = transition(tx, project, j, "cancelled", set, caller, null);
            if (j.assignee() != null && j.askId() != null && Job.WITH_EXECUTOR.contains(j.state())) {
                Messenger.sendIn(tx, project, j.owner(), false, List.of(j.assignee()), "[job #" + id + "] cancelled by @" + caller
                        + (reason == null ? "" : ": " + reason) + "; stop working on it", null, null);
            }
            return after;
        });
    }

    /**
     * Runs a terminal job again as a new queued job with the same title, kind, assignee and request (its
     * {@code parentId} names the old one, which stays as it was: terminal states never go back).
     *
     * @return the new job
     * @throws MeshException (invalid input) for an unknown job, a caller that is not the owner, a job not terminal
     */
    public Job retry(String caller, long id) {
        Job j = get(id);
        if (!j.owner().equals(caller)) {
            throw MeshException.invalidInput("job #" + id + " is @" + j.owner() + "'s; only its owner re-runs it");
        }
        if (!j.terminal() || j.template()) {
            throw MeshException.invalidInput("job #" + id + " is " + j.state() + (j.template() ? " (a template)" : "")
                    + "; job_retry re-runs a dead-lettered, failed, expired or cancelled job");
        }
        return store.write(tx -> {
            long now = System.currentTimeMillis();
            long nid = JobTable.of(tx).insert(project, j.owner(), j.assignee(), j.title(), j.kind(), j.request(), j.maxAttempts(),
                    null, null, null, j.id(), null, now);
            Feed.append(tx, project, now, caller, "job", j.assignee(), "#" + nid + " queued: re-run of #" + id);
            tx.signalAfterCommit(DISPATCH_TOPIC);
            return JobTable.of(tx).get(project, nid).orElseThrow();
        });
    }

    /**
     * Arms the jobs whose asks were just handed to {@code assignee} as a new turn (the supervisor's own delivery to a
     * spawned agent): each is {@code delivered} and then {@code running}, in one transaction per job (seeds/004: "the
     * assignee's next turn arms and completes it").
     *
     * @param messageIds the mesh messages handed over
     * @return the ids of the jobs armed (to complete with {@link #completeArmed} when the turn ends)
     */
    public List<Long> armDelivered(String assignee, List<Long> messageIds) {
        if (messageIds.isEmpty()) {
            return List.of();
        }
        return store.write(tx -> {
            List<Long> armed = new ArrayList<>();
            for (Ask a : AskTable.of(tx).openFor(project, assignee, 1000)) {
                if (a.jobId() == null || !messageIds.contains(a.messageId())) {
                    continue;
                }
                Job j = JobTable.of(tx).get(project, a.jobId()).orElse(null);
                if (j == null || !Long.valueOf(a.id()).equals(j.askId()) || !List.of("dispatching", "delivered").contains(j.state())) {
                    continue;
                }
                if (j.state().equals("dispatching")) {
                    j = transition(tx, project, j, "delivered", new LinkedHashMap<>(), assignee, null);
                }
                transition(tx, project, j, "running", new LinkedHashMap<>(), assignee, "armed by its turn");
                armed.add(j.id());
            }
            return armed;
        });
    }

    /**
     * Completes the jobs a turn armed that are still {@code running} when the turn ends, with the turn's final text as
     * the result; a job the assignee moved on itself (completed, blocked, awaiting_input, failed) is left as it is.
     *
     * @param finalText the turn's final assistant text; an empty one fails the job instead ({@code no result})
     */
    public void completeArmed(String assignee, java.util.Collection<Long> jobIds, String finalText) {
        for (long id : jobIds) {
            store.write(tx -> {
                Job j = JobTable.of(tx).get(project, id).orElse(null);
                if (j == null || !j.state().equals("running") || !assignee.equals(j.assignee())) {
                    return null;
                }
                Map<String, Object> set = new LinkedHashMap<>();
                boolean empty = finalText == null || finalText.isBlank();
                String text = empty ? null : finalText.length() > MAX_RESULT_CHARS ? finalText.substring(0, MAX_RESULT_CHARS) : finalText;
                set.put(empty ? "error" : "result", empty ? "the assignee's turn ended with no result" : text);
                transition(tx, project, j, empty ? "failed" : "completed", set, assignee, "its turn ended");
                return null;
            });
        }
    }

    /**
     * Moves a job to {@code to} (or only writes {@code set} when {@code to} is null), compare-and-set on its state,
     * with the feed event, the topic signal and the owner's message.
     */
    static Job transition(StoreTx tx, String project, Job j, String to, Map<String, Object> set, String actor, String note) {
        long now = System.currentTimeMillis();
        if (to != null) {
            set.put("state", to);
        }
        if (set.isEmpty()) {
            return j;
        }
        if (!JobTable.of(tx).update(j.id(), j.state(), set, now)) {
            throw MeshException.unexpectedState("job #" + j.id() + " changed while it was being updated; read it again (job_status)");
        }
        Job after = JobTable.of(tx).get(project, j.id()).orElseThrow();
        tx.signalAfterCommit(topic(j.id()));
        if (to != null) {
            String detail = "#" + j.id() + " " + j.state() + " -> " + to + (note == null ? "" : ": " + note)
                    + (to.equals("completed") && after.result() != null ? ": " + Texts.oneLine(after.result(), 120)
                    : after.error() != null && Job.TERMINAL.contains(to) ? ": " + Texts.oneLine(after.error(), 120) : "");
            Feed.append(tx, project, now, actor, "job", j.owner(), detail);
            if (Job.TERMINAL.contains(to) && after.askId() != null) {
                closeAsk(tx, project, after.askId(), to.equals("completed") ? "acked" : "cancelled", now);
            }
            if (NOTIFY_OWNER.contains(to)) {
                String from = actor != null && !actor.equals(j.owner()) && known(tx, project, actor) ? actor : j.owner();
                StringBuilder body = new StringBuilder("[job #" + j.id() + " " + to + "] " + j.title());
                if (after.phase() != null) {
                    body.append(" (phase: ").append(after.phase()).append(")");
                }
                if (to.equals("completed") && after.result() != null) {
                    body.append("\nresult: ").append(Texts.oneLine(after.result(), 2_000));
                } else if (after.error() != null && (Job.TERMINAL.contains(to) || to.equals("blocked"))) {
                    body.append("\nreason: ").append(Texts.oneLine(after.error(), 2_000));
                }
                if (note != null) {
                    body.append("\n").append(note);
                }
                body.append("\n(job_status {\"id\": ").append(j.id()).append("} for all of it)");
                Messenger.sendIn(tx, project, from, false, List.of(j.owner()), body.toString(), null, null);
            }
        }
        return after;
    }

    /**
     * What an ack of a job's ask does to the job (in the ack's transaction): a bare ack arms it ({@code running}), an
     * ack with a message completes it with the message as its result. A job already past that is left as it is.
     */
    static void acked(StoreTx tx, String project, long jobId, String caller, String message) {
        Job j = JobTable.of(tx).get(project, jobId).orElse(null);
        if (j == null || j.terminal()) {
            return;
        }
        Map<String, Object> set = new LinkedHashMap<>();
        if (message != null) {
            set.put("result", message);
            transition(tx, project, j, "completed", set, caller, null);
        } else if (List.of("dispatching", "delivered").contains(j.state())) {
            transition(tx, project, j, "running", set, caller, null);
        }
    }

    private static boolean known(StoreTx tx, String project, String name) {
        try {
            Presence.requireKnown(tx, project, name);
            return true;
        } catch (MeshException e) {
            return false;
        }
    }

    private static void closeAsk(StoreTx tx, String project, long askId, String status, long now) {
        AskTable.of(tx).close(askId, status, now);
        tx.signalAfterCommit(Asks.topic(askId));
    }

    private static void refuseTerminal(Job j) {
        if (j.terminal()) {
            throw MeshException.invalidInput("job #" + j.id() + " is " + j.state() + "; terminal states never go back"
                    + (j.deadLettered() ? " (job_retry re-runs it as a new job)" : ""));
        }
    }

    private static MeshException notFound(long id) {
        return MeshException.invalidInput("job #" + id + " is not in this project (job_list shows the jobs)");
    }
}
