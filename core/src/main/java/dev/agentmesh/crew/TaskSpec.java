package dev.agentmesh.crew;

import java.util.List;

/**
 * One task of a plan as the planner wrote it.
 *
 * @param id          unique id, e.g. {@code task-1}
 * @param title       one line, not blank
 * @param description what to do, may be empty
 * @param dependsOn   ids of tasks of the same plan that must be done first
 */
public record TaskSpec(String id, String title, String description, List<String> dependsOn) {
}
