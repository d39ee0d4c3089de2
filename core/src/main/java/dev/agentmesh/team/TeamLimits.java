package dev.agentmesh.team;

/**
 * The limits of {@code agent_team} runs, as the seed's limits table gives them (pi-multiagent, seeds/002). Each
 * breach is refused with a {@code # agent_team error} naming the limit; configurable values say so.
 */
public final class TeamLimits {
    /** Most steps in one graph. */
    public static final int MAX_STEPS = 16;
    /** Most dependencies ({@code needs} plus {@code after}) of one step. */
    public static final int MAX_DEPENDENCIES_PER_STEP = 12;
    /** Least concurrency ({@code limits.concurrency}). */
    public static final int MIN_CONCURRENCY = 1;
    /** Most, and the default, concurrency: steps running at once in one run. */
    public static final int MAX_CONCURRENCY = 6;
    /** Least per-step timeout, in seconds. */
    public static final int MIN_STEP_TIMEOUT_SECONDS = 1;
    /** Most per-step timeout ({@code limits.timeoutSecondsPerStep}), in seconds. */
    public static final int MAX_STEP_TIMEOUT_SECONDS = 36_000;
    /** Default per-step timeout, in seconds. */
    public static final int DEFAULT_STEP_TIMEOUT_SECONDS = 7_200;
    /** Most, and the default, run time ({@code limits.maxRunSeconds}), in seconds; the least is 1. */
    public static final int MAX_RUN_SECONDS = 86_400;
    /** Most terminal retention ({@code limits.retentionSeconds}), in seconds; the least is 1. */
    public static final int MAX_RETENTION_SECONDS = 604_800;
    /** Default terminal retention, in seconds. */
    public static final int DEFAULT_RETENTION_SECONDS = 86_400;
    /** Longest {@code run_status} wait ({@code waitSeconds}), in seconds. */
    public static final int MAX_WAIT_SECONDS = 60;
    /** Live runs of one project at once; a terminal or cancelled run frees its place. */
    public static final int MAX_LIVE_RUNS = 16;
    /** Retained runs of one project, live and terminal; {@code cleanup} frees terminal ones. */
    public static final int MAX_RETAINED_RUNS = 64;
    /** Highest run number: run handles go {@code r1} to {@code r9999999} and are never reused in a project. */
    public static final int MAX_RUN_NUMBER = 9_999_999;
    /** Most non-terminal (milestone) notices per run. */
    public static final int MAX_MILESTONE_NOTICES = 100;
    /** Default milestone notices per run. */
    public static final int DEFAULT_MILESTONE_NOTICES = 12;
    /** Default least interval between milestone notices, in seconds. */
    public static final int DEFAULT_NOTICE_INTERVAL_SECONDS = 10;
    /** Most least interval between milestone notices, in seconds. */
    public static final int MAX_NOTICE_INTERVAL_SECONDS = 3_600;
    /** Characters of a dependency's final handed over inline; a longer one goes as a preview plus its artifact path. */
    public static final int INLINE_HANDOFF_CHARS = 12_000;
    /** Characters of the preview handed over for a longer dependency final. */
    public static final int HANDOFF_PREVIEW_CHARS = 2_000;
    /** Characters of a step's final shown by {@code preview: true}. */
    public static final int FINAL_PREVIEW_CHARS = 6_000;
    /** Largest graph file, in bytes. */
    public static final int MAX_GRAPH_FILE_BYTES = 256 * 1024;
    /** Largest agent Markdown file, in bytes (the profile library's own limit). */
    public static final int MAX_AGENT_FILE_BYTES = dev.agentmesh.agents.AgentProfiles.MAX_FILE_BYTES;
    /** Events retained per run; older routine events are dropped first, the run's state never. */
    public static final int MAX_EVENTS_PER_RUN = 2_000;
    /** Characters of one event's preview. */
    public static final int EVENT_PREVIEW_CHARS = 2_000;
    /** Messages ({@code message}) a live step takes from its parent. */
    public static final int MAX_MESSAGES_PER_STEP = 16;
    /** Characters of messages a live step takes from its parent, all together. */
    public static final int MAX_MESSAGE_CHARS_PER_STEP = 65_536;
    /** Bytes of assistant output retained per step, across its non-empty assistant texts. */
    public static final int MAX_ASSISTANT_BYTES_PER_STEP = 4_194_304;
    /** Non-empty assistant texts retained per step. */
    public static final int MAX_ASSISTANT_TEXTS_PER_STEP = 64;
    /** Largest JSONL record read from a child runtime, in bytes. */
    public static final int MAX_RECORD_BYTES = 8 * 1024 * 1024;

    private TeamLimits() {
    }
}
