package dev.agentmesh.api;

import java.util.List;
import java.util.stream.Stream;

/**
 * Every orchestrator tool (seeds/004), in documentation order: the asks, jobs and schedules, then the review queue and
 * the timeline search, then the roles (claim_orchestrator_role, orchestrator_status, set_description, set_circle). MCP ({@code /mcp} and
 * {@code mesh mcp}), the pi extension and {@code mesh tool NAME} offer each as a tool whose name is its API action and
 * whose arguments go to {@link MeshApi#call} unchanged.
 */
public final class OrchestratorTools {
    /** The tools. */
    public static final List<ToolSpec> ALL = Stream.of(OrchestratorActions.TOOLS, ReviewActions.TOOLS, RoleActions.TOOLS).flatMap(List::stream).toList();

    private OrchestratorTools() {
    }

    /** @return the tool named {@code name}, or null */
    public static ToolSpec find(String name) {
        return ALL.stream().filter(t -> t.name().equals(name)).findFirst().orElse(null);
    }
}
