package dev.agentmesh.tool;

import tools.jackson.databind.JsonNode;

/**
 * What an action returns: a text for an agent to read and the same facts as JSON for programs.
 *
 * @param text one or more lines, never null
 * @param data structured result (an object or array), never null
 */
public record ToolResult(String text, JsonNode data) {
}
