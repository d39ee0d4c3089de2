package dev.agentmesh.corpus.internal;

import dev.agentmesh.corpus.RunType;
import dev.agentmesh.store.StoreTx;
import org.jdbi.v3.core.Handle;

import java.util.Optional;

/** SQL for {@code corpus_sessions}: the run type declared for each session ({@code data.session}). */
public final class SessionTable {
    private final Handle h;

    /** @param h the open transaction's handle (see {@link StoreTx#table}) */
    public SessionTable(Handle h) {
        this.h = h;
    }

    /** @return this table in the transaction {@code tx} */
    public static SessionTable of(StoreTx tx) {
        return tx.table(SessionTable::new);
    }

    /** Declares (or re-declares) the run type of session {@code key}; "" is the project's own session. */
    public void declare(String project, String key, RunType runType, String category, long at) {
        h.createUpdate("""
                        INSERT INTO corpus_sessions (project, session_key, run_type, category, declared_at) VALUES (:p, :k, :r, :c, :at)
                        ON CONFLICT (project, session_key) DO UPDATE SET run_type = :r, category = :c, declared_at = :at""")
                .bind("p", project).bind("k", key).bind("r", runType.wire()).bind("c", category).bind("at", at).execute();
    }

    /** @return the run type declared for session {@code key}, if any */
    public Optional<RunType> runType(String project, String key) {
        return h.createQuery("SELECT run_type FROM corpus_sessions WHERE project = :p AND session_key = :k")
                .bind("p", project).bind("k", key).mapTo(String.class).findOne().map(RunType::parse);
    }
}
