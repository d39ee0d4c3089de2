package dev.agentmesh.api;

import tools.jackson.databind.node.ObjectNode;

/**
 * One tool of the orchestrator tool set (seeds/004: {@code ask}, {@code job_create}, {@code review_queue}, ...): a
 * tool whose name is also its API action, so MCP, the pi extension, {@code mesh tool NAME} and the CLI commands call
 * {@link MeshApi#call} with {@code action = name} and the tool's arguments unchanged.
 *
 * @param name        the tool and action name, snake_case as in the seed (e.g. {@code wait_on_ack})
 * @param description what the tool does, for the model: parameters, limits, defaults and the result's shape
 * @param inputSchema a JSON Schema object ({@code {"type": "object", "properties": ..., "required": [...]}})
 */
public record ToolSpec(String name, String description, ObjectNode inputSchema) {
}
