package dev.agentmesh.orchestrator;

import java.util.List;

/**
 * What an {@code ask_many} fan-out has come to (seeds/004): one child per peer, and the overall state.
 *
 * @param group    the group's id
 * @param query    what was asked
 * @param overall  {@code complete} (every ask that could be opened is acked), {@code partial} (some are) or
 *                 {@code pending} (none is yet)
 * @param children one per peer, in the order the peers were given
 */
public record AskRollup(long group, String query, String overall, List<Child> children) {
    /**
     * One peer's part.
     *
     * @param peer  the peer
     * @param askId its ask, or null when none could be opened
     * @param state {@code pending} (open), {@code acked} (a bare ack), {@code replied} (acked with a message) or
     *              {@code failed} (no ask could be opened: the reason is {@code reply})
     * @param reply the peer's reply, the failure's reason, or null
     */
    public record Child(String peer, Long askId, String state, String reply) {
    }
}
