package dev.agentmesh.corpus.internal;

import dev.agentmesh.MeshException;
import dev.agentmesh.Texts;

/** Checks of the names a caller hands the corpus (project, session, agent, runtime, model, tool, call id). */
public final class Keys {
    /** Longest project key, in characters: a project's key is its absolute root path. */
    public static final int MAX_PROJECT_CHARS = 4096;
    /** Longest other name (session, agent, runtime, model, tool, call id), in characters. */
    public static final int MAX_NAME_CHARS = 256;

    private Keys() {
    }

    /**
     * @param what  how to name the value in an error, e.g. {@code "agent"}
     * @param value the name
     * @param max   the longest accepted, in characters
     * @return {@code value}
     * @throws MeshException (invalid input) for null, blank, longer than {@code max} or holding a control character
     */
    public static String check(String what, String value, int max) {
        if (value == null || value.isBlank()) {
            throw MeshException.invalidInput(what + " is empty; give a " + what);
        }
        if (value.length() > max) {
            throw MeshException.invalidInput(what + " is " + value.length() + " characters ('" + Texts.quote(value, 40)
                    + "'); the limit is " + max);
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029') {
                throw MeshException.invalidInput(what + " '" + Texts.quote(value, 80) + "' holds a control character at "
                        + i + "; names are one line of printable text");
            }
        }
        return value;
    }

    /** @return {@code value} checked as by {@link #check}, or null for null */
    public static String checkOptional(String what, String value, int max) {
        return value == null ? null : check(what, value, max);
    }

    /** @return {@code value} when it is a valid name (as {@link #check}, at most {@value #MAX_NAME_CHARS} characters), else {@code fallback} */
    public static String orElse(String value, String fallback) {
        try {
            return check("name", value, MAX_NAME_CHARS);
        } catch (MeshException e) {
            return fallback;
        }
    }
}
