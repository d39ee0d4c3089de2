package dev.agentmesh.corpus;

import dev.agentmesh.MeshException;
import dev.agentmesh.corpus.internal.Keys;

import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

/**
 * The data policy of the training corpus: which {@link Category} each {@link RunType} falls in, which projects may
 * give training data, and how long conversations are kept (seed 000, "Data Policy + Training Corpus"). Immutable
 * and thread-safe.
 *
 * <p>The default mapping pairs the seed's two lists in the order it gives them: {@code production →
 * production_work}, {@code smoke → smoke_test}, {@code research → off_topic} (exploratory work is not the
 * project's implementation work), {@code debug → ops_debug} (operational troubleshooting). What each category keeps
 * is {@link Category#storage()}; only {@code production_work} is ever training-eligible, and only for a project in
 * the allow-list ("training included (subject to project allowlist)", seed 000).
 *
 * <p>The allow-list is a project setting (read by the caller from the project's configuration); a project not in it
 * gives no training data, so the default, an empty list, exports nothing as eligible. Eligibility is decided when the
 * corpus is read ({@code data.stats}, {@code data.export}), not when it is captured: taking a project off the list
 * withdraws what it gave before.
 */
public final class DataPolicy {
    /**
     * Days a conversation is kept after its last activity when the policy names no other value. Seed 000 gives
     * {@code data.retention} no period; 90 days is agentmesh's choice.
     */
    public static final int DEFAULT_RETENTION_DAYS = 90;
    /** Longest retention accepted, in days (about 100 years). */
    public static final int MAX_RETENTION_DAYS = 36_500;

    private static final Map<RunType, Category> SEED_MAPPING = Map.of(
            RunType.PRODUCTION, Category.PRODUCTION_WORK,
            RunType.SMOKE, Category.SMOKE_TEST,
            RunType.RESEARCH, Category.OFF_TOPIC,
            RunType.DEBUG, Category.OPS_DEBUG);

    private final Set<String> trainingProjects;
    private final int retentionDays;
    private final Map<RunType, Category> mapping;

    private DataPolicy(Set<String> trainingProjects, int retentionDays, Map<RunType, Category> mapping) {
        this.trainingProjects = trainingProjects;
        this.retentionDays = retentionDays;
        this.mapping = mapping;
    }

    /** @return the seed's policy with an empty allow-list (nothing training-eligible) and {@value #DEFAULT_RETENTION_DAYS} days' retention */
    public static DataPolicy defaults() {
        return new DataPolicy(Set.of(), DEFAULT_RETENTION_DAYS, new EnumMap<>(SEED_MAPPING));
    }

    /**
     * @param projects the keys of the projects whose {@code production_work} conversations are training-eligible
     *                 (may be empty); replaces the list
     * @return this policy with that allow-list
     * @throws MeshException (invalid input) for a blank key, one longer than 4096 characters or holding a control character
     */
    public DataPolicy withTrainingProjects(Set<String> projects) {
        for (String p : projects) {
            Keys.check("training project", p, Keys.MAX_PROJECT_CHARS);
        }
        return new DataPolicy(Set.copyOf(projects), retentionDays, mapping);
    }

    /**
     * @param days how long conversations are kept after their last activity, 0 to {@value #MAX_RETENTION_DAYS}
     * @return this policy with that retention
     * @throws MeshException (invalid input) for a value out of range
     */
    public DataPolicy withRetentionDays(int days) {
        return new DataPolicy(trainingProjects, checkRetentionDays(days), mapping);
    }

    /**
     * Overrides the seed's mapping for one run type ("policy-driven", seed 000).
     *
     * @return this policy with {@code runType} falling in {@code category}
     */
    public DataPolicy withCategory(RunType runType, Category category) {
        EnumMap<RunType, Category> m = new EnumMap<>(mapping);
        m.put(runType, category);
        return new DataPolicy(trainingProjects, retentionDays, m);
    }

    /** @return the category of conversations of {@code runType} */
    public Category categoryOf(RunType runType) {
        return mapping.get(runType);
    }

    /** @return whether {@code project} is in the training allow-list */
    public boolean trainingAllowed(String project) {
        return trainingProjects.contains(project);
    }

    /** @return whether a conversation of {@code category} in {@code project} may be used for training */
    public boolean trainingEligible(String project, Category category) {
        return category.trainable() && trainingAllowed(project);
    }

    /** @return the allow-list, unmodifiable, possibly empty */
    public Set<String> trainingProjects() {
        return trainingProjects;
    }

    /** @return days conversations are kept after their last activity */
    public int retentionDays() {
        return retentionDays;
    }

    static int checkRetentionDays(int days) {
        if (days < 0 || days > MAX_RETENTION_DAYS) {
            throw MeshException.invalidInput("retention of " + days + " days is out of range; give 0 to " + MAX_RETENTION_DAYS
                    + " days (0 deletes every conversation not active now)");
        }
        return days;
    }
}
