package dev.agentmesh.corpus;

import java.util.Map;

/**
 * The health of the captured corpus ({@code data.stats}: "counts, categories, training-eligible totals", seed 000).
 * Smoke sessions are counted under {@code smoke_test}, apart from {@code production_work} ("data.stats shows smoke
 * activity categorized away from production training data", seed 000).
 *
 * @param project       the project counted, or null when every project of the store is
 * @param runType       the project's current run type ({@link Corpus#session(String)}, or {@link Corpus#DEFAULT_RUN_TYPE}
 *                      when none was declared); null when every project is counted
 * @param conversations conversations captured
 * @param messages      messages captured, stored or not
 * @param bytes         UTF-8 bytes of text stored
 * @param eligible      conversations training-eligible under the current policy
 * @param eligibleMessages messages of those
 * @param oldest        epoch ms of the oldest conversation's start, or null when there is none
 * @param newest        epoch ms of the newest conversation's start, or null when there is none
 * @param categories    every category, with zeros where nothing was captured, in the order of {@link Category}
 */
public record CorpusStats(String project, RunType runType, long conversations, long messages, long bytes, long eligible,
                          long eligibleMessages, Long oldest, Long newest, Map<Category, PerCategory> categories) {

    /**
     * The counts of one category.
     *
     * @param sessions      distinct sessions its conversations were begun in (each project's own session counts once)
     * @param conversations conversations captured
     * @param messages      messages captured, stored or not
     * @param bytes         UTF-8 bytes of text stored
     * @param eligible      conversations training-eligible under the current policy (0 unless {@code production_work})
     */
    public record PerCategory(long sessions, long conversations, long messages, long bytes, long eligible) {
    }
}
