package dev.agentmesh.runtime;

import java.util.List;

/**
 * What an agent has done so far, read from its event stream.
 *
 * @param toolCalls    tool calls started
 * @param lastTool     name of the last tool called, or null
 * @param inputTokens  prompt tokens reported by the model, summed over turns
 * @param outputTokens completion tokens reported by the model, summed over turns
 * @param lastActivity epoch ms of the last event
 * @param editedPaths  the paths its edit tools ({@code write}, {@code edit}) were given, in order, relative to its
 *                     cwd or absolute; edits made through a shell are not seen
 */
public record Progress(int toolCalls, String lastTool, long inputTokens, long outputTokens, long lastActivity,
                       List<String> editedPaths) {
    /** Copies {@code editedPaths}. */
    public Progress {
        editedPaths = List.copyOf(editedPaths);
    }

    /** Progress of an agent whose edits are not known. */
    public Progress(int toolCalls, String lastTool, long inputTokens, long outputTokens, long lastActivity) {
        this(toolCalls, lastTool, inputTokens, outputTokens, lastActivity, List.of());
    }
}
