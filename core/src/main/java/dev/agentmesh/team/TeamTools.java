package dev.agentmesh.team;

import dev.agentmesh.agents.AgentProfile;
import dev.agentmesh.runtime.Capability;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A step's effective tools (seeds/002 "Graph and authority boundaries"): read and discovery always; an explicit
 * {@code agent.tools} replaces the profile's defaults and must stay inside the graph authority; omitted, the profile's
 * defaults are capped by the authority silently (an inline agent, or a profile naming no tools, stays read-only); the
 * mesh tool comes only through {@code extensionTools: ["pi_messenger"]} with {@code allowExtensionCode}. Also the
 * bundled roles that fail planning without the tools they exist for. Stateless and thread-safe.
 */
final class TeamTools {
    /** The one extension tool this mesh offers: agentmesh's own mesh tool. */
    static final String PI_MESSENGER = "pi_messenger";
    /** The extension tools a step may be granted. */
    static final List<String> EXTENSION_TOOLS = List.of(PI_MESSENGER);

    /** Built-in tool names a step may ask for: the seed's, and agentmesh's capability names {@code search}, {@code shell}. */
    static final Map<String, Capability> BUILT_IN = builtIn();

    /** What every child keeps, whatever its tools say. */
    private static final Set<Capability> ALWAYS = Set.of(Capability.READ, Capability.SEARCH);

    private TeamTools() {
    }

    private static Map<String, Capability> builtIn() {
        Map<String, Capability> m = new LinkedHashMap<>();
        m.put("read", Capability.READ);
        m.put("grep", Capability.SEARCH);
        m.put("find", Capability.SEARCH);
        m.put("ls", Capability.SEARCH);
        m.put("bash", Capability.SHELL);
        m.put("edit", Capability.EDIT);
        m.put("write", Capability.WRITE);
        m.put("search", Capability.SEARCH);
        m.put("shell", Capability.SHELL);
        return java.util.Collections.unmodifiableMap(m);
    }

    /**
     * @param step      the step as messages name it, e.g. {@code step 'inspect'}
     * @param tools     {@code agent.tools} as given, or null when omitted
     * @param profile   the step's profile, or null for an inline agent
     * @param extension {@code agent.extensionTools}, already checked
     * @return the effective capabilities
     */
    static Set<Capability> effective(String step, List<String> tools, AgentProfile profile, List<String> extension,
                                     TeamPlan.Authority authority) {
        EnumSet<Capability> caps = EnumSet.copyOf(ALWAYS);
        if (tools != null) {
            tools.forEach(t -> caps.add(granted(step, t, authority)));
        } else if (profile != null && profile.tools() != null) {
            profile.tools().stream().filter(authority.allowed()::contains).filter(c -> c != Capability.MESH).forEach(caps::add);
        }
        if (extension.contains(PI_MESSENGER)) {
            caps.add(Capability.MESH);
        }
        return caps;
    }

    private static Capability granted(String step, String tool, TeamPlan.Authority authority) {
        Capability c = BUILT_IN.get(tool);
        if (c == null) {
            throw unknownTool(step, tool);
        }
        String flag = switch (c) {
            case SHELL -> authority.allowShellTools() ? null : "allowShellTools";
            case EDIT, WRITE -> authority.allowMutationTools() ? null : "allowMutationTools";
            default -> null;
        };
        if (flag != null) {
            throw TeamErrors.invalid(step + " asks for " + tool + " but authority." + flag + " is false",
                    "set authority." + flag + ": true or drop " + tool);
        }
        return c;
    }

    private static RuntimeException unknownTool(String step, String tool) {
        if (EXTENSION_TOOLS.contains(tool) || tool.equals("mesh")) {
            return TeamErrors.invalid(step + " lists '" + TeamFields.quote(tool) + "' in agent.tools, but it is an extension tool",
                    "put \"pi_messenger\" in agent.extensionTools and set authority.allowExtensionCode: true");
        }
        return TeamErrors.invalid(step + " asks for unknown tool '" + TeamFields.quote(tool) + "'",
                "use built-in tools from read, grep, find, ls, bash, edit, write; extension tools go in agent.extensionTools");
    }

    /** @return {@code extensionTools} without repeats, each one this mesh offers and the authority allows */
    static List<String> extension(String step, List<String> given, TeamPlan.Authority authority) {
        List<String> out = new ArrayList<>();
        for (String tool : given == null ? List.<String>of() : given) {
            if (!EXTENSION_TOOLS.contains(tool)) {
                throw TeamErrors.invalid(step + " asks for extension tool '" + TeamFields.quote(tool) + "', which this mesh does not offer",
                        "drop it; the only extension tool is pi_messenger (see catalog)");
            }
            if (!authority.allowExtensionCode()) {
                throw TeamErrors.invalid(step + " asks for extension tool " + tool + " but authority.allowExtensionCode is false",
                        "set authority.allowExtensionCode: true or drop " + tool + " from extensionTools");
            }
            if (!out.contains(tool)) {
                out.add(tool);
            }
        }
        return out;
    }

    /**
     * Refuses the bundled roles that cannot do their job with the effective tools (seeds/002): a validator without
     * bash, a worker without edit or write, and the web researcher, whose web extension tools this mesh lacks.
     */
    static void checkRole(String step, String ref, Set<Capability> caps) {
        if (ref == null) {
            return;
        }
        String tools = String.join(", ", names(caps));
        switch (ref) {
            case "package:validator" -> {
                if (!caps.contains(Capability.SHELL)) {
                    throw TeamErrors.invalid(step + " runs package:validator without bash (effective tools: " + tools + ")",
                            "set authority.allowShellTools: true and keep bash in agent.tools, or use package:reviewer for non-command review");
                }
            }
            case "package:worker", "package:worker-xhigh" -> {
                if (!caps.contains(Capability.EDIT) && !caps.contains(Capability.WRITE)) {
                    throw TeamErrors.invalid(step + " runs " + ref + " without edit or write (effective tools: " + tools + ")",
                            "set authority.allowMutationTools: true and keep edit/write in agent.tools, or use package:planner or package:reviewer for non-mutating work");
                }
            }
            case "package:web-researcher" -> throw TeamErrors.invalid(step + " runs package:web-researcher, which needs the web extension tools exa_search and exa_fetch; this mesh does not offer them",
                    "use package:scout for local sources or research the web yourself; catalog shows the only extension tool, pi_messenger");
            default -> {
            }
        }
    }

    /**
     * @return capabilities in the seed's tool vocabulary, in a fixed order: {@code read}, {@code grep, find, ls},
     *         {@code bash}, {@code edit}, {@code write}, {@code pi_messenger}
     */
    static List<String> names(Set<Capability> caps) {
        List<String> out = new ArrayList<>();
        for (Capability c : List.of(Capability.READ, Capability.SEARCH, Capability.SHELL, Capability.EDIT, Capability.WRITE, Capability.MESH)) {
            if (caps.contains(c)) {
                out.addAll(switch (c) {
                    case READ -> List.of("read");
                    case SEARCH -> List.of("grep", "find", "ls");
                    case SHELL -> List.of("bash");
                    case EDIT -> List.of("edit");
                    case WRITE -> List.of("write");
                    case MESH -> List.of(PI_MESSENGER);
                });
            }
        }
        return out;
    }
}
