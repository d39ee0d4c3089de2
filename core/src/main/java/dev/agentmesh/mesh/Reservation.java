package dev.agentmesh.mesh;

/**
 * A lease on a path or glob of the project.
 *
 * @param id        store id
 * @param holder    name of the agent holding it
 * @param pattern   normalised pattern relative to the project root, using {@code /}; a folder ends with
 *                  {@code /}; the whole project is {@code ./}
 * @param exclusive true for an exclusive lease (the default); shared leases only conflict with exclusive ones
 * @param reason    why, as the holder said, or null
 * @param createdAt epoch ms
 * @param expiresAt epoch ms after which the lease lapses, or null for no TTL
 */
public record Reservation(long id, String holder, String pattern, boolean exclusive, String reason,
                          long createdAt, Long expiresAt) {
}
