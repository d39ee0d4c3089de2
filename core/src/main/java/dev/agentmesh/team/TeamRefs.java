package dev.agentmesh.team;

import dev.agentmesh.MeshException;
import dev.agentmesh.agents.AgentProfile;
import dev.agentmesh.agents.AgentProfile.Source;
import dev.agentmesh.agents.AgentProfiles;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Resolves a step's {@code agent.ref} (seeds/002): only a source-qualified ref ({@code package:scout},
 * {@code user:x}, {@code project:y}) whose source is among the graph's {@code library.sources}; a bare or unknown ref
 * is refused with the refs it may have meant. Stateless and thread-safe; the library reads its folders on each call.
 */
final class TeamRefs {
    /** Most known refs listed in one message. */
    static final int MAX_LISTED = 30;
    /** The most edits between a wrong name and a profile's name for the profile to be suggested. */
    static final int CLOSE_EDITS = 2;

    private TeamRefs() {
    }

    /**
     * @param ref     the ref as given
     * @param what    how messages name it, e.g. {@code step 'inspect' agent.ref}
     * @param sources the graph's {@code library.sources}
     * @return the profile
     */
    static AgentProfile resolve(String ref, String what, AgentProfiles profiles, List<Source> sources) {
        String shown = what + " '" + TeamFields.quote(ref) + "'";
        TeamFields.plainText(ref, shown, false);
        if (ref.isBlank()) {
            throw TeamErrors.invalid(what + " is blank", "use a source-qualified ref such as package:scout");
        }
        int colon = ref.indexOf(':');
        if (colon < 0) {
            throw TeamErrors.invalid(shown + " is a bare ref", "use a source-qualified ref such as " + suggestion(ref, profiles, sources));
        }
        Source source = source(ref.substring(0, colon));
        String name = ref.substring(colon + 1);
        if (source == null) {
            throw TeamErrors.invalid(shown + " has unknown source '" + TeamFields.quote(ref.substring(0, colon)) + "'",
                    "write the ref as package:NAME, user:NAME or project:NAME, e.g. package:scout");
        }
        if (!AgentProfile.NAME.matcher(name).matches()) {
            throw TeamErrors.invalid(shown + " does not name an agent",
                    "an agent name is 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit; see catalog");
        }
        if (!sources.contains(source)) {
            throw TeamErrors.invalid(shown + " is from source " + source.id() + ", which graph.library.sources (" + ids(sources) + ") leaves out",
                    "add '" + source.id() + "' to graph.library.sources");
        }
        return find(ref, shown, profiles).orElseThrow(() -> unknown(shown, name, profiles, sources));
    }

    private static Optional<AgentProfile> find(String ref, String shown, AgentProfiles profiles) {
        try {
            return profiles.find(ref);
        } catch (MeshException e) {
            throw TeamErrors.invalid(shown + " cannot be loaded: " + e.getMessage(),
                    "fix that agent file (catalog lists its problem) or use another ref");
        }
    }

    private static RuntimeException unknown(String shown, String name, AgentProfiles profiles, List<Source> sources) {
        List<AgentProfile> known = profiles.list(java.util.EnumSet.copyOf(sources)).entries().stream()
                .map(AgentProfiles.Entry::profile).toList();
        List<String> close = known.stream().filter(p -> close(p.name(), name))
                .sorted(Comparator.comparingInt(p -> distance(p.name(), name))).map(AgentProfile::ref).distinct().toList();
        List<String> refs = known.stream().map(AgentProfile::ref).toList();
        String listed = String.join(", ", refs.subList(0, Math.min(MAX_LISTED, refs.size())))
                + (refs.size() > MAX_LISTED ? ", and " + (refs.size() - MAX_LISTED) + " more" : "");
        String repair = close.isEmpty() ? "use a ref that catalog lists: " + listed
                : "did you mean " + String.join(" or ", close) + "? Known refs: " + listed;
        return TeamErrors.invalid(shown + " is not in the library (sources: " + ids(sources) + ")", refs.isEmpty()
                ? "add an agent file to one of these sources, or widen graph.library.sources" : repair);
    }

    /** @return the qualified ref a bare name most likely meant: its first source holding that name, else package:scout */
    private static String suggestion(String bare, AgentProfiles profiles, List<Source> sources) {
        if (AgentProfile.NAME.matcher(bare).matches()) {
            for (Source s : sources) {
                if (profiles.list(java.util.EnumSet.of(s)).entries().stream().anyMatch(e -> e.profile().name().equals(bare))) {
                    return s.id() + ":" + bare;
                }
            }
        }
        return "package:scout";
    }

    private static Source source(String id) {
        for (Source s : Source.values()) {
            if (s.id().equals(id)) {
                return s;
            }
        }
        return null;
    }

    private static String ids(List<Source> sources) {
        return String.join(", ", sources.stream().map(Source::id).toList());
    }

    /** @return whether {@code name} is a likely misspelling of {@code known}: few edits apart, or one inside the other */
    private static boolean close(String known, String name) {
        return distance(known, name) <= CLOSE_EDITS || (name.length() >= 3 && (known.contains(name) || name.contains(known)));
    }

    /** @return the Levenshtein distance of two short names */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int same = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + same);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
