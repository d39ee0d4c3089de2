package dev.agentmesh.api;

import tools.jackson.databind.JsonNode;

/**
 * What an action returns: a text for an agent or a person to read, and the same facts as JSON for programs
 * (built from {@link Wire} records).
 *
 * @param text one or more lines, never null
 * @param data structured result (an object or an array), never null
 */
public record ApiResult(String text, JsonNode data) {
}
