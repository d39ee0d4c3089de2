package dev.agentmesh.team;

import dev.agentmesh.Texts;
import dev.agentmesh.agents.AgentProfile;
import dev.agentmesh.agents.AgentProfile.Source;
import dev.agentmesh.agents.AgentProfiles;
import dev.agentmesh.runtime.Capability;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;

/**
 * The {@code agent_team catalog} action (seeds/002): the agents a graph may ref, with their descriptions, routing tags,
 * default tools, model lane, path and SHA, plus the extension tools a step may be granted and the agent files that
 * failed to load. Stateless and thread-safe; the library reads its user and project folders on each call.
 */
public final class TeamCatalog {
    /**
     * What {@code catalog} answers: the text for an agent or a person, and the same as JSON.
     *
     * @param text one row per agent, then the extension tools and any file problems
     * @param data {@code {"agents": [...], "extensionTools": [...], "problems": [...]}}
     */
    public record Listing(String text, JsonNode data) {
    }

    /** Hex digits of an agent file's SHA-256 shown in the text. */
    public static final int SHA_PREFIX = 12;
    /** The text row of the one extension tool. */
    public static final String EXTENSION_ROW =
            "extension tools: pi_messenger (agentmesh mesh tool; needs authority.allowExtensionCode and extensionTools)";

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private TeamCatalog() {
    }

    /**
     * @param profiles the agent library
     * @param args     the call's arguments, or null: {@code library.sources} (a subset of package, user, project;
     *                 default package, user) and {@code library.query} (at most 1000 characters of routing words, ranked
     *                 by {@link AgentProfiles#query}); without a query every active agent of those sources is listed, by
     *                 source in the order given, then by name
     * @return text, one row per agent ({@code ref | description | tools: ... | model: ... | thinking: ... | path or
     *         bundled | sha PREFIX}), the extension-tool row and any file problems; data
     *         {@code {"sources", "query", "agents": [{ref, name, source, description, tags, defaultTools, model,
     *         thinking, runtime, path, sha}], "extensionTools": [{name, provenance, requires}], "problems": [{source,
     *         name, path, message}]}}; {@code defaultTools} are in the seed's vocabulary (read, grep, find, ls, bash, edit,
     *         write, pi_messenger), read-only for a profile naming none
     * @throws dev.agentmesh.MeshException (invalid input) for arguments {@link TeamPlanner#checkActionArgs} refuses
     */
    public static Listing catalog(AgentProfiles profiles, JsonNode args) {
        List<Source> sources = TeamPlanner.catalogSources(args);
        JsonNode library = args == null ? null : TeamFields.value(args, "library");
        String query = library == null ? null : TeamFields.string(library, "query", "catalog library", false);
        EnumSet<Source> set = EnumSet.copyOf(sources);
        AgentProfiles.Catalog all = profiles.list(set);
        List<AgentProfile> agents = query == null || query.isBlank()
                ? all.active().stream().sorted(Comparator.comparingInt(p -> sources.indexOf(p.source()))).toList()
                : profiles.query(query, set).stream().filter(m -> m.entry().active()).map(m -> m.entry().profile()).toList();
        return new Listing(text(sources, query, agents, all.problems()), data(sources, query, agents, all.problems()));
    }

    private static String text(List<Source> sources, String query, List<AgentProfile> agents, List<AgentProfiles.Problem> problems) {
        StringBuilder sb = new StringBuilder("agent_team catalog: ").append(agents.size()).append(agents.size() == 1 ? " agent" : " agents")
                .append(" from ").append(String.join(", ", sources.stream().map(Source::id).toList()));
        if (query != null && !query.isBlank()) {
            sb.append(" matching '").append(Texts.quote(query, 80)).append("'");
        }
        sb.append('\n');
        if (agents.isEmpty() && query != null && !query.isBlank()) {
            sb.append("no agent matches; omit library.query to list them all, or widen library.sources\n");
        }
        agents.forEach(p -> sb.append(row(p)).append('\n'));
        sb.append(EXTENSION_ROW);
        problems.forEach(p -> sb.append("\nproblem: ").append(Texts.escape(p.message())));
        return sb.toString();
    }

    private static String row(AgentProfile p) {
        StringBuilder sb = new StringBuilder(p.ref()).append(" | ").append(Texts.escape(p.description()))
                .append(" | tools: ").append(String.join(", ", defaultTools(p)));
        if (model(p) != null) {
            sb.append(" | model: ").append(Texts.escape(model(p)));
        }
        if (p.thinking() != null) {
            sb.append(" | thinking: ").append(p.thinking());
        }
        if (p.runtime() != null) {
            sb.append(" | runtime: ").append(p.runtime());
        }
        return sb.append(" | ").append(p.path() == null ? "bundled" : Texts.escape(p.path().toString()))
                .append(" | sha ").append(p.sha(), 0, SHA_PREFIX).toString();
    }

    private static ObjectNode data(List<Source> sources, String query, List<AgentProfile> agents, List<AgentProfiles.Problem> problems) {
        ObjectNode data = JSON.objectNode();
        ArrayNode s = data.putArray("sources");
        sources.forEach(x -> s.add(x.id()));
        data.put("query", query == null || query.isBlank() ? null : query);
        ArrayNode list = data.putArray("agents");
        agents.forEach(p -> list.add(agent(p)));
        ObjectNode messenger = data.putArray("extensionTools").addObject().put("name", TeamTools.PI_MESSENGER)
                .put("provenance", "agentmesh mesh tool");
        messenger.putArray("requires").add("authority.allowExtensionCode").add("extensionTools");
        ArrayNode bad = data.putArray("problems");
        problems.forEach(p -> bad.addObject().put("source", p.source().id()).put("name", p.name())
                .put("path", p.path() == null ? null : p.path().toString()).put("message", p.message()));
        return data;
    }

    private static ObjectNode agent(AgentProfile p) {
        ObjectNode a = JSON.objectNode().put("ref", p.ref()).put("name", p.name()).put("source", p.source().id())
                .put("description", p.description());
        ArrayNode tags = a.putArray("tags");
        p.tags().forEach(tags::add);
        ArrayNode tools = a.putArray("defaultTools");
        defaultTools(p).forEach(tools::add);
        return a.put("model", model(p)).put("thinking", p.thinking()).put("runtime", p.runtime())
                .put("path", p.path() == null ? null : p.path().toString()).put("sha", p.sha());
    }

    /**
     * @return the profile's default tools in the seed's vocabulary, with the read/discovery suite every child keeps
     *         (read-only when the profile names none)
     */
    static List<String> defaultTools(AgentProfile p) {
        EnumSet<Capability> tools = EnumSet.of(Capability.READ, Capability.SEARCH);
        if (p.tools() != null) {
            tools.addAll(p.tools());
        }
        return TeamTools.names(tools);
    }

    /** @return the profile's model as {@code provider/model}, or null */
    private static String model(AgentProfile p) {
        return p.model() == null ? null : p.model().withThinking(null).toString();
    }
}
