package dev.agentmesh.api;

import dev.agentmesh.MeshException;
import dev.agentmesh.Texts;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON every face reads from the outside (CLI arguments, HTTP bodies): a duplicate key is refused (it would
 * let {@code {"action":"whois","action":"leave"}} mean either), nesting is at most {@value #MAX_DEPTH} deep and a
 * document at most {@value #MAX_CHARS} characters. Thread-safe.
 */
public final class Json {
    /** Deepest nesting accepted; action arguments are two levels deep. */
    public static final int MAX_DEPTH = 64;
    /** Longest document accepted, in characters: a message body's limit plus room for the rest. */
    public static final int MAX_CHARS = 1 << 20;

    /** The mapper for output and for trees built in code. */
    public static final JsonMapper MAPPER = JsonMapper.builder().build();

    private static final JsonMapper STRICT = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH)
                            .maxStringLength(MAX_CHARS).maxDocumentLength(MAX_CHARS).build())
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private Json() {
    }

    /**
     * @param text what the caller sent
     * @param what how to name it in an error, e.g. {@code "the arguments"}
     * @return the JSON object
     * @throws MeshException (invalid input) for text that is not one JSON object, has a duplicate key, is nested
     *                       deeper than {@value #MAX_DEPTH} or is longer than {@value #MAX_CHARS} characters
     */
    public static ObjectNode parseObject(String text, String what) {
        if (text == null || text.isBlank()) {
            throw MeshException.invalidInput(what + ": empty; send a JSON object");
        }
        if (text.length() > MAX_CHARS) {
            throw MeshException.invalidInput(what + ": " + text.length() + " characters; the limit is " + MAX_CHARS);
        }
        JsonNode node;
        try {
            node = STRICT.readTree(text.charAt(0) == '\uFEFF' ? text.substring(1) : text);
        } catch (RuntimeException e) {
            throw MeshException.invalidInput(what + ": not valid JSON: " + Texts.firstLine(e.getMessage()));
        }
        if (!(node instanceof ObjectNode obj)) {
            throw MeshException.invalidInput(what + ": must be a JSON object, not " + Texts.oneLine(text, 80));
        }
        return obj;
    }
}
