package dev.agentmesh.orchestrator;

/**
 * What {@code claim_orchestrator_role} did (issue 8, seeds/004 "Co-orchestrators").
 *
 * @param orchestrator the circle's orchestrator after the claim: the caller, or for an observer's claim the live
 *                     orchestrator it observes (null when there is none)
 * @param observer     the caller when it claimed as an observer, else null
 * @param circle       the circle claimed, or null for the whole project
 * @param claimedAt    epoch ms the caller's role began (an orchestrator that claims again keeps its first time)
 * @param previous     the orchestrator the caller took over from (with force, or because it was stale), else null
 * @param forced       whether the takeover needed {@code force} (the previous orchestrator was not stale)
 * @param told         whether {@code previous} was sent a mesh message about the takeover (false with no previous)
 */
public record RoleClaim(String orchestrator, String observer, String circle, long claimedAt, String previous,
                        boolean forced, boolean told) {
}
