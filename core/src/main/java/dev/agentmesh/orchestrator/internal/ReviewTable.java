package dev.agentmesh.orchestrator.internal;

import dev.agentmesh.orchestrator.RefReview;
import dev.agentmesh.store.StoreTx;
import org.jdbi.v3.core.Handle;

import java.util.List;
import java.util.Optional;

/** SQL for {@code ref_reviews} (every mark_reviewed) and {@code review_touches} (refs recorded as touched by a peer). */
public final class ReviewTable {
    private final Handle h;

    /**
     * A ref recorded as touched by a peer.
     *
     * @param peer      the agent name
     * @param ref       the normalised ref (branch name, {@code refs/pull/N/head} or full commit id)
     * @param touchedAt epoch ms of the last recording
     */
    public record Touch(String peer, String ref, long touchedAt) {
    }

    /** @param h the open transaction's handle (see {@link StoreTx#table}) */
    public ReviewTable(Handle h) {
        this.h = h;
    }

    /** @return this table in the transaction {@code tx} */
    public static ReviewTable of(StoreTx tx) {
        return tx.table(ReviewTable::new);
    }

    /** Records a review; the newest of (project, reviewer, ref) is the one in force. */
    public void insert(String project, RefReview r) {
        h.createUpdate("""
                        INSERT INTO ref_reviews (project, reviewer, ref, sha, in_default, ref_present, reviewed_at)
                        VALUES (:p, :who, :ref, :sha, :d, :present, :at)""")
                .bind("p", project).bind("who", r.reviewer()).bind("ref", r.ref()).bind("sha", r.sha())
                .bind("d", r.inDefault() ? 1 : 0).bind("present", r.refPresent() ? 1 : 0).bind("at", r.reviewedAt()).execute();
    }

    /** @return the reviewer's review in force of each ref it reviewed in the project, by ref */
    public List<RefReview> latest(String project, String reviewer) {
        return h.createQuery("""
                        SELECT r.* FROM ref_reviews r
                        WHERE r.project = :p AND r.reviewer = :who
                          AND r.id = (SELECT MAX(id) FROM ref_reviews x WHERE x.project = r.project AND x.reviewer = r.reviewer AND x.ref = r.ref)
                        ORDER BY r.ref""")
                .bind("p", project).bind("who", reviewer).map(ReviewTable::review).list();
    }

    /** @return the reviewer's review in force of {@code ref}, if any */
    public Optional<RefReview> latest(String project, String reviewer, String ref) {
        return h.createQuery("SELECT * FROM ref_reviews WHERE project = :p AND reviewer = :who AND ref = :ref ORDER BY id DESC LIMIT 1")
                .bind("p", project).bind("who", reviewer).bind("ref", ref).map(ReviewTable::review).findOne();
    }

    /** @return every review of the project, oldest first (the history) */
    public List<RefReview> history(String project) {
        return h.createQuery("SELECT * FROM ref_reviews WHERE project = :p ORDER BY id").bind("p", project).map(ReviewTable::review).list();
    }

    /** Records (or refreshes the time of) a peer's touch of a ref. */
    public void touch(String project, String peer, String ref, long now) {
        h.createUpdate("""
                        INSERT INTO review_touches (project, peer, ref, touched_at) VALUES (:p, :peer, :ref, :now)
                        ON CONFLICT (project, peer, ref) DO UPDATE SET touched_at = excluded.touched_at""")
                .bind("p", project).bind("peer", peer).bind("ref", ref).bind("now", now).execute();
    }

    /** @return the project's recorded touches, oldest first */
    public List<Touch> touches(String project) {
        return h.createQuery("SELECT peer, ref, touched_at FROM review_touches WHERE project = :p ORDER BY touched_at, peer, ref")
                .bind("p", project).map((rs, ctx) -> new Touch(rs.getString("peer"), rs.getString("ref"), rs.getLong("touched_at"))).list();
    }

    private static RefReview review(java.sql.ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx) throws java.sql.SQLException {
        return new RefReview(rs.getString("reviewer"), rs.getString("ref"), rs.getString("sha"), rs.getInt("in_default") == 1,
                rs.getInt("ref_present") == 1, rs.getLong("reviewed_at"));
    }
}
