package dev.agentmesh.mesh.internal;

import dev.agentmesh.mesh.Message;
import dev.agentmesh.store.Rows;
import dev.agentmesh.store.StoreTx;
import org.jdbi.v3.core.Handle;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** SQL for the {@code messages} and {@code deliveries} tables. */
public final class MessageTable {
    private final Handle h;

    /** @param h the open transaction's handle (see {@link StoreTx#table}) */
    public MessageTable(Handle h) {
        this.h = h;
    }

    /** @return this table in the transaction {@code tx} */
    public static MessageTable of(StoreTx tx) {
        return tx.table(MessageTable::new);
    }

    /**
     * Stores a message and one pending delivery per recipient.
     *
     * @param recipientIds   agent ids, distinct, not empty
     * @param idempotencyKey the sender's key for this send, or null (unique per project and sender)
     * @return the message id
     */
    public long insert(String project, String sender, String body, Long replyTo, boolean broadcast, long at,
                       List<Long> recipientIds, String idempotencyKey) {
        long id = h.createUpdate("""
                        INSERT INTO messages (project, sender, body, reply_to, broadcast, created_at, idempotency_key)
                        VALUES (:p, :s, :b, :r, :bc, :at, :k)""")
                .bind("p", project).bind("s", sender).bind("b", body).bind("r", replyTo)
                .bind("bc", broadcast ? 1 : 0).bind("at", at).bind("k", idempotencyKey)
                .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
        var batch = h.prepareBatch("INSERT INTO deliveries (message_id, recipient_id) VALUES (:m, :r)");
        for (Long r : recipientIds) {
            batch.bind("m", id).bind("r", r).add();
        }
        batch.execute();
        return id;
    }

    /** @return the message {@code sender} sent with {@code key} in the project, with its recipients' names; or empty */
    public java.util.Optional<Message> byIdempotencyKey(String project, String sender, String key) {
        return h.createQuery(SELECT_MESSAGE + " FROM messages m WHERE m.project = :p AND m.sender = :s AND m.idempotency_key = :k")
                .bind("p", project).bind("s", sender).bind("k", key).map(MessageTable::message).findOne();
    }

    /** @return true if a message with this id exists in the project */
    public boolean exists(String project, long id) {
        return h.createQuery("SELECT COUNT(*) FROM messages WHERE project = :p AND id = :id")
                .bind("p", project).bind("id", id).mapTo(Integer.class).one() > 0;
    }

    /**
     * @param limit at most this many, oldest first
     * @return messages not yet delivered to {@code recipientId}, with all their recipients' current names
     */
    public List<Message> pending(long recipientId, int limit) {
        return pendingAfter(recipientId, 0, limit);
    }

    /**
     * @param afterId only messages with a larger id
     * @param limit   at most this many, oldest first
     * @return messages not yet delivered to {@code recipientId} after {@code afterId}, with their recipients' names
     */
    public List<Message> pendingAfter(long recipientId, long afterId, int limit) {
        return h.createQuery(SELECT_MESSAGE + """
                         FROM deliveries d JOIN messages m ON m.id = d.message_id
                        WHERE d.recipient_id = :r AND d.delivered_at IS NULL AND m.id > :after
                        ORDER BY m.id LIMIT :lim""")
                .bind("r", recipientId).bind("after", afterId).bind("lim", limit).map(MessageTable::message).list();
    }

    /** The columns {@link #message} reads, of messages {@code m} with their recipients' current names. */
    private static final String SELECT_MESSAGE = """
            SELECT m.id, m.sender, m.body, m.reply_to, m.broadcast, m.created_at,
              (SELECT group_concat(a.name, char(31)) FROM deliveries d2 JOIN agents a ON a.id = d2.recipient_id
                WHERE d2.message_id = m.id) AS recipients""";

    private static Message message(java.sql.ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx) throws java.sql.SQLException {
        return new Message(rs.getLong("id"), rs.getString("sender"), split(rs.getString("recipients")),
                rs.getString("body"), Rows.nullableLong(rs, "reply_to"), rs.getInt("broadcast") != 0, rs.getLong("created_at"));
    }

    /** Marks the given messages delivered to {@code recipientId} at {@code at}; @return rows changed */
    public int markDelivered(long recipientId, List<Long> messageIds, long at) {
        if (messageIds.isEmpty()) {
            return 0;
        }
        return h.createUpdate("UPDATE deliveries SET delivered_at = :at WHERE recipient_id = :r AND delivered_at IS NULL"
                        + " AND message_id IN (<ids>)")
                .bind("at", at).bind("r", recipientId).bindList("ids", messageIds).execute();
    }

    /** @return how many messages wait for {@code recipientId} */
    public int unreadCount(long recipientId) {
        return h.createQuery("SELECT COUNT(*) FROM deliveries WHERE recipient_id = :r AND delivered_at IS NULL")
                .bind("r", recipientId).mapTo(Integer.class).one();
    }

    private static List<String> split(String s) {
        return s == null ? List.of() : new ArrayList<>(Arrays.asList(s.split("\u001f")));
    }
}
