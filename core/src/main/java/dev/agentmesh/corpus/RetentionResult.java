package dev.agentmesh.corpus;

/**
 * What {@link Corpus#retention} deleted ({@code data.retention}, seed 000).
 *
 * @param days          the retention applied, in days
 * @param cutoff        epoch ms: conversations last active before it were deleted
 * @param conversations conversations deleted
 * @param messages      stored messages deleted with them
 */
public record RetentionResult(int days, long cutoff, long conversations, long messages) {
}
