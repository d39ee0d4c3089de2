package dev.agentmesh.orchestrator;

import dev.agentmesh.MeshException;
import dev.agentmesh.mesh.Agent;
import dev.agentmesh.mesh.Feed;
import dev.agentmesh.mesh.Mesh;
import dev.agentmesh.mesh.Presence;
import dev.agentmesh.orchestrator.internal.RoleTable;
import dev.agentmesh.store.Store;
import dev.agentmesh.store.StoreTx;

import java.time.Duration;
import java.util.List;

/**
 * Orchestrator roles of a project's circles (issue 8, seeds/004 "Co-orchestrators"): one orchestrator per circle
 * (or for the whole project, an agent without a circle), any number of observers. The role is metadata, not access
 * control (seeds/004: "role=orchestrator is metadata"): nothing else in agentmesh checks it. Thread-safe.
 *
 * <p>Rules:
 * <ul>
 *   <li>An agent claims the role of its own circle; an agent without a circle may claim any circle's or the whole
 *       project's. It holds the role while it is on the mesh and in that circle (or in none): the role ends when it
 *       leaves or is reaped (deleted in the leave's transaction) and lapses while it is in another circle.</li>
 *   <li>The claim is one compare-and-set in one write transaction: of any number of concurrent claimants exactly one
 *       wins; the others are refused with the winner's name.</li>
 *   <li>While the orchestrator is live (heartbeat within {@link #STALE_AFTER}) a claim is refused unless it is
 *       {@code force}d; a forced or stale takeover tells the previous orchestrator with a mesh message.</li>
 * </ul>
 */
public final class Roles {
    /**
     * How long without a heartbeat an orchestrator counts as stale: five minutes. A heartbeat is any action that
     * records the agent's activity (send, set_status, set_description, a claim of the role again) and, while its
     * connection is open, the supervisor's lease renewal (every 3 s, lease 10 s). Far above the lease TTL (10 s) and
     * the reap grace ({@link Presence#REAP_GRACE}, 15 s), so a connected orchestrator is never stale between
     * renewals, while one that did nothing for five minutes may be replaced without force.
     */
    public static final Duration STALE_AFTER = Duration.ofMinutes(5);

    private final Store store;
    private final Mesh mesh;
    private final String project;

    /**
     * @param store the store
     * @param mesh  the project's mesh; a leave hook is added to its presence so a role ends with its agent
     */
    public Roles(Store store, Mesh mesh) {
        this.store = store;
        this.mesh = mesh;
        this.project = mesh.project().key();
        mesh.presence().onLeave((tx, agentId, name, at) -> RoleTable.of(tx).deleteByAgent(agentId));
    }

    /**
     * Claims the orchestrator role (or with {@code observer}, an observer's place) of a circle for {@code agent}.
     * An orchestrator that claims again keeps the role and renews its heartbeat; one that claims as an observer
     * steps down.
     *
     * @param agent    a present agent
     * @param circle   the circle, or null for the agent's own (none: the whole project)
     * @param force    take the role over from a live orchestrator, who is told
     * @param observer record the agent as an observer instead; never refused for a live orchestrator
     * @return what the claim did
     * @throws MeshException (invalid input) for an unknown or left agent, an invalid circle, a circle other than the
     *                       agent's own, or force with observer; (unexpected state) while another live orchestrator
     *                       holds the role and {@code force} is false: the message names it, since when, and how to
     *                       take over
     */
    public RoleClaim claim(String agent, String circle, boolean force, boolean observer) {
        if (circle != null) {
            Presence.checkCircle(circle);
        }
        if (force && observer) {
            throw MeshException.invalidInput("force and observer exclude each other: an observer takes nothing over");
        }
        RoleClaim c = store.write(tx -> claim(tx, agent, circle, force, observer));
        if (c.previous() == null) {
            return c;
        }
        // after the commit: the previous orchestrator learns it lost the role from its own inbox
        boolean told;
        try {
            mesh.messenger().send(c.orchestrator(), List.of(c.previous()), "you are no longer the orchestrator of "
                    + where(c.circle()) + ": " + c.orchestrator() + " took the role over" + (c.forced() ? " (force)" : " (you were stale)")
                    + " at " + iso(c.claimedAt()) + ". Stay on as an observer with claim_orchestrator_role"
                    + " {\"observer\": true}, or hand over what you hold (open asks, jobs, schedules) to " + c.orchestrator() + ".", null);
            told = true;
        } catch (MeshException e) {
            told = false;
        }
        return new RoleClaim(c.orchestrator(), c.observer(), c.circle(), c.claimedAt(), c.previous(), c.forced(), told);
    }

    private RoleClaim claim(StoreTx tx, String agent, String asked, boolean force, boolean observer) {
        Agent me = Presence.requirePresent(tx, project, agent);
        String circle = asked != null ? asked : me.circle();
        if (me.circle() != null && !me.circle().equals(circle)) {
            throw MeshException.invalidInput(me.name() + " is in circle '" + me.circle() + "' and may claim only its role;"
                    + " leave the circle (set_circle with no circle) to claim " + where(circle));
        }
        String key = key(circle);
        long now = System.currentTimeMillis();
        RoleTable roles = RoleTable.of(tx);
        List<RoleTable.Row> rows = roles.byCircle(project, key);
        RoleTable.Row stored = rows.stream().filter(r -> r.role().equals(RoleTable.ORCHESTRATOR)).findFirst().orElse(null);
        RoleTable.Row current = stored != null && holds(stored, key) ? stored : null;
        if (observer) {
            roles.observe(project, key, me.id(), now);
            RoleTable.Row mine = roles.byCircle(project, key).stream().filter(r -> r.agentId() == me.id()).findFirst().orElseThrow();
            boolean steppedDown = current != null && current.agentId() == me.id();
            Feed.append(tx, project, now, me.name(), "orchestrator.observe", circle,
                    (steppedDown ? "stepped down; " : "") + "observes " + where(circle));
            return new RoleClaim(current == null || steppedDown ? null : current.name(), me.name(), circle, mine.claimedAt(),
                    null, false, false);
        }
        if (current != null && current.agentId() == me.id()) {
            roles.renew(project, key, me.id(), now);
            return new RoleClaim(me.name(), null, circle, current.claimedAt(), null, false, false);
        }
        boolean stale = current != null && stale(current, now);
        if (current != null && !stale && !force) {
            throw MeshException.unexpectedState(current.name() + " is the orchestrator of " + where(circle) + " since "
                    + iso(current.claimedAt()) + " (last seen " + iso(heartbeat(current, now)) + "); take over with"
                    + " force (it is told), wait until it is stale (no heartbeat for " + STALE_AFTER.toSeconds()
                    + " s), or claim with observer to watch");
        }
        roles.delete(project, key, me.id()); // an observer's row of the claimant becomes its orchestrator row
        int won = stored == null ? roles.insertOrchestrator(project, key, me.id(), now)
                : roles.replaceOrchestrator(project, key, stored.agentId(), me.id(), now);
        if (won != 1) {
            throw MeshException.unexpectedState("another agent claimed the orchestrator role of " + where(circle)
                    + " at the same moment; ask orchestrator_status who holds it");
        }
        String previous = current == null ? null : current.name();
        Feed.append(tx, project, now, me.name(), "orchestrator.claim", circle, previous == null ? "orchestrates " + where(circle)
                : "took over " + where(circle) + " from " + previous + (stale ? " (stale)" : " (force)"));
        return new RoleClaim(me.name(), null, circle, now, previous, previous != null && !stale, false);
    }

    /**
     * Tells whether a live orchestrator is present for a circle: the circle's own, else (for a circle without one)
     * the whole project's, whose agent sees every circle. A read; it changes nothing.
     *
     * @param viewer the calling agent's name, or null: without {@code circle} its circle is asked about
     * @param circle the circle asked about, or null for the viewer's (an unknown or circle-less viewer: the project)
     * @return the status; {@code present} false when no orchestrator holds the role
     * @throws MeshException (invalid input) for an invalid circle name
     */
    public OrchestratorStatus status(String viewer, String circle) {
        if (circle != null) {
            Presence.checkCircle(circle);
        }
        return store.read(tx -> {
            String asked = circle != null ? circle : circleOf(tx, viewer);
            long now = System.currentTimeMillis();
            List<RoleTable.Row> rows = RoleTable.of(tx).byCircle(project, key(asked));
            RoleTable.Row o = orchestrator(rows, key(asked));
            String holds = asked;
            if (o == null && asked != null) {
                o = orchestrator(RoleTable.of(tx).byCircle(project, ""), "");
                holds = null;
            }
            List<String> observers = rows.stream().filter(r -> r.role().equals(RoleTable.OBSERVER) && holds(r, key(asked)))
                    .map(RoleTable.Row::name).toList();
            long threshold = STALE_AFTER.toSeconds();
            if (o == null) {
                return new OrchestratorStatus(false, null, null, null, asked, null, null, threshold, false, null, observers);
            }
            String description = o.description() != null && o.descriptionExpiresAt() != null && o.descriptionExpiresAt() > now
                    ? o.description() : null;
            return new OrchestratorStatus(true, o.name(), o.agentId(), holds, asked, o.claimedAt(), heartbeat(o, now), threshold,
                    stale(o, now), description, observers);
        });
    }

    private static RoleTable.Row orchestrator(List<RoleTable.Row> rows, String key) {
        return rows.stream().filter(r -> r.role().equals(RoleTable.ORCHESTRATOR) && holds(r, key)).findFirst().orElse(null);
    }

    /** @return whether the row's agent still holds its role: on the mesh, and in the role's circle or in none */
    private static boolean holds(RoleTable.Row r, String key) {
        return r.present() && (r.agentCircle() == null || r.agentCircle().equals(key));
    }

    /** @return epoch ms of the holder's last heartbeat (see {@link OrchestratorStatus#lastSeen}) */
    private static long heartbeat(RoleTable.Row r, long now) {
        long beat = Math.max(r.lastSeen(), r.renewedAt());
        return r.leaseUntil() == null ? beat : Math.max(beat, Math.min(r.leaseUntil(), now));
    }

    private static boolean stale(RoleTable.Row r, long now) {
        return now - heartbeat(r, now) > STALE_AFTER.toMillis();
    }

    private String circleOf(StoreTx tx, String viewer) {
        if (viewer == null) {
            return null;
        }
        try {
            return Presence.requirePresent(tx, project, viewer).circle();
        } catch (MeshException unknownOrLeft) {
            return null;
        }
    }

    /** @return the circle's key in the table: '' for the whole project */
    private static String key(String circle) {
        return circle == null ? "" : circle;
    }

    /** @return epoch ms {@code at} as ISO-8601 UTC to the second, for texts */
    static String iso(long at) {
        return java.time.Instant.ofEpochMilli(at).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    }

    /** @return "circle NAME", or "the whole project" for none */
    static String where(String circle) {
        return circle == null ? "the whole project" : "circle " + circle;
    }
}
