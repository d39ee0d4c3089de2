package dev.agentmesh.corpus.internal;

import dev.agentmesh.store.StoreTx;
import org.jdbi.v3.core.Handle;

import java.util.List;
import java.util.Optional;

/** SQL for {@code corpus_messages}: the messages of {@code production_work} conversations, in order. */
public final class MessageTable {
    /** A user text. */
    public static final String USER = "user";
    /** An assistant text. */
    public static final String ASSISTANT = "assistant";
    /** An assistant's tool call: call id, tool, arguments. */
    public static final String TOOL_CALL = "tool_call";
    /** A tool call's result: call id, content. */
    public static final String TOOL = "tool";

    /** One stored message; fields a role does not use are null. */
    public record Row(int seq, String role, String content, String callId, String tool, String arguments, long at) {
    }

    private final Handle h;

    /** @param h the open transaction's handle (see {@link StoreTx#table}) */
    public MessageTable(Handle h) {
        this.h = h;
    }

    /** @return this table in the transaction {@code tx} */
    public static MessageTable of(StoreTx tx) {
        return tx.table(MessageTable::new);
    }

    /** Appends a message as the next in {@code conversation}; @return its sequence number, from 1 */
    public int append(long conversation, String role, String content, String callId, String tool, String arguments, long at) {
        int seq = h.createQuery("SELECT COALESCE(MAX(seq), 0) + 1 FROM corpus_messages WHERE conversation = :c")
                .bind("c", conversation).mapTo(Integer.class).one();
        h.createUpdate("""
                        INSERT INTO corpus_messages (conversation, seq, role, content, call_id, tool, arguments, at)
                        VALUES (:c, :seq, :r, :content, :call, :tool, :args, :at)""")
                .bind("c", conversation).bind("seq", seq).bind("r", role).bind("content", content).bind("call", callId)
                .bind("tool", tool).bind("args", arguments).bind("at", at).execute();
        return seq;
    }

    /** @return the id of the latest call of {@code tool} in {@code conversation} with no result yet */
    public Optional<String> openCall(long conversation, String tool) {
        return h.createQuery("""
                        SELECT call_id FROM corpus_messages WHERE conversation = :c AND role = 'tool_call' AND answered = 0
                          AND (:tool IS NULL OR tool = :tool) ORDER BY seq DESC LIMIT 1""")
                .bind("c", conversation).bind("tool", tool).mapTo(String.class).findOne();
    }

    /** Marks the call {@code callId} of {@code conversation} answered. */
    public void answer(long conversation, String callId) {
        h.createUpdate("UPDATE corpus_messages SET answered = 1 WHERE conversation = :c AND role = 'tool_call' AND call_id = :id")
                .bind("c", conversation).bind("id", callId).execute();
    }

    /** @return the messages of {@code conversation} in order */
    public List<Row> list(long conversation) {
        return h.createQuery("SELECT * FROM corpus_messages WHERE conversation = :c ORDER BY seq").bind("c", conversation)
                .map((rs, ctx) -> new Row(rs.getInt("seq"), rs.getString("role"), rs.getString("content"), rs.getString("call_id"),
                        rs.getString("tool"), rs.getString("arguments"), rs.getLong("at")))
                .list();
    }

    /** @return how many messages of {@code conversations} were deleted */
    public int delete(List<Long> conversations) {
        return conversations.isEmpty() ? 0 : h.createUpdate("DELETE FROM corpus_messages WHERE conversation IN (<ids>)")
                .bindList("ids", conversations).execute();
    }
}
