package dev.agentmesh.memory;

/**
 * One remembered {@code agents.done} summary (issue 6, part 4).
 *
 * @param id         the store's id, unique in the store
 * @param workstream the workstream it was done in (1..{@value AgentMemory#MAX_WORKSTREAM_CHARS} characters)
 * @param agent      the agent that did it
 * @param task       the assignment it answers, or null when it had none
 * @param summary    the summary, never empty; in a {@link Recalled} it may be cut (see {@link Recalled#cut()})
 * @param createdAt  when it was remembered, epoch ms
 */
public record Memory(long id, String workstream, String agent, String task, String summary, long createdAt) {
}
