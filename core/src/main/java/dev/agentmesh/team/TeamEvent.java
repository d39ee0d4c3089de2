package dev.agentmesh.team;

/**
 * One retained event of a run (seeds/002: 2,000 per run, each preview at most 2,000 characters).
 *
 * @param seq      its place in the run, from 1; a {@code run_status} cursor is the last seq seen
 * @param at       epoch ms
 * @param stepId   the step it is about, or null for the run
 * @param kind     {@code run.started}, {@code step.started}, {@code step.tool}, {@code step.text},
 *                 {@code step.message}, {@code step.ended}, {@code run.ended}, ...
 * @param material whether a {@code run_status} wait wakes on it (state changes; not routine tool or text activity)
 * @param text     a one-line preview
 */
public record TeamEvent(long seq, long at, String stepId, String kind, boolean material, String text) {
}
