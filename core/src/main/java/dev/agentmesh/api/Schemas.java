package dev.agentmesh.api;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A small builder of the JSON Schema objects of {@link ToolSpec#inputSchema}: {@code {"type": "object",
 * "properties": {...}, "required": [...]}} (extra properties are refused by the action, with a one-line error). Not thread-safe; build, then share the node.
 */
final class Schemas {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final ObjectNode root = JSON.createObjectNode().put("type", "object");
    private final ObjectNode props = root.putObject("properties");
    private final ArrayNode required = JSON.createArrayNode();

    static Schemas object() {
        return new Schemas();
    }

    Schemas str(String name, String description, boolean req) {
        return prop(name, "string", description, req);
    }

    Schemas integer(String name, String description, boolean req) {
        return prop(name, "integer", description, req);
    }

    Schemas bool(String name, String description) {
        return prop(name, "boolean", description, false);
    }

    Schemas strings(String name, String description, boolean req) {
        ObjectNode p = props.putObject(name).put("type", "array").put("description", description);
        p.putObject("items").put("type", "string");
        if (req) {
            required.add(name);
        }
        return this;
    }

    Schemas oneOf(String name, String description, boolean req, String... values) {
        ObjectNode p = props.putObject(name).put("type", "string").put("description", description);
        ArrayNode e = p.putArray("enum");
        for (String v : values) {
            e.add(v);
        }
        if (req) {
            required.add(name);
        }
        return this;
    }

    private Schemas prop(String name, String type, String description, boolean req) {
        props.putObject(name).put("type", type).put("description", description);
        if (req) {
            required.add(name);
        }
        return this;
    }

    ObjectNode build() {
        if (!required.isEmpty()) {
            root.set("required", required);
        }
        return root;
    }
}
