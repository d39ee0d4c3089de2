package dev.agentmesh.mesh;

import dev.agentmesh.mesh.internal.AgentTable;
import dev.agentmesh.mesh.internal.MessageTable;
import dev.agentmesh.MeshException;
import dev.agentmesh.store.Notifier;
import dev.agentmesh.store.Store;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Messages between agents: send, broadcast, inbox (seeds/001). {@code send} returns once the message is
 * committed; each recipient's {@code inbox} hands it out exactly once, also when many processes send and read
 * at the same time (the read and the mark happen in one serialised write transaction).
 */
public final class Messenger {
    /** Longest message body, in characters. */
    public static final int MAX_BODY_CHARS = 65_536;
    /** Most recipients of one {@code send}. */
    public static final int MAX_RECIPIENTS = 100;

    private final Store store;
    private final String project;

    Messenger(Store store, String project) {
        this.store = store;
        this.project = project;
    }

    /** Longest idempotency key of a {@code send}, in characters. */
    public static final int MAX_IDEMPOTENCY_KEY_CHARS = 200;

    /** {@link #send(String, List, String, Long, String)} without an idempotency key. */
    public Message send(String from, List<String> to, String body, Long replyTo) {
        return send(from, to, body, replyTo, null);
    }

    /**
     * Sends a direct message.
     *
     * @param from           a present agent
     * @param to             1..{@value #MAX_RECIPIENTS} known agents (present or left: a left agent finds it on
     *                       rejoin); duplicates are ignored
     * @param body           1..{@value #MAX_BODY_CHARS} characters
     * @param replyTo        id of a message of this project, or null
     * @param idempotencyKey null, or 1..{@value #MAX_IDEMPOTENCY_KEY_CHARS} characters without control characters:
     *                       a send that repeats a key the same sender used before stores nothing and returns the
     *                       first message (same id), so a sender that crashed or lost the answer can retry safely
     *                       (issue 5, part 3). A key belongs to the sender's name: a retry after the sender
     *                       renamed itself sends again
     * @return the committed message
     * @throws MeshException (invalid input) for an unknown sender or recipient, a recipient in another circle than
     *                       the sender's (both in one, see {@link Presence#sees}), an empty or too long body, an
     *                       unknown replyTo, a bad key, or a key the sender already used for another body or other
     *                       recipients
     */
    public Message send(String from, List<String> to, String body, Long replyTo, String idempotencyKey) {
        checkBody(body);
        if (to == null || to.isEmpty()) {
            throw MeshException.invalidInput("send needs at least one recipient ('to')");
        }
        List<String> names = List.copyOf(new LinkedHashSet<>(to));
        if (names.size() > MAX_RECIPIENTS) {
            throw MeshException.invalidInput("send has " + names.size() + " recipients; the limit is " + MAX_RECIPIENTS);
        }
        checkKey(idempotencyKey);
        return store.write(tx -> {
            if (idempotencyKey != null) {
                Agent sender = Presence.requirePresent(tx, project, from);
                java.util.Optional<Message> first = MessageTable.of(tx).byIdempotencyKey(project, sender.name(), idempotencyKey);
                if (first.isPresent()) {
                    names.forEach(n -> Presence.requireKnown(tx, project, n));
                    return sameSend(first.get(), names, body, replyTo, idempotencyKey);
                }
            }
            return sendIn(tx, project, from, true, names, body, replyTo, idempotencyKey);
        });
    }

    /**
     * Sends a direct message inside the caller's write transaction, for services that commit a message together with
     * their own rows (an ask and the message that carries it, seeds/004). Checks as {@link #send}; the recipients'
     * inbox topics are signalled after the commit and a {@code message} feed event is appended.
     *
     * @param tx             an open write transaction
     * @param project        the project key
     * @param from           the sender: a present agent, or with {@code fromMustBePresent} false any known agent (a
     *                       schedule fires for an owner that has left)
     * @param to             1..{@value #MAX_RECIPIENTS} known agents, without duplicates
     * @param body           1..{@value #MAX_BODY_CHARS} characters
     * @param replyTo        id of a message of this project, or null
     * @param idempotencyKey stored with the message, or null (the caller checked it is new)
     * @return the message, committed with the transaction
     * @throws MeshException (invalid input) as {@link #send}
     */
    public static Message sendIn(dev.agentmesh.store.StoreTx tx, String project, String from, boolean fromMustBePresent,
                                 List<String> to, String body, Long replyTo, String idempotencyKey) {
        checkBody(body);
        if (to == null || to.isEmpty()) {
            throw MeshException.invalidInput("send needs at least one recipient ('to')");
        }
        Agent sender = fromMustBePresent ? Presence.requirePresent(tx, project, from) : Presence.requireKnown(tx, project, from);
        List<Long> ids = new ArrayList<>();
        for (String n : to) {
            Agent recipient = Presence.requireKnown(tx, project, n);
            if (!Presence.sees(sender.circle(), recipient.circle())) {
                throw acrossCircles(sender, recipient);
            }
            ids.add(recipient.id());
        }
        if (replyTo != null && !MessageTable.of(tx).exists(project, replyTo)) {
            throw MeshException.invalidInput("replyTo " + replyTo + " is not a message of this project");
        }
        long now = System.currentTimeMillis();
        long id = MessageTable.of(tx).insert(project, sender.name(), body, replyTo, false, now, ids, idempotencyKey);
        ids.forEach(r -> tx.signalAfterCommit(Notifier.inbox(r)));
        if (sender.present()) {
            AgentTable.of(tx).touch(sender.id(), now);
        }
        Feed.append(tx, project, now, sender.name(), "message", String.join(",", to), preview(body));
        return new Message(id, sender.name(), to, body, replyTo, false, now);
    }

    private static MeshException acrossCircles(Agent sender, Agent to) {
        return MeshException.invalidInput(to.name() + " is in circle '" + to.circle() + "' and " + sender.name()
                + " in circle '" + sender.circle() + "'; circles scope who reaches whom: send from an agent without a"
                + " circle, or move with set_circle");
    }

    /** @return {@code first} when the retried send asks for the same message; else refuses the reused key */
    private static Message sameSend(Message first, List<String> names, String body, Long replyTo, String key) {
        if (!first.body().equals(body) || !new java.util.HashSet<>(first.recipients()).equals(new java.util.HashSet<>(names))
                || !java.util.Objects.equals(first.replyTo(), replyTo)) {
            throw MeshException.invalidInput("idempotency key '" + dev.agentmesh.Texts.quote(key, 80) + "' was used for message #"
                    + first.id() + " with another text or other recipients; use a new key for a new message");
        }
        return first;
    }

    private static void checkKey(String key) {
        if (key == null) {
            return;
        }
        if (key.isEmpty() || key.length() > MAX_IDEMPOTENCY_KEY_CHARS) {
            throw MeshException.invalidInput("idempotency key is " + key.length() + " characters; it must have 1.."
                    + MAX_IDEMPOTENCY_KEY_CHARS);
        }
        if (key.codePoints().anyMatch(c -> Character.isISOControl(c) || (c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE))) {
            throw MeshException.invalidInput("idempotency key '" + dev.agentmesh.Texts.quote(key, 80) + "'"
                    + " has a control character or a lone surrogate");
        }
    }

    /**
     * Sends to every present agent but the sender that the sender {@link Presence#sees}: an agent in a circle
     * reaches its circle and the agents without one.
     *
     * @return the committed message; its recipients may be empty when nobody else is present
     * @throws MeshException (invalid input) for an unknown sender or a bad body
     */
    public Message broadcast(String from, String body) {
        checkBody(body);
        return store.write(tx -> {
            Agent sender = Presence.requirePresent(tx, project, from);
            List<Agent> others = AgentTable.of(tx).list(project, false).stream()
                    .filter(a -> a.id() != sender.id() && Presence.sees(sender.circle(), a.circle())).toList();
            long now = System.currentTimeMillis();
            long id = MessageTable.of(tx).insert(project, sender.name(), body, null, true, now,
                    others.stream().map(Agent::id).toList(), null);
            others.forEach(r -> tx.signalAfterCommit(Notifier.inbox(r.id())));
            AgentTable.of(tx).touch(sender.id(), now);
            Feed.append(tx, project, now, sender.name(), "broadcast", "all", preview(body));
            return new Message(id, sender.name(), others.stream().map(Agent::name).toList(), body, null, true, now);
        });
    }

    /**
     * Reads the messages waiting for {@code name}, oldest first.
     *
     * @param limit 1..1000 messages at most
     * @param peek  true to leave them unread
     * @return the messages, each handed out once across all readers unless peeked
     * @throws MeshException (invalid input) for an unknown agent or a limit out of range
     */
    public List<Message> inbox(String name, int limit, boolean peek) {
        if (limit < 1 || limit > 1000) {
            throw MeshException.invalidInput("inbox limit " + limit + " is out of range 1..1000");
        }
        if (peek) {
            // a peek changes nothing: a read transaction, no write lock
            return store.read(tx -> MessageTable.of(tx).pending(Presence.requireKnown(tx, project, name).id(), limit));
        }
        return store.write(tx -> {
            Agent me = Presence.requireKnown(tx, project, name);
            List<Message> msgs = MessageTable.of(tx).pending(me.id(), limit);
            long now = System.currentTimeMillis();
            MessageTable.of(tx).markDelivered(me.id(), msgs.stream().map(Message::id).toList(), now);
            AgentTable.of(tx).touch(me.id(), now);
            return msgs;
        });
    }

    /**
     * @param agent   an agent of this project, as {@link Presence#whois} returned it (an open event stream)
     * @param afterId the last message id already handed to the agent's event stream
     * @param limit   1..1000
     * @return the messages still waiting for the agent after {@code afterId}, oldest first; a read
     * @throws MeshException (invalid input) for a limit out of range
     */
    public List<Message> pendingAfter(Agent agent, long afterId, int limit) {
        if (limit < 1 || limit > 1000) {
            throw MeshException.invalidInput("limit " + limit + " is out of range 1..1000");
        }
        return store.read(tx -> MessageTable.of(tx).pendingAfter(agent.id(), afterId, limit));
    }

    /**
     * Acknowledges messages the agent's runtime took from its event stream ({@code inbox.ack}), so no
     * {@code inbox} or stream hands them out again; ids that are not pending for it are ignored. Until then a
     * message stays pending and is pushed again on the next stream: delivery is at-least-once, and the receiving
     * side drops the ids it has seen.
     *
     * @param ids message ids, at most 1000
     * @return how many were pending and are now delivered
     * @throws MeshException (invalid input) for an unknown agent or too many ids
     */
    public int markDelivered(String name, List<Long> ids) {
        if (ids.size() > 1000) {
            throw MeshException.invalidInput("inbox.ack takes at most 1000 ids, not " + ids.size());
        }
        return store.write(tx -> {
            Agent me = Presence.requireKnown(tx, project, name);
            long now = System.currentTimeMillis();
            return MessageTable.of(tx).markDelivered(me.id(), ids, now);
        });
    }

    /** @return how many messages wait for {@code name} */
    public int unread(String name) {
        return store.read(tx -> MessageTable.of(tx).unreadCount(Presence.requireKnown(tx, project, name).id()));
    }

    private static void checkBody(String body) {
        if (body == null || body.isBlank()) {
            throw MeshException.invalidInput("message is empty");
        }
        if (body.length() > MAX_BODY_CHARS) {
            throw MeshException.invalidInput("message is " + body.length() + " characters; the limit is " + MAX_BODY_CHARS);
        }
    }

    static String preview(String body) {
        return dev.agentmesh.Texts.oneLine(body, 80);
    }
}
