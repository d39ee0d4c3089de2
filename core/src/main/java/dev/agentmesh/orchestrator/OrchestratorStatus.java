package dev.agentmesh.orchestrator;

import java.util.List;

/**
 * Whether a live orchestrator is present for a circle (seeds/004: "presence, name, peer id, last-seen timestamp, and
 * the staleness threshold — not a snapshot of mesh state").
 *
 * @param present          whether the circle (or, failing that, the whole project) has an orchestrator whose agent
 *                         is on the mesh; stale or not
 * @param name             the orchestrator's agent name, or null when none is present
 * @param id               its agent's store id, or null
 * @param circle           the circle the orchestrator holds the role of: the one asked about, or null when the
 *                         answer is the whole project's orchestrator (asked about the project, or the circle has
 *                         none of its own)
 * @param asked            the circle asked about, or null for the whole project
 * @param claimedAt        epoch ms it claimed the role, or null
 * @param lastSeen         epoch ms of its last heartbeat: the latest of its last action, its last claim of the
 *                         role and its connection's lease while that runs; or null
 * @param stalenessSeconds the threshold: {@link Roles#STALE_AFTER} in seconds
 * @param stale            whether {@code lastSeen} is older than the threshold (another agent may then claim the
 *                         role without force); false when none is present
 * @param description      the orchestrator's fresh description ({@code set_description}), or null
 * @param observers        names of the agents observing the circle asked about, oldest claim first
 */
public record OrchestratorStatus(boolean present, String name, Long id, String circle, String asked, Long claimedAt,
                                 Long lastSeen, long stalenessSeconds, boolean stale, String description,
                                 List<String> observers) {
}
