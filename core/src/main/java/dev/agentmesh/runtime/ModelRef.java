package dev.agentmesh.runtime;

import dev.agentmesh.MeshException;

import java.util.List;

/**
 * A model as agentmesh names it: {@code provider/model[:thinking]} (seed 001, e.g. {@code anthropic/claude-sonnet-4:high}).
 *
 * @param provider the provider as the runtime knows it, or null for the runtime's default
 * @param model    the model id, never blank
 * @param thinking one of {@link #THINKING_LEVELS}, or null for the runtime's default
 */
public record ModelRef(String provider, String model, String thinking) {
    /** The thinking levels, from none to the most (pi's {@code --thinking} names; seed 001). */
    public static final List<String> THINKING_LEVELS = List.of("off", "minimal", "low", "medium", "high", "xhigh");
    /** Longest model reference taken, in characters. */
    public static final int MAX_CHARS = 200;

    /**
     * @throws MeshException (invalid input) for a blank model, an unknown thinking level or a control character
     */
    public ModelRef {
        if (model == null || model.isBlank()) {
            throw MeshException.invalidInput("a model reference needs a model id, e.g. anthropic/claude-sonnet-4");
        }
        if (thinking != null && !THINKING_LEVELS.contains(thinking)) {
            throw MeshException.invalidInput("unknown thinking level '" + dev.agentmesh.Texts.quote(thinking, 40)
                    + "'; known: " + String.join(", ", THINKING_LEVELS));
        }
        for (String part : new String[]{provider, model}) {
            if (part != null && (part.isBlank() || part.codePoints().anyMatch(c -> Character.isISOControl(c) || Character.isWhitespace(c)))) {
                throw MeshException.invalidInput("model reference part '" + dev.agentmesh.Texts.quote(part, 60)
                        + "' is blank or has a space or control character");
            }
        }
    }

    /**
     * @param text {@code provider/model[:thinking]}, {@code model[:thinking]}, or null/blank for none
     * @return the reference, or null when {@code text} is null or blank
     * @throws MeshException (invalid input) for a reference longer than {@value #MAX_CHARS} characters, an empty
     *                       part or an unknown thinking level
     */
    public static ModelRef parse(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        if (text.length() > MAX_CHARS) {
            throw MeshException.invalidInput("model reference is " + text.length() + " characters; the limit is " + MAX_CHARS);
        }
        String rest = text.strip();
        String thinking = null;
        int colon = rest.lastIndexOf(':');
        if (colon > 0 && THINKING_LEVELS.contains(rest.substring(colon + 1))) {
            thinking = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
        } else if (colon == rest.length() - 1) {
            throw MeshException.invalidInput("model reference '" + dev.agentmesh.Texts.quote(text, 60) + "' ends with ':'; give a thinking level: "
                    + String.join(", ", THINKING_LEVELS));
        }
        int slash = rest.indexOf('/');
        if (slash == 0 || slash == rest.length() - 1) {
            throw MeshException.invalidInput("model reference '" + dev.agentmesh.Texts.quote(text, 60) + "' has an empty provider or model");
        }
        return slash < 0 ? new ModelRef(null, rest, thinking) : new ModelRef(rest.substring(0, slash), rest.substring(slash + 1), thinking);
    }

    /** @return a copy with {@code level} as thinking level (null keeps the runtime's default) */
    public ModelRef withThinking(String level) {
        return new ModelRef(provider, model, level);
    }

    /** @return {@code provider/model[:thinking]}, as {@link #parse} reads it */
    @Override
    public String toString() {
        return (provider == null ? "" : provider + "/") + model + (thinking == null ? "" : ":" + thinking);
    }
}
