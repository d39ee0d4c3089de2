package dev.agentmesh.orchestrator.internal;

import dev.agentmesh.orchestrator.Ask;
import dev.agentmesh.store.Rows;
import dev.agentmesh.store.StoreTx;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** SQL for {@code asks} and {@code ask_groups}. */
public final class AskTable {
    private static final RowMapper<Ask> ASK = (rs, ctx) -> ask(rs);
    private final Handle h;

    /** @param h the open transaction's handle */
    public AskTable(Handle h) {
        this.h = h;
    }

    /** @return this table in {@code tx} */
    public static AskTable of(StoreTx tx) {
        return tx.table(AskTable::new);
    }

    /** Inserts an open ask; @return its id */
    public long insert(String project, String from, String to, String brief, Long replyTo, String circle, Long group,
                       Long jobId, long messageId, long now) {
        return h.createUpdate("""
                        INSERT INTO asks (project, sender, recipient, brief, status, reply_to, circle, group_id, job_id, message_id, created_at)
                        VALUES (:p, :f, :t, :b, 'open', :rt, :c, :g, :j, :m, :now)""")
                .bind("p", project).bind("f", from).bind("t", to).bind("b", brief).bind("rt", replyTo).bind("c", circle)
                .bind("g", group).bind("j", jobId).bind("m", messageId).bind("now", now)
                .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
    }

    /** Sets the message that carries ask {@code id} (the message names the ask, so it is sent after the insert). */
    public void setMessage(long id, long messageId) {
        h.createUpdate("UPDATE asks SET message_id = :m WHERE id = :id").bind("m", messageId).bind("id", id).execute();
    }

    /** @return the ask, if the project has it */
    public Optional<Ask> get(String project, long id) {
        return h.createQuery("SELECT * FROM asks WHERE project = :p AND id = :id").bind("p", project).bind("id", id).map(ASK).findOne();
    }

    /** Acks an open ask; @return whether it was open */
    public boolean ack(long id, String reply, long now) {
        return h.createUpdate("UPDATE asks SET status = 'acked', reply = :r, acked_at = :now WHERE id = :id AND status = 'open'")
                .bind("r", reply).bind("now", now).bind("id", id).execute() == 1;
    }

    /** Closes an open ask without a reply ({@code acked} when its job completed, {@code cancelled} when withdrawn). */
    public void close(long id, String status, long now) {
        h.createUpdate("UPDATE asks SET status = :s, acked_at = :now WHERE id = :id AND status = 'open'")
                .bind("s", status).bind("now", now).bind("id", id).execute();
    }

    /** @return the asks of the project, newest first, filtered by peer (sender or recipient) and status */
    public List<Ask> list(String project, String peer, String status, int limit) {
        return h.createQuery("""
                        SELECT * FROM asks WHERE project = :p AND (:peer IS NULL OR sender = :peer OR recipient = :peer)
                          AND (:s IS NULL OR status = :s) ORDER BY id DESC LIMIT :n""")
                .bind("p", project).bind("peer", peer).bind("s", status).bind("n", limit).map(ASK).list();
    }

    /** @return the open asks {@code recipient} owes, oldest first */
    public List<Ask> openFor(String project, String recipient, int limit) {
        return h.createQuery("SELECT * FROM asks WHERE project = :p AND recipient = :r AND status = 'open' ORDER BY id LIMIT :n")
                .bind("p", project).bind("r", recipient).bind("n", limit).map(ASK).list();
    }

    /** @return how many open asks {@code recipient} owes */
    public int openCount(String project, String recipient) {
        return h.createQuery("SELECT COUNT(*) FROM asks WHERE project = :p AND recipient = :r AND status = 'open'")
                .bind("p", project).bind("r", recipient).mapTo(Integer.class).one();
    }

    /** @return the asks of group {@code group}, by id */
    public List<Ask> group(long group) {
        return h.createQuery("SELECT * FROM asks WHERE group_id = :g ORDER BY id").bind("g", group).map(ASK).list();
    }

    /** Inserts an {@code ask_many} group; @return its id */
    public long insertGroup(String project, String from, String query, String failedJson, long now) {
        return h.createUpdate("INSERT INTO ask_groups (project, sender, query, failed, created_at) VALUES (:p, :f, :q, :x, :now)")
                .bind("p", project).bind("f", from).bind("q", query).bind("x", failedJson).bind("now", now)
                .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
    }

    /** Sets the failed peers of a group. */
    public void setGroupFailed(long group, String failedJson) {
        h.createUpdate("UPDATE ask_groups SET failed = :x WHERE id = :g").bind("x", failedJson).bind("g", group).execute();
    }

    /** @return the group's query and failed-peers JSON, if the project has it */
    public Optional<String[]> groupRow(String project, long group) {
        return h.createQuery("SELECT query, failed FROM ask_groups WHERE project = :p AND id = :g").bind("p", project).bind("g", group)
                .map((rs, ctx) -> new String[]{rs.getString("query"), rs.getString("failed")}).findOne();
    }

    private static Ask ask(ResultSet rs) throws SQLException {
        return new Ask(rs.getLong("id"), rs.getString("sender"), rs.getString("recipient"), rs.getString("brief"),
                rs.getString("status"), rs.getString("reply"), Rows.nullableLong(rs, "reply_to"), rs.getString("circle"),
                Rows.nullableLong(rs, "group_id"), Rows.nullableLong(rs, "job_id"), rs.getLong("message_id"), rs.getLong("created_at"),
                Rows.nullableLong(rs, "acked_at"));
    }

}
