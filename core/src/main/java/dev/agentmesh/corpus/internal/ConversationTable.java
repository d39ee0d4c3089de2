package dev.agentmesh.corpus.internal;

import dev.agentmesh.corpus.Category;
import dev.agentmesh.corpus.Conversation;
import dev.agentmesh.corpus.RunType;
import dev.agentmesh.store.Rows;
import dev.agentmesh.store.StoreTx;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementContext;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** SQL for {@code corpus_conversations}: one row per captured conversation, with its counters. */
public final class ConversationTable {
    /** One group of {@link #groups}: the conversations of one project and category. */
    public record Group(String project, Category category, long conversations, long messages, long bytes, long sessions,
                        long oldest, long newest) {
    }

    /** What {@link #list} gives of a conversation: enough to filter it before reading it. */
    public record Head(long id, String project, Category category) {
    }

    private final Handle h;

    /** @param h the open transaction's handle (see {@link StoreTx#table}) */
    public ConversationTable(Handle h) {
        this.h = h;
    }

    /** @return this table in the transaction {@code tx} */
    public static ConversationTable of(StoreTx tx) {
        return tx.table(ConversationTable::new);
    }

    /** @return the id of a new conversation, counted with {@code bytes} of system prompt */
    public long insert(String project, String session, String agent, String runtime, String model, RunType runType,
                       Category category, String systemPrompt, long chars, long bytes, boolean truncated, long at) {
        return h.createUpdate("""
                        INSERT INTO corpus_conversations (project, session_key, agent, runtime, model, run_type, category,
                          system_prompt, chars, bytes, truncated, created_at, updated_at)
                        VALUES (:p, :s, :a, :r, :m, :rt, :c, :sp, :ch, :b, :t, :at, :at)""")
                .bind("p", project).bind("s", session).bind("a", agent).bind("r", runtime).bind("m", model)
                .bind("rt", runType.wire()).bind("c", category.wire()).bind("sp", systemPrompt).bind("ch", chars)
                .bind("b", bytes).bind("t", truncated ? 1 : 0).bind("at", at)
                .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
    }

    /** @return the conversation {@code id} of {@code project} */
    public Optional<Conversation> get(String project, long id) {
        return h.createQuery("SELECT * FROM corpus_conversations WHERE project = :p AND id = :id")
                .bind("p", project).bind("id", id).map(ConversationTable::row).findOne();
    }

    /** @return the conversation {@code id} of any project */
    public Optional<Conversation> get(long id) {
        return h.createQuery("SELECT * FROM corpus_conversations WHERE id = :id").bind("id", id)
                .map(ConversationTable::row).findOne();
    }

    /** @return characters stored for conversation {@code id} so far */
    public long chars(long id) {
        return h.createQuery("SELECT chars FROM corpus_conversations WHERE id = :id").bind("id", id).mapTo(Long.class).one();
    }

    /** @return the hash of the last assistant text captured in {@code id}, or null */
    public Long lastAssistantHash(long id) {
        return h.createQuery("SELECT last_assistant_hash FROM corpus_conversations WHERE id = :id").bind("id", id)
                .map((rs, ctx) -> Rows.nullableLong(rs, "last_assistant_hash")).one();
    }

    /**
     * Counts {@code messages} more captured, {@code chars} and {@code bytes} more stored.
     *
     * @param assistantHash the hash of an assistant text just captured, or null to keep the last one
     */
    public void count(long id, int messages, long chars, long bytes, boolean truncated, Long assistantHash, long at) {
        h.createUpdate("""
                        UPDATE corpus_conversations SET messages = messages + :m, chars = chars + :c, bytes = bytes + :b,
                          truncated = MAX(truncated, :t), last_assistant_hash = COALESCE(:h, last_assistant_hash), updated_at = :at
                        WHERE id = :id""")
                .bind("m", messages).bind("c", chars).bind("b", bytes).bind("t", truncated ? 1 : 0).bind("h", assistantHash)
                .bind("at", at).bind("id", id).execute();
    }

    /** Adds a runtime's usage report. */
    public void usage(long id, long inputTokens, long outputTokens, double costUsd, long at) {
        h.createUpdate("""
                        UPDATE corpus_conversations SET input_tokens = input_tokens + :i, output_tokens = output_tokens + :o,
                          cost_usd = cost_usd + :c, updated_at = :at WHERE id = :id""")
                .bind("i", inputTokens).bind("o", outputTokens).bind("c", costUsd).bind("at", at).bind("id", id).execute();
    }

    /** Ends conversation {@code id} with {@code summary} (null to store none); chars and bytes change by the deltas. */
    public void end(long id, String summary, long chars, long bytes, boolean truncated, long at) {
        h.createUpdate("""
                        UPDATE corpus_conversations SET chars = chars + :c, bytes = bytes + :b, summary = :s,
                          truncated = MAX(truncated, :t), ended_at = :at, updated_at = :at WHERE id = :id""")
                .bind("s", summary).bind("c", chars).bind("b", bytes).bind("t", truncated ? 1 : 0).bind("at", at)
                .bind("id", id).execute();
    }

    /**
     * @param project the project, or null for every project
     * @param since   the earliest {@code created_at} (epoch ms) to list
     * @return the matching conversations' id, project and category, oldest first
     */
    public List<Head> list(String project, long since) {
        return h.createQuery("SELECT id, project, category FROM corpus_conversations WHERE (:p IS NULL OR project = :p) "
                        + "AND created_at >= :since ORDER BY created_at, id")
                .bind("p", project).bind("since", since)
                .map((rs, ctx) -> new Head(rs.getLong("id"), rs.getString("project"), Category.parse(rs.getString("category"))))
                .list();
    }

    /** @return the conversations of {@code project} (or of every project, for null) grouped by project and category */
    public List<Group> groups(String project) {
        return h.createQuery("""
                        SELECT project, category, COUNT(*) AS n, SUM(messages) AS m, SUM(bytes) AS b,
                          COUNT(DISTINCT session_key) AS s, MIN(created_at) AS oldest, MAX(created_at) AS newest
                        FROM corpus_conversations WHERE (:p IS NULL OR project = :p) GROUP BY project, category""")
                .bind("p", project)
                .map((rs, ctx) -> new Group(rs.getString("project"), Category.parse(rs.getString("category")), rs.getLong("n"),
                        rs.getLong("m"), rs.getLong("b"), rs.getLong("s"), rs.getLong("oldest"), rs.getLong("newest")))
                .list();
    }

    /** @return the ids of {@code project}'s conversations last active before {@code cutoff} (epoch ms) */
    public List<Long> idleSince(String project, long cutoff) {
        return h.createQuery("SELECT id FROM corpus_conversations WHERE project = :p AND updated_at < :cut")
                .bind("p", project).bind("cut", cutoff).mapTo(Long.class).list();
    }

    /** @return how many of {@code ids} were deleted */
    public int delete(List<Long> ids) {
        return ids.isEmpty() ? 0 : h.createUpdate("DELETE FROM corpus_conversations WHERE id IN (<ids>)")
                .bindList("ids", ids).execute();
    }

    private static Conversation row(ResultSet rs, StatementContext ctx) throws SQLException {
        return new Conversation(rs.getLong("id"), rs.getString("project"), rs.getString("session_key"), rs.getString("agent"),
                rs.getString("runtime"), rs.getString("model"), RunType.parse(rs.getString("run_type")),
                Category.parse(rs.getString("category")), rs.getString("system_prompt"), rs.getString("summary"),
                rs.getLong("messages"), rs.getLong("bytes"), rs.getInt("truncated") != 0, rs.getLong("input_tokens"),
                rs.getLong("output_tokens"), rs.getDouble("cost_usd"), rs.getLong("created_at"), rs.getLong("updated_at"),
                Rows.nullableLong(rs, "ended_at"));
    }
}
