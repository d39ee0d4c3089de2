package dev.agentmesh.corpus;

/**
 * What {@link Corpus#export} wrote.
 *
 * @param conversations lines written, one conversation each
 * @param messages      chat messages written across them (system, user, assistant and tool)
 * @param excluded      conversations that matched the project, categories and time but were not eligible for training
 *                      (0 when the filter did not ask for eligible ones only)
 */
public record ExportResult(long conversations, long messages, long excluded) {
}
