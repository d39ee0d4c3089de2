package dev.agentmesh.team;

import dev.agentmesh.MeshException;
import dev.agentmesh.agents.AgentProfile;
import dev.agentmesh.agents.AgentProfile.Source;
import dev.agentmesh.agents.AgentProfiles;
import dev.agentmesh.runtime.Capability;
import dev.agentmesh.runtime.ModelRef;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import static dev.agentmesh.team.TeamFields.quote;
import static dev.agentmesh.team.TeamFields.string;
import static dev.agentmesh.team.TeamFields.strings;
import static dev.agentmesh.team.TeamFields.value;

/**
 * Reads one step of a graph into a {@link TeamPlan.StepPlan} (seeds/002): its keys, its agent (a ref or an inline
 * system prompt), effective tools, model lane, task, dependencies and cwd. The graph-wide checks (ids, cycles) are
 * {@link TeamPlanner}'s. Stateless and thread-safe.
 */
final class TeamSteps {
    /** A step id: 1 to 63 lower-case letters, digits and '-', starting with a letter or digit. */
    static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    /** The keys of a step. */
    static final List<String> STEP_KEYS = List.of("id", "agent", "task", "outputContract", "needs", "after", "cwd");
    /** The keys of a step's agent. */
    static final List<String> AGENT_KEYS = List.of("ref", "system", "tools", "extensionTools", "model", "thinking", "runtime");
    /** Largest inline system prompt, task or output contract, in bytes of UTF-8. */
    static final int MAX_PROMPT_BYTES = 64 * 1024;
    /** Most entries of {@code agent.tools} or {@code agent.extensionTools}. */
    static final int MAX_TOOLS = 24;

    /**
     * What every step of one graph is read against.
     *
     * @param root     the invocation cwd
     * @param sources  the graph's {@code library.sources}
     * @param runtime  the graph's runtime (its {@code runtime}, else the context's default)
     * @param ids      every step id of the graph, in graph order
     */
    record Scope(Path root, AgentProfiles profiles, List<Source> sources, TeamPlan.Authority authority, String runtime,
                 List<String> ids) {
    }

    /** The runtime and model a step runs on. */
    private record Lane(String runtime, String model, String thinking) {
    }

    private TeamSteps() {
    }

    /** @return the step {@code step}, whose id {@code id} is already checked */
    static TeamPlan.StepPlan read(JsonNode step, String id, Scope scope) {
        String at = "step '" + id + "'";
        TeamFields.onlyKeys(step, at, STEP_KEYS);
        JsonNode agent = agent(step, at);
        String where = at + " agent";
        AgentProfile profile = profile(agent, where, scope);
        String system = profile != null ? profile.prompt()
                : TeamFields.prose(string(agent, "system", where, true), where + ".system", MAX_PROMPT_BYTES);
        List<String> extension = TeamTools.extension(at, strings(agent, "extensionTools", where, MAX_TOOLS), scope.authority());
        Set<Capability> caps = TeamTools.effective(at, strings(agent, "tools", where, MAX_TOOLS), profile, extension, scope.authority());
        TeamTools.checkRole(at, profile == null ? null : profile.ref(), caps);
        Lane lane = lane(agent, where, profile, scope.runtime());
        List<String> needs = dependencies(step, "needs", at, id, scope.ids());
        List<String> after = dependencies(step, "after", at, id, scope.ids());
        checkDependencies(at, needs, after);
        String cwd = cwd(step, at, scope, caps.contains(Capability.SHELL), lane.runtime());
        return new TeamPlan.StepPlan(id, profile == null ? null : profile.ref(), profile == null ? null : profile.sha(), system,
                task(step, at), needs, after, cwd, caps, extension, lane.runtime(), lane.model(), lane.thinking());
    }

    private static JsonNode agent(JsonNode step, String at) {
        JsonNode agent = TeamFields.object(step, "agent", at);
        if (agent == null) {
            throw TeamErrors.invalid(at + " has no agent",
                    "give agent: {\"ref\": \"package:scout\"} (see catalog) or agent: {\"system\": \"an inline prompt\"}");
        }
        if (agent.has("skills")) {
            throw TeamErrors.invalid(at + " sets agent.skills; steps[].agent.skills is rejected: subagent skills are not graph-controlled",
                    "drop agent.skills; skills never grant tools, authority or scope (seeds/002)");
        }
        TeamFields.onlyKeys(agent, at + " agent", AGENT_KEYS);
        return agent;
    }

    /** @return the profile of {@code agent.ref}, or null for an inline {@code agent.system} */
    private static AgentProfile profile(JsonNode agent, String where, Scope scope) {
        boolean ref = value(agent, "ref") != null;
        boolean system = value(agent, "system") != null;
        if (ref == system) {
            throw TeamErrors.invalid(where + (ref ? " has both ref and system" : " has neither ref nor system"),
                    "give exactly one: a source-qualified ref such as package:scout, or an inline system prompt");
        }
        return ref ? TeamRefs.resolve(string(agent, "ref", where, true), where + ".ref", scope.profiles(), scope.sources()) : null;
    }

    /** Model, thinking and runtime: the step's value, else the profile's, else the graph's runtime and no pin. */
    private static Lane lane(JsonNode agent, String where, AgentProfile profile, String graphRuntime) {
        ModelRef model = model(agent, where);
        String thinking = string(agent, "thinking", where, false);
        if (thinking != null && !ModelRef.THINKING_LEVELS.contains(thinking)) {
            throw TeamErrors.invalid(where + ".thinking '" + quote(thinking) + "' is not a thinking level",
                    "use one of " + String.join(", ", ModelRef.THINKING_LEVELS) + ", or omit it");
        }
        String runtime = TeamFields.runtime(agent, where);
        ModelRef pinned = model != null ? model : profile == null ? null : profile.model();
        return new Lane(first(runtime, profile == null ? null : profile.runtime(), graphRuntime),
                pinned == null ? null : pinned.withThinking(null).toString(),
                first(thinking, model == null ? null : model.thinking(), profile == null ? null : profile.thinking()));
    }

    private static ModelRef model(JsonNode agent, String where) {
        String text = string(agent, "model", where, false);
        if (text == null) {
            return null;
        }
        String what = where + ".model '" + quote(text) + "'";
        TeamFields.plainText(text, what, false);
        if (text.length() > ModelRef.MAX_CHARS) {
            throw TeamErrors.invalid(where + ".model is " + text.length() + " characters; the limit is " + ModelRef.MAX_CHARS,
                    "give the model as provider/model, e.g. anthropic/claude-sonnet-4");
        }
        ModelRef model;
        try {
            model = ModelRef.parse(text);
        } catch (MeshException e) {
            throw TeamErrors.invalid(what + ": " + e.getMessage(), "give the model as provider/model, e.g. anthropic/claude-sonnet-4");
        }
        if (model == null || model.provider() == null) {
            throw TeamErrors.invalid(what + " is not provider/model", "give the model as provider/model, e.g. anthropic/claude-sonnet-4");
        }
        return model;
    }

    private static String task(JsonNode step, String at) {
        String task = TeamFields.prose(string(step, "task", at, true), at + ".task", MAX_PROMPT_BYTES);
        String contract = string(step, "outputContract", at, false);
        return contract == null ? task
                : task + "\n\nOutput contract: " + TeamFields.prose(contract, at + ".outputContract", MAX_PROMPT_BYTES);
    }

    private static List<String> dependencies(JsonNode step, String key, String at, String id, List<String> ids) {
        List<String> given = strings(step, key, at, TeamLimits.MAX_DEPENDENCIES_PER_STEP);
        List<String> out = new ArrayList<>();
        for (String dep : given == null ? List.<String>of() : given) {
            String shown = at + "." + key + " names '" + quote(dep) + "'";
            if (dep.equals(id)) {
                throw TeamErrors.invalid(at + "." + key + " names the step itself", "a step cannot wait for itself; drop '" + id + "' from " + key);
            }
            if (!ids.contains(dep)) {
                throw TeamErrors.invalid(shown + ", which is not a step of this graph", "use step ids of this graph: " + String.join(", ", ids));
            }
            if (out.contains(dep)) {
                throw TeamErrors.invalid(shown + " twice", "list each step once in " + key);
            }
            out.add(dep);
        }
        return out;
    }

    private static void checkDependencies(String at, List<String> needs, List<String> after) {
        for (String dep : needs) {
            if (after.contains(dep)) {
                throw TeamErrors.invalid(at + " has '" + dep + "' in both needs and after",
                        "keep it in needs (only after it succeeds) or in after (however it ends), not both");
            }
        }
        if (needs.size() + after.size() > TeamLimits.MAX_DEPENDENCIES_PER_STEP) {
            throw TeamErrors.invalid(at + " has " + (needs.size() + after.size()) + " dependencies (needs plus after); the limit is "
                    + TeamLimits.MAX_DEPENDENCIES_PER_STEP + " (seeds/002)", "fan in through an intermediate step, or drop dependencies");
        }
    }

    /** @return the step's cwd relative to the root ("" for the root), checked, and free of a settings tree when it has bash */
    private static String cwd(JsonNode step, String at, Scope scope, boolean shell, String runtime) {
        Path dir = TeamPaths.resolveCwd(scope.root(), string(step, "cwd", at, false), at + " cwd");
        if (shell) {
            TeamPaths.checkSettingsTree(scope.root(), dir, runtime, at);
        }
        return scope.root().relativize(dir).toString();
    }

    @SafeVarargs
    private static <T> T first(T... values) {
        for (T v : values) {
            if (v != null) {
                return v;
            }
        }
        return null;
    }
}
