package dev.agentmesh.runtime;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * What to start: one agent on one runtime (issue 6, part 1). Runtime-neutral; each {@link AgentRuntime} maps it to
 * its own command line, tool names and configuration.
 *
 * @param name         the agent's mesh name (passed as {@code MESH_AGENT}), never null
 * @param profile      the role or profile it plays (e.g. {@code worker}, {@code reviewer}), or null; a label only
 * @param model        the model, or null for the runtime's default
 * @param systemPrompt appended to the runtime's own system prompt, or null
 * @param capabilities what the agent may do; the runtime passes the matching allow-list and nothing more
 * @param cwd          working directory (the project root or a work tree)
 * @param env          extra environment variables for the process (e.g. {@code MESH_AGENT_TOKEN}), copied
 * @param transcript   file receiving the runtime's event stream (one JSON object a line, streaming deltas left
 *                     out), or null
 * @param thinking     a thinking level for the runtime's default model when {@code model} is null (a profile's or a
 *                     request's level with no model named), or null; {@code model}'s own level wins
 */
public record AgentSpec(String name, String profile, ModelRef model, String systemPrompt, Set<Capability> capabilities,
                        Path cwd, Map<String, String> env, Path transcript, String thinking) {
    /** A spec whose thinking level, if any, is its model's. */
    public AgentSpec(String name, String profile, ModelRef model, String systemPrompt, Set<Capability> capabilities,
                     Path cwd, Map<String, String> env, Path transcript) {
        this(name, profile, model, systemPrompt, capabilities, cwd, env, transcript, null);
    }

    /** @return the thinking level to run with: the model's, else {@link #thinking}, else null (the runtime's default) */
    public String thinkingLevel() {
        return model != null && model.thinking() != null ? model.thinking() : thinking;
    }

    /** Copies the collections; an empty capability set stays empty (the agent can only answer in text). */
    public AgentSpec {
        java.util.Objects.requireNonNull(name, "name");
        java.util.Objects.requireNonNull(cwd, "cwd");
        capabilities = capabilities.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(capabilities));
        env = Map.copyOf(env);
        if (thinking != null && !ModelRef.THINKING_LEVELS.contains(thinking)) {
            throw dev.agentmesh.MeshException.invalidInput("unknown thinking level '" + dev.agentmesh.Texts.quote(thinking, 40)
                    + "'; known: " + String.join(", ", ModelRef.THINKING_LEVELS));
        }
    }

    /** @return whether the agent may use {@code c} */
    public boolean may(Capability c) {
        return capabilities.contains(c);
    }
}
