package dev.agentmesh.orchestrator;

import dev.agentmesh.MeshException;
import dev.agentmesh.Texts;
import dev.agentmesh.mesh.Feed;
import dev.agentmesh.mesh.Message;
import dev.agentmesh.mesh.Messenger;
import dev.agentmesh.mesh.Presence;
import dev.agentmesh.orchestrator.internal.AskTable;
import dev.agentmesh.store.Store;
import dev.agentmesh.store.StoreTx;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Asks with closure and fire-and-forget notices (seeds/004: {@code ask}, {@code ack}, {@code wait_on_ack},
 * {@code notify_peer}, {@code ask_many}). An ask is a row of the store and a mesh message to its recipient committed
 * in the same transaction, so the recipient is woken the way every message wakes it, and the ask survives restarts.
 * It stays open until the recipient acks it; {@link #reminder} re-surfaces open asks on the recipient's turns.
 *
 * <p>Message forms: the recipient gets {@code [ask #ID from @ASKER] BRIEF} and a line saying how to close it; an ack
 * with a message reaches the asker as {@code [ack #ID from @PEER] MESSAGE} (a bare ack means seen and sends nothing).
 *
 * <p>Thread-safe; writes go through the store's writer, waits block on the store's {@link dev.agentmesh.store.Notifier}
 * topic {@link #topic} without polling.
 */
public final class Asks {
    /** Longest brief or ask_many query, in characters (a message body holds at most 65,536). */
    public static final int MAX_BRIEF_CHARS = 32_768;
    /** Longest ack message, in characters. */
    public static final int MAX_REPLY_CHARS = 32_768;
    /** Longest {@code wait_on_ack} / {@code ask_many} wait, in seconds (from the issue: timeout_seconds ≤ 600). */
    public static final int MAX_WAIT_SECONDS = 600;
    /** Most peers of one {@code ask_many}. */
    public static final int MAX_PEERS = 50;
    /** Longest circle name, in characters. */
    public static final int MAX_CIRCLE_CHARS = 64;
    /** Most open asks {@link #reminder} lists. */
    public static final int REMINDER_LIMIT = 10;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Store store;
    private final String project;

    /** @param project the project key its rows carry */
    public Asks(Store store, String project) {
        this.store = Objects.requireNonNull(store);
        this.project = Objects.requireNonNull(project);
    }

    /** @return the Notifier topic signalled when ask {@code id} is acked */
    public static String topic(long id) {
        return "ask:" + id;
    }

    /**
     * Opens an ask.
     *
     * @param from    the asker: a present agent
     * @param peer    the recipient: a known agent (a left one finds it on rejoin)
     * @param brief   1..{@value #MAX_BRIEF_CHARS} characters
     * @param replyTo an ask of this project this one answers, or null
     * @param circle  the circle, 1..{@value #MAX_CIRCLE_CHARS} characters, or null for the project
     * @return the open ask, committed
     * @throws MeshException (invalid input) for an unknown or absent asker, an unknown peer, a bad brief or circle, an
     *                       unknown replyTo
     */
    public Ask ask(String from, String peer, String brief, Long replyTo, String circle) {
        Checks.text("brief", brief, MAX_BRIEF_CHARS, true);
        Checks.optional("circle", circle, MAX_CIRCLE_CHARS, false);
        return store.write(tx -> {
            if (replyTo != null && AskTable.of(tx).get(project, replyTo).isEmpty()) {
                throw MeshException.invalidInput("reply_to " + replyTo + " is not an ask of this project");
            }
            return open(tx, project, from, true, peer, brief, brief, replyTo, circle, null, null);
        });
    }

    /**
     * Opens an ask inside a write transaction (jobs dispatch and schedules fire with it).
     *
     * @param fromMustBePresent false when the supervisor opens it for an owner that may have left (a schedule)
     * @param headline          the text after {@code [ask #ID from @ASKER]} in the message (the brief, or a job's title
     *                          and request)
     * @return the open ask; its message is sent in the same transaction
     * @throws MeshException (invalid input) for an unknown asker or peer
     */
    static Ask open(StoreTx tx, String project, String from, boolean fromMustBePresent, String peer, String brief, String headline,
                    Long replyTo, String circle, Long group, Long jobId) {
        long now = System.currentTimeMillis();
        AskTable t = AskTable.of(tx);
        long id = t.insert(project, from, peer, brief, replyTo, circle, group, jobId, 0, now);
        String body = "[ask #" + id + " from @" + from + "] " + headline + "\n(close it with ack {\"id\": " + id
                + ", \"message\": \"your reply\"}; a bare ack means seen)";
        Message m = Messenger.sendIn(tx, project, from, fromMustBePresent, List.of(peer), body, null, null);
        t.setMessage(id, m.id());
        Feed.append(tx, project, now, from, "ask", peer, "#" + id + " " + Texts.oneLine(brief, 160));
        return t.get(project, id).orElseThrow();
    }

    /**
     * Closes an ask. Repeating the same ack returns the acked ask unchanged (a retry after a lost answer).
     *
     * @param caller  the ask's recipient
     * @param id      the ask
     * @param message the reply, 1..{@value #MAX_REPLY_CHARS} characters, or null for a bare ack (seen)
     * @return the acked ask
     * @throws MeshException (invalid input) for an unknown ask, a caller that is not its recipient, an ask withdrawn (its
     *                       job ended) or acked before with another message
     */
    public Ask ack(String caller, long id, String message) {
        Checks.optional("message", message, MAX_REPLY_CHARS, true);
        return store.write(tx -> ackIn(tx, project, caller, id, message));
    }

    /** {@link #ack} inside a write transaction (a job's completion acks its ask). */
    static Ask ackIn(StoreTx tx, String project, String caller, long id, String message) {
        AskTable t = AskTable.of(tx);
        Ask a = t.get(project, id).orElseThrow(() -> notFound(id));
        if (!a.to().equals(caller)) {
            throw MeshException.invalidInput("ask #" + id + " is for @" + a.to() + ", not @" + Texts.quote(caller, 80)
                    + "; only its recipient acks it");
        }
        if (a.status().equals("cancelled")) {
            throw MeshException.invalidInput("ask #" + id + " was withdrawn at " + Texts.clock(a.ackedAt())
                    + (a.jobId() == null ? "" : " (its job #" + a.jobId() + " ended or was dispatched again: job_status shows it)")
                    + "; there is nothing to ack");
        }
        if (!a.open()) {
            if (Objects.equals(a.reply(), message)) {
                return a;
            }
            throw MeshException.invalidInput("ask #" + id + " was already acked at " + Texts.clock(a.ackedAt())
                    + (a.reply() == null ? " (seen)" : " with a reply") + "; send a new message instead");
        }
        long now = System.currentTimeMillis();
        t.ack(id, message, now);
        if (message != null && a.jobId() == null) { // a job's owner hears of it from the job's transition
            Messenger.sendIn(tx, project, caller, false, List.of(a.from()), "[ack #" + id + " from @" + caller + "] " + message,
                    a.messageId(), null);
        }
        if (a.jobId() != null) {
            Jobs.acked(tx, project, a.jobId(), caller, message);
        }
        Feed.append(tx, project, now, caller, "ack", a.from(), "#" + id + (message == null ? " seen" : " " + Texts.oneLine(message, 160)));
        tx.signalAfterCommit(topic(id));
        return t.get(project, id).orElseThrow();
    }

    /** What {@link #waitOnAck} saw: {@code resolved} once acked. */
    public record Waited(boolean resolved, Ask ask) {
    }

    /**
     * Blocks until the ask is acked or the timeout passes, without polling.
     *
     * @param timeout 0..{@value #MAX_WAIT_SECONDS} s
     * @throws MeshException (invalid input) for an unknown ask; (invalid input) for a bad timeout
     */
    public Waited waitOnAck(long id, Duration timeout) {
        checkTimeout(timeout);
        Ask a = Waits.until(store.notifier(), List.of(topic(id)), timeout, () -> get(id), x -> !x.open());
        return new Waited(!a.open(), a);
    }

    /**
     * Sends a fire-and-forget notice: a plain mesh message, nothing to close.
     *
     * @return the committed message
     * @throws MeshException (invalid input) as {@link Messenger#send}
     */
    public Message notifyPeer(String from, String peer, String message) {
        Checks.text("message", message, MAX_BRIEF_CHARS, true);
        return store.write(tx -> Messenger.sendIn(tx, project, from, true, List.of(Checks.text("peer", peer, 200, false)), message, null, null));
    }

    /**
     * Asks several peers the same query and waits for their acks up to {@code timeout}.
     *
     * @param peers   1..{@value #MAX_PEERS} peers (duplicates dropped); a peer no ask can be opened for (unknown) is a
     *                {@code failed} child, not an error of the call, unless no ask at all could be opened
     * @param timeout 0..{@value #MAX_WAIT_SECONDS} s
     * @return the rollup when every child is resolved or the time is up
     * @throws MeshException (invalid input) for bad peers, query or timeout, or when no peer could be asked
     */
    public AskRollup askMany(String from, List<String> peers, String query, Duration timeout) {
        Checks.text("query", query, MAX_BRIEF_CHARS, true);
        checkTimeout(timeout);
        if (peers == null || peers.isEmpty()) {
            throw MeshException.invalidInput("ask_many needs at least one peer ('peers')");
        }
        List<String> distinct = List.copyOf(new LinkedHashSet<>(peers));
        if (distinct.size() > MAX_PEERS) {
            throw MeshException.invalidInput("ask_many has " + distinct.size() + " peers; the limit is " + MAX_PEERS);
        }
        long group = store.write(tx -> {
            long g = AskTable.of(tx).insertGroup(project, from, query, "[]", System.currentTimeMillis());
            ArrayNode failed = JSON.createArrayNode();
            int opened = 0;
            for (String p : distinct) {
                try {
                    Checks.text("peer", p, 200, false);
                    if (p.equals(from)) {
                        throw MeshException.invalidInput("an agent does not ask itself");
                    }
                    Presence.requireKnown(tx, project, p); // checked first: a failed peer leaves no row behind
                    open(tx, project, from, true, p, query, query, null, null, g, null);
                    opened++;
                } catch (MeshException e) {
                    if (e.kind() != MeshException.Kind.INVALID_INPUT) {
                        throw e;
                    }
                    failed.addObject().put("peer", p).put("error", e.getMessage());
                }
            }
            if (opened == 0) {
                throw MeshException.invalidInput("ask_many could ask none of its peers: " + failed.get(0).path("error").asString());
            }
            AskTable.of(tx).setGroupFailed(g, failed.toString());
            return g;
        });
        List<String> topics = store.read(tx -> AskTable.of(tx).group(group)).stream().map(a -> topic(a.id())).toList();
        return Waits.until(store.notifier(), topics, timeout, () -> rollup(group), r -> r.overall().equals("complete"));
    }

    /**
     * @return the rollup of an {@code ask_many} group now
     * @throws MeshException (invalid input) for an unknown group
     */
    public AskRollup rollup(long group) {
        return store.read(tx -> {
            String[] row = AskTable.of(tx).groupRow(project, group)
                    .orElseThrow(() -> MeshException.invalidInput("ask_many group " + group + " is not in this project"));
            List<AskRollup.Child> children = new ArrayList<>();
            int resolved = 0;
            for (Ask a : AskTable.of(tx).group(group)) {
                String state = a.open() ? "pending" : a.reply() == null ? "acked" : "replied";
                resolved += a.open() ? 0 : 1;
                children.add(new AskRollup.Child(a.to(), a.id(), state, a.reply()));
            }
            int asked = children.size();
            for (JsonNode f : JSON.readTree(row[1])) {
                children.add(new AskRollup.Child(f.path("peer").asString(), null, "failed", f.path("error").asString()));
            }
            String overall = resolved == asked ? "complete" : resolved > 0 ? "partial" : "pending";
            return new AskRollup(group, row[0], overall, List.copyOf(children));
        });
    }

    /**
     * @return the ask
     * @throws MeshException (invalid input) for an unknown ask
     */
    public Ask get(long id) {
        return store.read(tx -> AskTable.of(tx).get(project, id)).orElseThrow(() -> notFound(id));
    }

    /**
     * @param peer   only asks this agent sent or owes, or null for all
     * @param status {@code open}, {@code acked}, or null for both
     * @param limit  1..1000
     * @return the project's asks, newest first
     */
    public List<Ask> list(String peer, String status, int limit) {
        if (status != null && !List.of("open", "acked").contains(status)) {
            throw MeshException.invalidInput("status '" + Texts.quote(status, 40) + "' is not one of open, acked, all");
        }
        if (limit < 1 || limit > 1000) {
            throw MeshException.invalidInput("limit " + limit + " is out of range 1..1000");
        }
        return store.read(tx -> AskTable.of(tx).list(project, peer, status, limit));
    }

    /** @return how many open asks {@code recipient} owes (one indexed read) */
    public int openCount(String recipient) {
        return store.read(tx -> AskTable.of(tx).openCount(project, recipient));
    }

    /**
     * The text that re-surfaces the open asks {@code recipient} owes, for its next turn (the Claude Code hooks, the
     * spawned agents' turns and the unread notice carry it). One read; it writes nothing.
     *
     * @return the reminder, or empty when it owes none
     */
    public Optional<String> reminder(String recipient) {
        return reminder(recipient, List.of());
    }

    /**
     * {@link #reminder(String)} leaving out the asks carried by {@code handedMessages} (messages handed over in the same
     * prompt show those asks already).
     */
    public Optional<String> reminder(String recipient, List<Long> handedMessages) {
        List<Ask> open = store.read(tx -> AskTable.of(tx).openFor(project, recipient, REMINDER_LIMIT + 1 + handedMessages.size()))
                .stream().filter(a -> !handedMessages.contains(a.messageId())).limit(REMINDER_LIMIT + 1).toList();
        if (open.isEmpty()) {
            return Optional.empty();
        }
        StringBuilder sb = new StringBuilder("[mesh] you owe an ack on " + (open.size() > REMINDER_LIMIT ? "more than " + REMINDER_LIMIT : open.size())
                + " open ask(s); close each with ack {\"id\": ID, \"message\": \"your reply\"} once done:");
        for (Ask a : open.subList(0, Math.min(open.size(), REMINDER_LIMIT))) {
            sb.append("\n#").append(a.id()).append(" from @").append(a.from()).append(a.jobId() == null ? "" : " (job #" + a.jobId() + ")")
                    .append(": ").append(Texts.escape(Texts.oneLine(a.brief(), 200)));
        }
        return Optional.of(sb.toString());
    }

    static void checkTimeout(Duration timeout) {
        if (timeout.isNegative() || timeout.toSeconds() > MAX_WAIT_SECONDS) {
            throw MeshException.invalidInput("timeout_seconds " + timeout.toSeconds() + " is out of range 0.." + MAX_WAIT_SECONDS);
        }
    }

    private static MeshException notFound(long id) {
        return MeshException.invalidInput("ask #" + id + " is not in this project (ask_list shows the asks)");
    }
}
