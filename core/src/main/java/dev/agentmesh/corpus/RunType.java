package dev.agentmesh.corpus;

import dev.agentmesh.MeshException;
import dev.agentmesh.Texts;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * What kind of work a session is, as declared with {@code data.session} (seed 000, "Data Policy + Training Corpus",
 * "Run types"). The {@link DataPolicy} maps each to a {@link Category}.
 */
public enum RunType {
    /** Intended project implementation work (seed 000). */
    PRODUCTION("production"),
    /** Smoke, probe and testing sessions, such as the seed's deterministic smoke test (seed 000). */
    SMOKE("smoke"),
    /** Exploratory sessions (seed 000). */
    RESEARCH("research"),
    /** Operational troubleshooting (seed 000). */
    DEBUG("debug");

    private final String wire;

    RunType(String wire) {
        this.wire = wire;
    }

    /** @return the seed's name of this run type: {@code production}, {@code smoke}, {@code research} or {@code debug} */
    public String wire() {
        return wire;
    }

    /** @return whether {@code text} names a run type as {@link #parse} reads it (white space and case aside); false for null */
    public static boolean isName(String text) {
        return find(text) != null;
    }

    /**
     * @param text a run type's name as the seed spells it ({@code production}, {@code smoke}, {@code research},
     *             {@code debug}); surrounding white space and upper case are accepted
     * @return the run type
     * @throws MeshException (invalid input) for null or any other text, naming the value and the known names
     */
    public static RunType parse(String text) {
        RunType r = find(text);
        if (r == null) {
            throw MeshException.invalidInput("unknown runType '" + Texts.quote(text, 40) + "'; run types: "
                    + Arrays.stream(values()).map(RunType::wire).collect(Collectors.joining(", ")) + " (seed 000)");
        }
        return r;
    }

    private static RunType find(String text) {
        String t = text == null ? "" : text.strip().toLowerCase(java.util.Locale.ROOT);
        for (RunType r : values()) {
            if (r.wire.equals(t)) {
                return r;
            }
        }
        return null;
    }
}
