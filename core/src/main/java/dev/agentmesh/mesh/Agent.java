package dev.agentmesh.mesh;

/**
 * An agent on the mesh, as the store records it.
 *
 * @param id            store id, stable across renames and rejoins
 * @param name          unique name in the project, e.g. {@code SwiftRaven}
 * @param pid           process id of the agent (its runtime, or the shell that joined), or null if unknown
 * @param host          host name the pid belongs to, or null
 * @param cwd           working directory at join, or null
 * @param runtime       runtime name ({@code pi}, {@code claude}, {@code cli}, ...), or null
 * @param model         model id, or null
 * @param branch        git branch at join, or null
 * @param statusMessage custom status set with {@code set_status}, or null
 * @param joinedAt      epoch ms of the (last) join
 * @param lastSeen      epoch ms of the last action
 * @param leftAt        epoch ms of leaving, or null while present
 * @param leaseUntil    epoch ms until which a connection of the agent (an MCP session, an event stream) keeps it
 *                      present, renewed by the supervisor while the connection is open; null if none ever did
 * @param circle        the circle the agent is in ({@code join} with {@code circle}, {@code set_circle}), or null for
 *                      none: the whole project (issue 8; {@link Presence#sees} says who sees whom)
 * @param description   what the agent says it is working on ({@code set_description}), or null; see
 *                      {@link #freshDescription(long)} for whether it is still fresh
 * @param descriptionExpiresAt epoch ms after which {@code description} is stale and no longer shown, or null
 */
public record Agent(long id, String name, Long pid, String host, String cwd, String runtime, String model,
                    String branch, String statusMessage, long joinedAt, long lastSeen, Long leftAt,
                    Long leaseUntil, String circle, String description, Long descriptionExpiresAt) {

    /** @return true while the agent has not left */
    public boolean present() {
        return leftAt == null;
    }

    /** @return the description while it is fresh at epoch ms {@code now} (its TTL not run out), else null */
    public String freshDescription(long now) {
        return description != null && descriptionExpiresAt != null && descriptionExpiresAt > now ? description : null;
    }
}
