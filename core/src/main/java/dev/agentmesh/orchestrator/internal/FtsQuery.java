package dev.agentmesh.orchestrator.internal;

import dev.agentmesh.MeshException;
import dev.agentmesh.Texts;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns what a person or an agent typed into a safe SQLite FTS5 query: every word becomes a quoted string (its
 * double quotes doubled), so FTS5 syntax in the input ({@code OR}, {@code NEAR(...)}, {@code col:}, {@code ^},
 * parentheses, stray quotes) is searched as text and never parsed; all words must occur (an implicit AND). A word
 * ending in {@code *} is a prefix search. Words without a letter or digit are dropped (FTS5 would find nothing in
 * them).
 */
public final class FtsQuery {
    /** Longest query accepted, in characters. */
    public static final int MAX_CHARS = 1000;
    /** Most words in one query. */
    public static final int MAX_WORDS = 32;

    private FtsQuery() {
    }

    /**
     * @return the FTS5 query for {@code input}, e.g. {@code "deploy" "stag"*} for {@code deploy stag*}
     * @throws MeshException (invalid input) for a blank query, one over {@link #MAX_CHARS} characters or
     *                       {@link #MAX_WORDS} words, one with control characters other than tab and line breaks,
     *                       or one without any word
     */
    public static String of(String input) {
        if (input == null || input.isBlank()) {
            throw MeshException.invalidInput("parameter 'query' is required: the words to search for");
        }
        if (input.length() > MAX_CHARS) {
            throw MeshException.invalidInput("query has " + input.length() + " characters; at most " + MAX_CHARS);
        }
        for (int i = 0; i < input.length(); i++) {
            char c = input.charAt(i);
            if ((Character.isISOControl(c) && c != '\t' && c != '\n' && c != '\r') || c == '\u2028' || c == '\u2029') {
                throw MeshException.invalidInput("query '" + Texts.quote(input, 80) + "' holds control character "
                        + String.format("U+%04X", (int) c) + " at " + i + "; search for words");
            }
        }
        List<String> terms = new ArrayList<>();
        for (String word : input.strip().split("\\s+")) {
            boolean prefix = word.endsWith("*");
            String w = word.replaceAll("\\*+$", "");
            if (w.codePoints().noneMatch(Character::isLetterOrDigit)) {
                continue;
            }
            terms.add("\"" + w.replace("\"", "\"\"") + "\"" + (prefix ? "*" : ""));
        }
        if (terms.isEmpty()) {
            throw MeshException.invalidInput("query '" + Texts.quote(input, 80) + "' has no word to search for (letters or digits)");
        }
        if (terms.size() > MAX_WORDS) {
            throw MeshException.invalidInput("query has " + terms.size() + " words; at most " + MAX_WORDS);
        }
        return String.join(" ", terms);
    }
}
