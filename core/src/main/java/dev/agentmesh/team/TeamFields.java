package dev.agentmesh.team;

import dev.agentmesh.Texts;
import dev.agentmesh.agents.AgentProfile.Source;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Strict readers for the JSON of {@code agent_team} calls and graphs (seeds/002): each wrong shape is one
 * {@link TeamErrors#invalid} naming where it is ({@code graph.limits}, {@code step 'inspect' agent}) and the bad value,
 * quoted with control characters escaped. A JSON {@code null} counts as absent. Values are described by their type,
 * never printed whole, so a huge or deeply nested value cannot blow up a message. Stateless and thread-safe.
 */
final class TeamFields {
    /** Longest quote of a bad value in a message, in characters. */
    static final int QUOTE_CHARS = 80;
    /** The sources a graph or the catalog reads when {@code library.sources} is absent (seeds/002). */
    static final List<Source> DEFAULT_SOURCES = List.of(Source.PACKAGE, Source.USER);

    private TeamFields() {
    }

    /**
     * The control fields of {@code agent_team} calls, which never belong inside a graph (seeds/002: "Do not put action,
     * runId, nested graphFile, or other control fields inside the graph file").
     */
    static final List<String> CONTROL_FIELDS = List.of("action", "runId", "graphFile", "graph", "notices", "stepId",
            "cursor", "waitSeconds", "maxBytes", "preview", "debugEvents");

    /** Refuses a graph holding a {@link #CONTROL_FIELDS control field}, naming the first one. */
    static void noControlFields(JsonNode graph, String where) {
        for (String key : CONTROL_FIELDS) {
            if (graph.has(key)) {
                throw TeamErrors.invalid(where + " contains control field '" + key + "'",
                        "a graph holds only objective, authority, library, limits, runtime and steps; put action/graphFile in the tool call");
            }
        }
    }

    /** Refuses every key of {@code obj} outside {@code allowed}, naming the key and listing the allowed ones. */
    static void onlyKeys(JsonNode obj, String where, List<String> allowed) {
        for (String key : obj.propertyNames()) {
            if (!allowed.contains(key)) {
                throw TeamErrors.invalid(where + " has unknown key '" + quote(key) + "'",
                        where + " takes only " + String.join(", ", allowed) + "; drop or rename '" + quote(key) + "'");
            }
        }
    }

    /** @return {@code parent.key}, or null when it is absent or JSON null */
    static JsonNode value(JsonNode parent, String key) {
        JsonNode v = parent.get(key);
        return v == null || v.isNull() ? null : v;
    }

    /** @return the object {@code parent.key}, or null when absent */
    static JsonNode object(JsonNode parent, String key, String where) {
        JsonNode v = value(parent, key);
        if (v != null && !v.isObject()) {
            throw TeamErrors.invalid(where + "." + key + " must be an object, not " + describe(v),
                    "send " + key + " as a JSON object, e.g. {}");
        }
        return v;
    }

    /** @return the string {@code parent.key} as given, or null when absent and not required */
    static String string(JsonNode parent, String key, String where, boolean required) {
        JsonNode v = value(parent, key);
        if (v == null) {
            if (required) {
                throw TeamErrors.invalid(where + " has no " + key, "give " + where + "." + key + " as a non-blank string");
            }
            return null;
        }
        if (!v.isString()) {
            throw TeamErrors.invalid(where + "." + key + " must be a string, not " + describe(v),
                    "give " + where + "." + key + " as a JSON string");
        }
        return v.asString();
    }

    /** @return the boolean {@code parent.key}, or {@code false} when absent */
    static boolean bool(JsonNode parent, String key, String where) {
        JsonNode v = value(parent, key);
        if (v != null && !v.isBoolean()) {
            throw TeamErrors.invalid(where + "." + key + " must be true or false, not " + describe(v),
                    "set " + where + "." + key + " to the JSON boolean true or false");
        }
        return v != null && v.asBoolean();
    }

    /**
     * @return the integer {@code parent.key} within {@code min..max}, or {@code dflt} when absent; JSON integers only
     *         (not {@code 6.0}, not {@code "6"})
     */
    static int integer(JsonNode parent, String key, String where, int min, int max, int dflt) {
        JsonNode v = value(parent, key);
        if (v == null) {
            return dflt;
        }
        String range = min + " to " + max + " (default " + dflt + ")";
        if (!v.isIntegralNumber()) {
            throw TeamErrors.invalid(where + "." + key + " must be an integer, not " + describe(v),
                    "set " + where + "." + key + " to a whole number from " + range);
        }
        if (!v.canConvertToInt() || v.asInt() < min || v.asInt() > max) {
            throw TeamErrors.invalid(where + "." + key + " is " + describe(v) + "; the limit is " + min + " to " + max + " (seeds/002)",
                    "set " + where + "." + key + " from " + range + ", or omit it for the default");
        }
        return v.asInt();
    }

    /** @return the strings of the array {@code parent.key} (at most {@code maxItems}), or null when absent */
    static List<String> strings(JsonNode parent, String key, String where, int maxItems) {
        JsonNode v = value(parent, key);
        if (v == null) {
            return null;
        }
        if (!v.isArray()) {
            throw TeamErrors.invalid(where + "." + key + " must be an array of strings, not " + describe(v),
                    "give " + where + "." + key + " as a JSON array such as [\"a\", \"b\"]");
        }
        if (v.size() > maxItems) {
            throw TeamErrors.invalid(where + "." + key + " has " + v.size() + " entries; the limit is " + maxItems,
                    "list at most " + maxItems + " entries in " + where + "." + key);
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : v.values()) {
            if (!e.isString()) {
                throw TeamErrors.invalid(where + "." + key + " holds " + describe(e) + ", not a string",
                        "give " + where + "." + key + " as an array of strings");
            }
            out.add(e.asString());
        }
        return out;
    }

    /**
     * @return {@code text} when it has no control character but tab, CR and LF ({@code multiline}), or none at all
     * @throws dev.agentmesh.MeshException naming the first control character as U+XXXX
     */
    static String plainText(String text, String what, boolean multiline) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean lineEnd = c == '\n' || c == '\r' || c == '\t';
            if ((c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029') && !(multiline && lineEnd)) {
                throw TeamErrors.invalid(what + " has a control character (U+" + String.format("%04X", (int) c) + ")",
                        multiline ? "remove control characters other than tab and line ends from " + what
                                : "give " + what + " as one line of plain text");
            }
        }
        return text;
    }

    /**
     * @return {@code text}: non-blank, at most {@code maxBytes} bytes of UTF-8, with no control character but tab and
     *         line ends
     */
    static String prose(String text, String what, int maxBytes) {
        if (text.isBlank()) {
            throw TeamErrors.invalid(what + " is blank", "give " + what + " as non-blank text");
        }
        long bytes = utf8Length(text);
        if (bytes > maxBytes) {
            throw TeamErrors.invalid(what + " is " + bytes + " bytes; the limit is " + maxBytes + " (" + maxBytes / 1024 + " KiB)",
                    "shorten " + what + "; put long material in a file inside the cwd and name its path");
        }
        return plainText(text, what, true);
    }

    /** @return {@code parent.runtime}, one of {@link dev.agentmesh.runtime.AgentRuntime#KNOWN}, or null when absent */
    static String runtime(JsonNode parent, String where) {
        String runtime = string(parent, "runtime", where, false);
        if (runtime != null && !dev.agentmesh.runtime.AgentRuntime.KNOWN.contains(runtime)) {
            throw TeamErrors.invalid(where + ".runtime '" + quote(runtime) + "' is not a runtime",
                    "use one of " + String.join(", ", dev.agentmesh.runtime.AgentRuntime.KNOWN) + ", or omit it for the default");
        }
        return runtime;
    }

    /** @return the sources of {@code library.sources} in the order given without repeats, or the default when absent */
    static List<Source> sources(JsonNode library, String where) {
        List<String> given = library == null ? null : strings(library, "sources", where, Source.values().length * 4);
        if (given == null) {
            return DEFAULT_SOURCES;
        }
        if (given.isEmpty()) {
            throw TeamErrors.invalid(where + ".sources is empty", "list some of package, user, project, or omit sources for package, user");
        }
        Set<Source> out = new LinkedHashSet<>();
        for (String s : given) {
            out.add(source(s, where));
        }
        return List.copyOf(out);
    }

    private static Source source(String s, String where) {
        for (Source source : Source.values()) {
            if (source.id().equals(s)) {
                return source;
            }
        }
        throw TeamErrors.invalid(where + ".sources has unknown source '" + quote(s) + "'",
                "use only package, user and project in " + where + ".sources");
    }

    /** @return a short description of a JSON value for a message: a quoted string, a number, or its type */
    static String describe(JsonNode v) {
        if (v == null || v.isNull()) {
            return "null";
        }
        if (v.isString()) {
            return "'" + quote(v.asString()) + "'";
        }
        if (v.isNumber() || v.isBoolean()) {
            return quote(v.asString());
        }
        return v.isArray() ? "an array" : v.isObject() ? "an object" : "a " + v.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }

    /** @return {@code text} escaped and cut for quoting in a message */
    static String quote(String text) {
        return Texts.quote(text, QUOTE_CHARS);
    }

    /** @return the UTF-8 length of {@code s} in bytes, counted without encoding it */
    static long utf8Length(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }
}
