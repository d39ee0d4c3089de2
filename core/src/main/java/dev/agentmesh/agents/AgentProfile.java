package dev.agentmesh.agents;

import dev.agentmesh.MeshException;
import dev.agentmesh.Texts;
import dev.agentmesh.runtime.Capability;
import dev.agentmesh.runtime.ModelRef;

import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An agent profile: a named role an agent is spawned as or a team step runs as, read from a Markdown file with
 * YAML frontmatter (issue 6 part 2: {@code spawn} with {@code profile}; issue 7: the {@code agent_team} catalog,
 * seed 002). {@link AgentProfiles} loads and validates them; this record only holds a valid one.
 *
 * <p>A caller's explicit values override the profile's: seed 000 spawns {@code profile: "worker-xhigh"} with
 * {@code thinking: "medium"}, and the agent then thinks at medium. A null field means "the caller's default".
 * Immutable and thread-safe.
 *
 * @param name        the profile's name, matching {@link #NAME} and its file name without {@code .md}
 * @param description one line saying what the role is for, never blank, at most {@value #MAX_DESCRIPTION_CHARS}
 *                    characters
 * @param tags        routing words for {@link AgentProfiles#query}, in file order without repeats, possibly empty;
 *                    each at most {@value #MAX_TAG_CHARS} characters, at most {@value #MAX_TAGS} of them
 * @param runtime     {@code pi}, {@code claude} or {@code codex} ({@link dev.agentmesh.runtime.AgentRuntime#KNOWN}),
 *                    or null for the caller's default runtime
 * @param model       the model as {@code provider/model[:thinking]}, or null for the runtime's default model
 * @param thinking    one of {@link ModelRef#THINKING_LEVELS}: the {@code thinking} key, else the model's
 *                    {@code :thinking} suffix, else null for the runtime's default
 * @param tools       the default capabilities (seed 002's "default tools"), or null when the file names none: the
 *                    caller's default then applies (all for a spawned worker, read-only for a team step); an empty
 *                    set means text only. Iterates in {@link Capability} order; unmodifiable
 * @param prompt      the Markdown body after the frontmatter, stripped; "" when the body is empty
 * @param source      where the file was found
 * @param path        the file, or null for a bundled profile (it lives in the core jar)
 * @param sha         sha-256 of the file's bytes, 64 lower-case hex digits: provenance for the catalog and launch
 *                    metadata (seed 002 "SHA metadata")
 */
public record AgentProfile(String name, String description, List<String> tags, String runtime, ModelRef model,
                           String thinking, Set<Capability> tools, String prompt, Source source, Path path, String sha) {

    /** A profile name: 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit; no path can hide in it. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    /** Longest description, in characters. */
    public static final int MAX_DESCRIPTION_CHARS = 1024;
    /** Most tags on one profile. */
    public static final int MAX_TAGS = 32;
    /** Longest tag, in characters. */
    public static final int MAX_TAG_CHARS = 64;

    /** Where a profile comes from, in rising precedence for a bare name: package, then user, then project. */
    public enum Source {
        /** bundled in the core jar ({@code dev/agentmesh/agents/profiles/}) */
        PACKAGE,
        /** the user's {@code ~/.mesh/agents/*.md} */
        USER,
        /** the project's {@code <root>/.mesh/agents/*.md} */
        PROJECT;

        /** @return the source's name in refs and output: {@code package}, {@code user} or {@code project} */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * @param text {@code package}, {@code user} or {@code project}, exactly (refs are written in lower case)
         * @return the source
         * @throws MeshException (invalid input) for any other text, listing the sources
         */
        public static Source parse(String text) {
            for (Source s : values()) {
                if (s.id().equals(text)) {
                    return s;
                }
            }
            throw MeshException.invalidInput("unknown agent source '" + Texts.quote(text, 40) + "'; sources: package, user, project");
        }
    }

    /**
     * Checks the invariants and copies the collections.
     *
     * @throws MeshException (invalid input) for a bad name or a blank description
     * @throws NullPointerException for a null description, tags, prompt, source or sha
     */
    public AgentProfile {
        requireName(name);
        Objects.requireNonNull(description, "description");
        if (description.isBlank()) {
            throw MeshException.invalidInput("agent profile '" + name + "' has a blank description");
        }
        tags = List.copyOf(tags);
        tools = tools == null ? null : tools.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(tools));
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(sha, "sha");
    }

    /** @return the source-qualified ref, {@code source:name}, e.g. {@code package:worker} (seed 002) */
    public String ref() {
        return source.id() + ":" + name;
    }

    /**
     * @param name a candidate profile name
     * @return {@code name}
     * @throws MeshException (invalid input) unless it matches {@link #NAME}; the message quotes it escaped
     */
    public static String requireName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw MeshException.invalidInput("'" + Texts.quote(String.valueOf(name), 80)
                    + "' is not an agent name: 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        return name;
    }
}
