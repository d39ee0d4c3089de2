package dev.agentmesh.orchestrator;

/**
 * A tracked ask (seeds/004): a brief from one peer to another that stays open until the recipient acks it.
 *
 * @param id        the ask's id, unique in the store and never reused
 * @param from      the asker's agent name
 * @param to        the recipient, who owes the ack
 * @param brief     what is asked, 1..{@value Asks#MAX_BRIEF_CHARS} characters
 * @param status    {@code open}, {@code acked}, or {@code cancelled} (its job was cancelled or failed, or its dispatch
 *                  was retried)
 * @param reply     the ack's message, or null for a bare ack (seen) and while open
 * @param replyTo   the ask this one answers, or null
 * @param circle    the circle it was asked in, or null for the project
 * @param group     the {@code ask_many} group it belongs to, or null
 * @param jobId     the durable job it dispatches, or null
 * @param messageId the mesh message that carried it to the recipient
 * @param createdAt when it was opened, epoch ms
 * @param ackedAt   when it was acked, epoch ms, or null while open
 */
public record Ask(long id, String from, String to, String brief, String status, String reply, Long replyTo, String circle,
                  Long group, Long jobId, long messageId, long createdAt, Long ackedAt) {
    /** @return whether it is still open */
    public boolean open() {
        return "open".equals(status);
    }
}
