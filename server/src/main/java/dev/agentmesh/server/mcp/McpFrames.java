package dev.agentmesh.server.mcp;

import dev.agentmesh.MeshException;
import dev.agentmesh.Texts;
import dev.agentmesh.api.Json;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;

/**
 * Checks one posted MCP frame before the SDK sees it, so that every malformed frame gets a JSON-RPC error
 * object (the SDK would answer with a serialized Java exception) and nothing the SDK cannot read reaches it.
 * A frame must be UTF-8 without a byte-order mark, one JSON object of at most {@link McpEndpoint#MAX_REQUEST_BYTES}
 * bytes without duplicate keys or nesting deeper than {@value Json#MAX_DEPTH}, with {@code "jsonrpc": "2.0"}; a
 * request's {@code id} is a string or an integer (not null, an object or a fraction); batches (arrays) are not
 * part of MCP 2025-06-18. Error codes are JSON-RPC's: -32700 parse error, -32600 invalid request.
 */
final class McpFrames {
    /** JSON-RPC: invalid JSON. */
    static final int PARSE_ERROR = -32700;
    /** JSON-RPC: not a valid request object. */
    static final int INVALID_REQUEST = -32600;

    private McpFrames() {
    }

    /** A frame refused: the HTTP status and the JSON-RPC error response to send. */
    record Refusal(int status, ObjectNode response) {
    }

    /** @return null when {@code body} is a well-formed frame, else why not */
    static Refusal check(byte[] body) {
        if (body.length > McpEndpoint.MAX_REQUEST_BYTES) {
            return refuse(413, INVALID_REQUEST, null, "the message is longer than the limit of "
                    + McpEndpoint.MAX_REQUEST_BYTES + " bytes");
        }
        if (body.length >= 3 && (body[0] & 0xff) == 0xEF && (body[1] & 0xff) == 0xBB && (body[2] & 0xff) == 0xBF) {
            return refuse(400, PARSE_ERROR, null, "the message starts with a UTF-8 byte-order mark; send JSON without one");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            return refuse(400, PARSE_ERROR, null, "the message is not valid UTF-8");
        }
        if (!text.isBlank() && text.strip().charAt(0) == '[') {
            return refuse(400, INVALID_REQUEST, null, "JSON-RPC batches are not part of MCP 2025-06-18; send one message per request");
        }
        ObjectNode msg;
        try {
            msg = Json.parseObject(text, "the message");
        } catch (MeshException e) {
            return refuse(400, PARSE_ERROR, null, Texts.firstLine(e.getMessage()));
        }
        JsonNode id = msg.get("id");
        JsonNode validId = id != null && (id.isString() || id.isIntegralNumber()) ? id : null;
        if (!"2.0".equals(msg.path("jsonrpc").asString(null))) {
            return refuse(400, INVALID_REQUEST, validId, "the message needs \"jsonrpc\": \"2.0\"");
        }
        boolean request = msg.has("method");
        boolean response = msg.has("result") || msg.has("error");
        if (!request && !response) {
            return refuse(400, INVALID_REQUEST, validId, "the message has neither a method nor a result or error");
        }
        if (request && !msg.path("method").isString()) {
            return refuse(400, INVALID_REQUEST, validId, "method must be a string, not " + Texts.oneLine(msg.get("method").toString(), 80));
        }
        if (id != null && validId == null) {
            return refuse(400, INVALID_REQUEST, null, "id must be a string or an integer, not " + Texts.oneLine(id.toString(), 80));
        }
        return null;
    }

    private static Refusal refuse(int status, int code, JsonNode id, String message) {
        ObjectNode o = Json.MAPPER.createObjectNode().put("jsonrpc", "2.0");
        o.set("id", id);
        o.putObject("error").put("code", code).put("message", message);
        return new Refusal(status, o);
    }
}
