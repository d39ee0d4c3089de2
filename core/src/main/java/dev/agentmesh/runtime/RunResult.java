package dev.agentmesh.runtime;

/**
 * How one prompt's run ended.
 *
 * @param ok         true when the agent finished its turn normally
 * @param finalText  the last assistant text, may be empty
 * @param error      why it did not finish normally (model error, timeout, process exit), or null when ok
 * @param progress   counters at the end
 */
public record RunResult(boolean ok, String finalText, String error, Progress progress) {
}
