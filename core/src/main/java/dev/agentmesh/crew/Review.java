package dev.agentmesh.crew;

/**
 * One review of a done task.
 *
 * @param taskId   the task reviewed
 * @param reviewer name of the reviewer agent
 * @param verdict  parsed verdict
 * @param feedback the reviewer's text, may be empty
 * @param at       epoch ms
 */
public record Review(String taskId, String reviewer, Verdict verdict, String feedback, long at) {
}
