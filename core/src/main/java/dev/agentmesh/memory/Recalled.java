package dev.agentmesh.memory;

/**
 * A memory recalled for a query, with the figures that ranked it (see {@link AgentMemory#score}).
 *
 * @param memory     the memory; its task and summary are cut when {@code cut} is true
 * @param similarity cosine similarity of the query and the memory, -1..1 (at least {@link AgentMemory#MIN_SIMILARITY})
 * @param score      the ranking score, similarity mixed with recency
 * @param cut        whether the task or summary was shortened to keep the recall within its character bound
 */
public record Recalled(Memory memory, double similarity, double score, boolean cut) {
}
