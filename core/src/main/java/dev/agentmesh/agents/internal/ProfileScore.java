package dev.agentmesh.agents.internal;

import dev.agentmesh.agents.AgentProfile;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * How well a profile answers a catalog query. Only the name, description, tags, default tools, model and thinking
 * count; the source and the file's path are provenance, never ranking signals (seed 002, "Catalog query routing").
 * Stateless and thread-safe.
 *
 * <p>Each query word adds, once per field: the whole query equal to the name 20; a part of the name (split at
 * '.', '_', '-') 8, or a name part starting with the word 4; a tag or a part of one 6; a tool 3 (pi's tool names
 * count as the capability they map to: bash is shell, grep/find/ls are search); a part of the model 3; the thinking
 * level 3; a description word 2, or a description word starting with the word (4 letters or more) 1.
 */
public final class ProfileScore {
    private static final Set<String> STOP_WORDS = Set.of("a", "an", "and", "the", "of", "or", "to", "for", "in", "on",
            "with", "that", "is", "it", "me", "my", "i");
    private static final Map<String, String> TOOL_ALIASES = Map.of("bash", "shell", "grep", "search", "find", "search",
            "ls", "search", "messenger", "mesh");

    private ProfileScore() {
    }

    /**
     * @param text a query or a field, or null
     * @return its words: lower case, split at anything but letters and digits, without repeats and common words
     */
    public static List<String> words(String text) {
        if (text == null) {
            return List.of();
        }
        return Arrays.stream(text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+"))
                .filter(w -> !w.isEmpty() && !STOP_WORDS.contains(w)).distinct().toList();
    }

    /**
     * @param p     the profile
     * @param query the query as typed
     * @return the score, 0 when nothing matches
     */
    public static int score(AgentProfile p, String query) {
        String whole = query.strip().toLowerCase(Locale.ROOT);
        int score = whole.equals(p.name().toLowerCase(Locale.ROOT)) ? 20 : 0;
        List<String> nameParts = words(p.name());
        Set<String> tagParts = new HashSet<>();
        p.tags().forEach(t -> {
            tagParts.add(t.toLowerCase(Locale.ROOT));
            tagParts.addAll(words(t));
        });
        Set<String> tools = new HashSet<>();
        if (p.tools() != null) {
            p.tools().forEach(c -> tools.add(c.name().toLowerCase(Locale.ROOT)));
        }
        List<String> modelParts = p.model() == null ? List.of() : words(p.model().provider() + " " + p.model().model());
        List<String> description = words(p.description());
        for (String w : words(query)) {
            if (nameParts.contains(w)) {
                score += 8;
            } else if (nameParts.stream().anyMatch(n -> n.startsWith(w))) {
                score += 4;
            }
            score += tagParts.contains(w) ? 6 : 0;
            score += tools.contains(TOOL_ALIASES.getOrDefault(w, w)) ? 3 : 0;
            score += modelParts.contains(w) ? 3 : 0;
            score += w.equals(p.thinking()) ? 3 : 0;
            if (description.contains(w)) {
                score += 2;
            } else if (w.length() >= 4 && description.stream().anyMatch(d -> d.startsWith(w))) {
                score += 1;
            }
        }
        return score;
    }
}
