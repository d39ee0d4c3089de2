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
    /**
     * @param agent the caller's agent name after the call (changed by {@code join} and {@code rename}), or null
     * @return {@code {"text", "data", "agent"}}: the result as the HTTP API and {@code mesh tool --result} answer it
     */
    public tools.jackson.databind.node.ObjectNode toJson(String agent) {
        var out = Json.MAPPER.createObjectNode().put("text", text);
        out.set("data", data);
        return out.put("agent", agent);
    }
}
