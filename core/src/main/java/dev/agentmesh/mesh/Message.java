package dev.agentmesh.mesh;

import java.util.List;

/**
 * A message as stored: committed before {@code send} returns, delivered once to each recipient.
 *
 * @param id         store id, increasing in commit order
 * @param sender     name of the sender at send time
 * @param recipients names of the recipients (as they are named now, when read back from an inbox); empty only for a
 *                   broadcast sent when nobody else was present
 * @param body       the text, 1..{@link Messenger#MAX_BODY_CHARS} characters
 * @param replyTo    id of the message this answers, or null
 * @param broadcast  true when sent to everyone present
 * @param createdAt  epoch ms of the commit
 */
public record Message(long id, String sender, List<String> recipients, String body, Long replyTo,
                      boolean broadcast, long createdAt) {
}
