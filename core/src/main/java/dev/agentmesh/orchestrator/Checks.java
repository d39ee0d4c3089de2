package dev.agentmesh.orchestrator;

import dev.agentmesh.MeshException;
import dev.agentmesh.Texts;

/** Input checks shared by the orchestrator's services; each failure is one line naming the field and the bad value. */
final class Checks {
    private Checks() {
    }

    /**
     * @param multiline whether newlines and tabs are allowed (a brief, a result); other control characters never are
     * @return {@code value}, checked: 1..{@code max} characters, no control character but the allowed ones, no lone
     *         surrogate
     * @throws MeshException (invalid input) naming {@code field}
     */
    static String text(String field, String value, int max, boolean multiline) {
        if (value == null || value.isBlank()) {
            throw MeshException.invalidInput(field + " is empty; give 1.." + max + " characters");
        }
        if (value.length() > max) {
            throw MeshException.invalidInput(field + " is " + value.length() + " characters; the limit is " + max);
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean allowed = multiline && (c == '\n' || c == '\t' || c == '\r');
            if ((Character.isISOControl(c) && !allowed) || (Character.isSurrogate(c) && !validPair(value, i))) {
                throw MeshException.invalidInput(field + " '" + Texts.quote(value, 80) + "' has a control character or a lone surrogate"
                        + " at " + i);
            }
            if (Character.isHighSurrogate(c)) {
                i++;
            }
        }
        return value;
    }

    /** @return {@code value} checked as {@link #text}, or null when it is null */
    static String optional(String field, String value, int max, boolean multiline) {
        return value == null ? null : text(field, value, max, multiline);
    }

    private static boolean validPair(String s, int i) {
        return Character.isHighSurrogate(s.charAt(i)) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    }
}
