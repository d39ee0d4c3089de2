package dev.agentmesh.corpus;

import dev.agentmesh.corpus.internal.Keys;

import java.util.Set;

/**
 * Which conversations {@link Corpus#export} writes ({@code data.export}: "usually filtered to your project", seed 000).
 *
 * @param project      the project key, or null for every project of the store
 * @param eligibleOnly true (the default) to write only training-eligible conversations: {@code production_work} of a
 *                     project in the policy's allow-list; false to write every matching conversation with what its
 *                     category kept (for inspection, not training)
 * @param categories   the categories to write; empty for all
 * @param since        the earliest start to write, epoch ms; 0 for all
 */
public record ExportFilter(String project, boolean eligibleOnly, Set<Category> categories, long since) {
    /**
     * @throws dev.agentmesh.MeshException (invalid input) for a blank project, one over 4096 characters or holding a
     *                                     control character, or a negative {@code since}
     */
    public ExportFilter {
        Keys.checkOptional("project", project, Keys.MAX_PROJECT_CHARS);
        categories = categories == null ? Set.of() : Set.copyOf(categories);
        if (since < 0) {
            throw dev.agentmesh.MeshException.invalidInput("since is " + since + "; give epoch milliseconds, 0 for all");
        }
    }

    /** @return the default filter: the training-eligible conversations of {@code project} (null: of every project) */
    public static ExportFilter eligible(String project) {
        return new ExportFilter(project, true, Set.of(), 0);
    }

    /** @return every conversation of {@code project} (null: of every project), eligible or not */
    public static ExportFilter all(String project) {
        return new ExportFilter(project, false, Set.of(), 0);
    }
}
