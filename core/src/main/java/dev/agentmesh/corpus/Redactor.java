package dev.agentmesh.corpus;

import dev.agentmesh.corpus.internal.SecretScanner;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.util.Map;

/**
 * Removes secrets from text before the corpus stores it ("Secrets ... are redacted before anything is stored",
 * issue 6 part 5). Each secret becomes {@code [REDACTED:kind]}; the text around it is kept as it was.
 *
 * <p>What is found, and its kind:
 * <ul>
 *   <li>prefixed API keys, at the start of a word and followed by at least 10 to 30 characters holding a digit and a
 *       letter: {@code sk-ant-} ({@code anthropic-key}), {@code sk-} ({@code openai-key}), {@code sk_live_} and kin
 *       ({@code stripe-key}), {@code AKIA}/{@code ASIA} ({@code aws-key}), {@code ghp_ gho_ ghu_ ghs_ ghr_
 *       github_pat_} ({@code github-token}), {@code xoxb- xoxa- xoxp- xoxr- xoxs- xapp-} ({@code slack-token}),
 *       {@code AIza} ({@code google-api-key}), {@code glpat-}, {@code hf_}, {@code npm_};</li>
 *   <li>JWTs ({@code eyJ...}.{@code eyJ...}.signature: {@code jwt});</li>
 *   <li>the token after {@code Bearer} ({@code bearer}) and the whole value of an {@code Authorization} or
 *       {@code Proxy-Authorization} header or field, to the end of the line or the closing quote ({@code authorization});</li>
 *   <li>{@code .env} lines: at the start of a line (after an optional {@code export}), {@code KEY=value} with any value,
 *       or {@code key: value} with a one-word value, when the key names a secret (its last part is {@code SECRET},
 *       {@code TOKEN}, {@code PASSWORD}, {@code PWD}, {@code AUTH}..., or {@code KEY} after {@code API}, {@code ACCESS},
 *       {@code PRIVATE}...); inside a line, {@code UPPER_SNAKE=value} (a shell command, a quoted {@code .env} text)
 *       to the next blank, quote or shell separator: {@code secret};</li>
 *   <li>anywhere, a long high-entropy token (16 characters or more, a digit and a letter, at least 3 bits of entropy
 *       a character, not a plain file path) after a name holding {@code key}-like words ({@code token}, {@code secret},
 *       {@code passw}, {@code apikey}, {@code auth}...) and {@code =}, {@code :}, {@code :=} or {@code =>}: {@code secret};</li>
 *   <li>PEM private keys, {@code -----BEGIN ... PRIVATE KEY-----} through the {@code -----END ...-----} line (or, when
 *       the end is missing, the key's body): {@code private-key};</li>
 *   <li>the whole string value of a JSON field in a text whose name names a secret ({@code "password": "..."}):
 *       {@code secret};</li>
 *   <li>the {@code user:password} of a URL ({@code scheme://user:password@host}): {@code url-credentials}.</li>
 * </ul>
 * Git SHAs, UUIDs, file paths, identifiers and prose are left alone unless they stand where a secret does (a
 * {@code token=} assignment, say). An indented {@code password: hunter2} in YAML is not caught (only a high-entropy
 * value would be): the price of leaving code alone.
 *
 * <p>Guarantees: linear in the text's length (one pass, no regular expressions; a 1 MiB hostile text takes
 * milliseconds); idempotent ({@code redact(redact(t)).equals(redact(t))}: a value that starts with
 * {@value #MARKER_PREFIX} is not redacted again); never throws for any string. Stateless and thread-safe.
 */
public final class Redactor {
    /** What every redaction starts with; the whole marker is {@code [REDACTED:kind]}. */
    public static final String MARKER_PREFIX = SecretScanner.MARKER_PREFIX;
    /** Deepest JSON nesting {@link #redactJson} parses; deeper arguments are redacted as text. */
    public static final int MAX_JSON_DEPTH = 64;

    private static final JsonMapper JSON = JsonMapper.builder(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_JSON_DEPTH)
                    .maxStringLength(Integer.MAX_VALUE).maxDocumentLength(Long.MAX_VALUE).build())
            .build()).build();

    private Redactor() {
    }

    /**
     * @param text any text, may be null
     * @return {@code text} with every secret replaced by {@code [REDACTED:kind]}; the same instance when there is
     *         none; null for null
     */
    public static String redact(String text) {
        return text == null ? null : SecretScanner.scan(text);
    }

    /**
     * Redacts a JSON document (a tool call's arguments) value by value, so it stays valid JSON: every string (and
     * field name) is {@linkplain #redact redacted}, and the whole string value of a field whose name names a secret
     * ({@code password}, {@code apiKey}, {@code Authorization}, {@code client_secret}...) becomes
     * {@code [REDACTED:secret]} whatever it holds.
     *
     * @param json a JSON text, may be null
     * @return the redacted JSON, compact; when {@code json} is not JSON (or nests deeper than
     *         {@value #MAX_JSON_DEPTH}), {@code json} redacted as text; null for null
     */
    public static String redactJson(String json) {
        if (json == null) {
            return null;
        }
        JsonNode tree = parse(json);
        return tree == null ? redact(json) : write(redactTree(tree));
    }

    /** @return a copy of {@code tree} redacted as {@link #redactJson} does */
    static JsonNode redactTree(JsonNode tree) {
        return walk(tree, null);
    }

    /** @return {@code json} parsed, or null when it is not JSON or nests deeper than {@value #MAX_JSON_DEPTH} */
    static JsonNode parse(String json) {
        try {
            JsonNode tree = JSON.readTree(json);
            return tree == null || tree.isMissingNode() ? null : tree;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** @return {@code tree} as compact JSON text */
    static String write(JsonNode tree) {
        return JSON.writeValueAsString(tree);
    }

    /** @return whether a field or variable named {@code name} holds a secret whatever its value (see {@link #redactJson}) */
    public static boolean namesSecret(String name) {
        return name != null && SecretScanner.namesSecret(name);
    }

    private static JsonNode walk(JsonNode node, String field) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        if (node.isString()) {
            String v = node.stringValue();
            if (field != null && !v.isEmpty() && !v.startsWith(MARKER_PREFIX) && namesSecret(field)) {
                return nodes.stringNode(MARKER_PREFIX + "secret]");
            }
            return nodes.stringNode(redact(v));
        }
        if (node instanceof ObjectNode obj) {
            ObjectNode copy = nodes.objectNode();
            for (Map.Entry<String, JsonNode> e : obj.properties()) {
                copy.set(redact(e.getKey()), walk(e.getValue(), e.getKey()));
            }
            return copy;
        }
        if (node instanceof ArrayNode arr) {
            ArrayNode copy = nodes.arrayNode();
            for (JsonNode item : arr) {
                copy.add(walk(item, field));
            }
            return copy;
        }
        return node;
    }
}
