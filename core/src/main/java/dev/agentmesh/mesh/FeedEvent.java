package dev.agentmesh.mesh;

/**
 * One entry of the project's activity feed.
 *
 * @param id     store id, increasing
 * @param at     epoch ms
 * @param actor  agent name, or null for the system
 * @param kind   what happened: {@code join}, {@code leave}, {@code rename}, {@code message}, {@code broadcast},
 *               {@code reserve}, {@code release}, {@code status}, {@code task.*}, {@code crew.*}
 * @param target what it happened to (an agent, a path, a task id), or null
 * @param detail free text, or null
 */
public record FeedEvent(long id, long at, String actor, String kind, String target, String detail) {
}
