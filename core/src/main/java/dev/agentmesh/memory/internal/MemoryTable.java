package dev.agentmesh.memory.internal;

import dev.agentmesh.memory.Memory;
import dev.agentmesh.memory.MemoryStats;
import dev.agentmesh.store.StoreTx;
import org.jdbi.v3.core.Handle;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** SQL for {@code agent_memory}, the embedded summaries of persistent agents. */
public final class MemoryTable {
    private final Handle h;

    /** @param h the open transaction's handle (see {@link StoreTx#table}) */
    public MemoryTable(Handle h) {
        this.h = h;
    }

    /** @return this table in the transaction {@code tx} */
    public static MemoryTable of(StoreTx tx) {
        return tx.table(MemoryTable::new);
    }

    /** A memory as recall first reads it: no text, only what ranks it. */
    public record Candidate(long id, long createdAt, float[] embedding) {
    }

    /** @return the id of the new row */
    public long insert(String project, Memory m, String embedder, float[] embedding) {
        return h.createUpdate("""
                        INSERT INTO agent_memory (project, workstream, agent, task, summary, embedder, embedding, created_at)
                        VALUES (:p, :w, :a, :t, :s, :e, :v, :c)""")
                .bind("p", project).bind("w", m.workstream()).bind("a", m.agent()).bind("t", m.task()).bind("s", m.summary())
                .bind("e", embedder).bind("v", Vectors.toBytes(embedding)).bind("c", m.createdAt())
                .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
    }

    /** @return the newest {@code limit} memories of the workstream made by {@code embedder}, newest first */
    public List<Candidate> candidates(String project, String workstream, String embedder, int limit) {
        return h.createQuery("""
                        SELECT id, created_at, embedding FROM agent_memory
                        WHERE project = :p AND workstream = :w AND embedder = :e
                        ORDER BY created_at DESC, id DESC LIMIT :n""")
                .bind("p", project).bind("w", workstream).bind("e", embedder).bind("n", limit)
                .map((rs, ctx) -> new Candidate(rs.getLong("id"), rs.getLong("created_at"), Vectors.fromBytes(rs.getBytes("embedding"))))
                .list();
    }

    /** @return the project's memories of those ids, by id (ids of other projects are left out) */
    public Map<Long, Memory> byIds(String project, Collection<Long> ids) {
        Map<Long, Memory> out = new LinkedHashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        h.createQuery("SELECT * FROM agent_memory WHERE project = :p AND id IN (<ids>)")
                .bind("p", project).bindList("ids", List.copyOf(ids))
                .map((rs, ctx) -> new Memory(rs.getLong("id"), rs.getString("workstream"), rs.getString("agent"),
                        rs.getString("task"), rs.getString("summary"), rs.getLong("created_at")))
                .forEach(m -> out.put(m.id(), m));
        return out;
    }

    /** @return one entry per workstream of the project, by name */
    public List<MemoryStats.Workstream> stats(String project) {
        Map<String, List<String>> agents = new LinkedHashMap<>();
        h.createQuery("SELECT DISTINCT workstream, agent FROM agent_memory WHERE project = :p ORDER BY workstream, agent")
                .bind("p", project)
                .map((rs, ctx) -> Map.entry(rs.getString("workstream"), rs.getString("agent")))
                .forEach(e -> agents.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
        return h.createQuery("""
                        SELECT workstream, COUNT(*) AS n, MIN(created_at) AS oldest, MAX(created_at) AS newest
                        FROM agent_memory WHERE project = :p GROUP BY workstream ORDER BY workstream""")
                .bind("p", project)
                .map((rs, ctx) -> new MemoryStats.Workstream(rs.getString("workstream"), rs.getInt("n"),
                        agents.getOrDefault(rs.getString("workstream"), List.of()), rs.getLong("oldest"), rs.getLong("newest")))
                .list();
    }

    /** @return how many rows were deleted: the project's, or only those of {@code workstream} */
    public int delete(String project, Optional<String> workstream) {
        return workstream.isPresent()
                ? h.createUpdate("DELETE FROM agent_memory WHERE project = :p AND workstream = :w")
                        .bind("p", project).bind("w", workstream.get()).execute()
                : h.createUpdate("DELETE FROM agent_memory WHERE project = :p").bind("p", project).execute();
    }
}
