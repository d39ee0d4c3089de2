package dev.agentmesh.runtime;

/**
 * What an agent has done so far, read from its event stream.
 *
 * @param toolCalls    tool calls started
 * @param lastTool     name of the last tool called, or null
 * @param inputTokens  prompt tokens reported by the model, summed over turns
 * @param outputTokens completion tokens reported by the model, summed over turns
 * @param lastActivity epoch ms of the last event
 */
public record Progress(int toolCalls, String lastTool, long inputTokens, long outputTokens, long lastActivity) {
}
