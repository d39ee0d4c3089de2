package dev.agentmesh.team;

import java.util.List;
import java.util.Set;

/**
 * One step of a run as the store holds it: its state and its launch metadata (seeds/002 "final artifacts also
 * include launch metadata"). Immutable.
 *
 * @param stepId       the step id
 * @param position     its index in the graph
 * @param status       {@code pending}, {@code running}, {@code succeeded}, {@code failed}, {@code blocked},
 *                     {@code cancelled} or {@code timed_out}
 * @param runtime      the runtime it runs on
 * @param model        the model it was launched with, or null for the runtime's default
 * @param thinking     the thinking level it was launched with, or null
 * @param tools        its effective tools, in the seed's vocabulary
 * @param cwd          its working folder (absolute)
 * @param pid          its agent process (group) id once launched, or null
 * @param sessionId    the runtime's session id once launched, or null
 * @param startedAt    epoch ms it launched, or null
 * @param endedAt      epoch ms it ended, or null
 * @param failure      why it did not succeed ({@code assistant-final-empty}, {@code timeout}, a blocking upstream,
 *                     a runtime error, a supervisor restart), or null
 * @param finalChars   characters of its final, or null
 * @param artifact     its artifact file (final, or marked non-final evidence), or null
 * @param inputTokens  model input tokens so far
 * @param outputTokens model output tokens so far
 * @param costUsd      dollars so far, where the runtime reports them (0 otherwise)
 * @param toolCalls    tool calls so far
 * @param lastActivity its last tool or text, one line, or null
 * @param messages     parent messages accepted or tried so far (budget 16)
 * @param messageChars characters of parent messages so far (budget 65,536)
 */
public record TeamStep(String stepId, int position, String status, String runtime, String model, String thinking,
                       List<String> tools, String cwd, Long pid, String sessionId, Long startedAt, Long endedAt,
                       String failure, Integer finalChars, String artifact, long inputTokens, long outputTokens,
                       double costUsd, int toolCalls, String lastActivity, int messages, int messageChars) {
    /** Not yet launched. */
    public static final String PENDING = "pending";
    /** Launched and not ended. */
    public static final String RUNNING = "running";
    /** Ended with a non-empty final. */
    public static final String SUCCEEDED = "succeeded";
    /** Ended without one, or its runtime failed. */
    public static final String FAILED = "failed";
    /** Never launched: a {@code needs} step did not succeed. */
    public static final String BLOCKED = "blocked";
    /** Stopped by {@code cancel}. */
    public static final String CANCELLED = "cancelled";
    /** Ran past {@code limits.timeoutSecondsPerStep} or the run's time. */
    public static final String TIMED_OUT = "timed_out";
    /** The statuses a step ends in. */
    public static final Set<String> TERMINAL = Set.of(SUCCEEDED, FAILED, BLOCKED, CANCELLED, TIMED_OUT);

    /** Copies the list. */
    public TeamStep {
        tools = List.copyOf(tools);
    }

    /** @return whether it has ended */
    public boolean terminal() {
        return TERMINAL.contains(status);
    }
}
