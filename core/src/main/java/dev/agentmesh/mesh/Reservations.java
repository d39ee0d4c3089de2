package dev.agentmesh.mesh;

import dev.agentmesh.mesh.internal.AgentTable;
import dev.agentmesh.mesh.internal.ReservationTable;
import dev.agentmesh.MeshException;
import dev.agentmesh.Texts;
import dev.agentmesh.mesh.internal.LeaseIndex;
import dev.agentmesh.mesh.internal.PathPatterns;
import dev.agentmesh.store.Store;
import dev.agentmesh.store.StoreTx;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * File reservations as leases (DESIGN.md): reserve and release paths, folders or globs of the project.
 * A conflicting exclusive claim is refused, naming the holder, the pattern, the reason and since when. Leases
 * end on {@code release}, on leave, when the holder's process is found dead, and when their TTL runs out.
 * Check and insert happen in one serialised transaction, so of two agents reserving the same file at once
 * exactly one wins.
 */
public final class Reservations {
    /** Longest reason of a reservation, in characters. */
    public static final int MAX_REASON_CHARS = 1_000;
    /** Most paths in one {@code reserve}. */
    public static final int MAX_PATHS = 100;

    private final Store store;
    private final Path root;
    private final Presence presence;
    /** The last index built in a read transaction; replaced when the store's reservation version moves on. */
    private volatile LeaseIndex index;

    Reservations(Store store, Path root, Presence presence) {
        this.store = store;
        this.root = root;
        this.presence = presence;
    }

    /**
     * Reserves paths for {@code agent}; all or none.
     *
     * @param cwd       folder that relative paths are resolved against
     * @param paths     1..{@value #MAX_PATHS} files, folders or globs inside the project
     * @param reason    free text up to {@value #MAX_REASON_CHARS} characters, or null
     * @param exclusive false for a shared lease (conflicts only with exclusive ones)
     * @param ttl       lease duration, or null for none (released on release/leave/death)
     * @return the leases now held for these paths (an existing lease of the same agent is renewed)
     * @throws MeshException (invalid input) for a path outside the project or an unknown agent;
     *                       (unexpected state) if another agent holds a conflicting lease
     */
    public List<Reservation> reserve(String agent, Path cwd, List<String> paths, String reason, boolean exclusive,
                                     Duration ttl) {
        if (paths == null || paths.isEmpty()) {
            throw MeshException.invalidInput("reserve needs at least one path ('paths')");
        }
        if (paths.size() > MAX_PATHS) {
            throw MeshException.invalidInput("reserve has " + paths.size() + " paths; the limit is " + MAX_PATHS);
        }
        if (reason != null && reason.length() > MAX_REASON_CHARS) {
            throw MeshException.invalidInput("reason is " + reason.length() + " characters; the limit is " + MAX_REASON_CHARS);
        }
        if (ttl != null && (ttl.isNegative() || ttl.isZero())) {
            throw MeshException.invalidInput("reservation TTL " + ttl + " must be positive");
        }
        LinkedHashSet<String> patterns = new LinkedHashSet<>();
        for (String p : paths) {
            patterns.add(PathPatterns.normalise(root, cwd, p));
        }
        return store.write(tx -> {
            presence.reap(tx);
            Agent me = Presence.requirePresent(tx, root.toString(), agent);
            long now = System.currentTimeMillis();
            ReservationTable.of(tx).expire(root.toString(), now);
            LeaseIndex index = index(tx, false);
            for (String pattern : patterns) {
                List<Reservation> against = index.overlapping(pattern, r -> live(r, now) && !r.holder().equals(me.name())
                        && (exclusive || r.exclusive()));
                if (!against.isEmpty()) {
                    throw MeshException.unexpectedState(refusal(pattern, against.getFirst(), now));
                }
            }
            List<Reservation> held = new ArrayList<>();
            Long expires = ttl == null ? null : now + ttl.toMillis();
            for (String pattern : patterns) {
                index.overlapping(pattern, r -> live(r, now) && r.holder().equals(me.name()) && r.pattern().equals(pattern))
                        .forEach(r -> ReservationTable.of(tx).delete(r.id()));
                long id = ReservationTable.of(tx).insert(root.toString(), me.id(), pattern, exclusive, reason, now, expires);
                held.add(new Reservation(id, me.name(), pattern, exclusive, reason, now, expires));
                Feed.append(tx, root.toString(), now, me.name(), "reserve", pattern, reason);
            }
            AgentTable.of(tx).touch(me.id(), now);
            return held;
        });
    }

    /**
     * @param tx      the open transaction
     * @param shareIt true in a read transaction, whose snapshot is committed: the index built is kept for the
     *                next caller; a write transaction may still roll back, so what it builds is its own
     * @return the project's leases as of {@code tx}: the kept index when the store's version matches
     */
    private LeaseIndex index(StoreTx tx, boolean shareIt) {
        long version = ReservationTable.of(tx).version();
        LeaseIndex kept = index;
        if (kept != null && kept.version() == version) {
            return kept;
        }
        LeaseIndex fresh = new LeaseIndex(version, ReservationTable.of(tx).all(root.toString()));
        if (shareIt) {
            index = fresh;
        }
        return fresh;
    }

    private static boolean live(Reservation r, long now) {
        return r.expiresAt() == null || r.expiresAt() > now;
    }

    /**
     * A path an edit would conflict on: another agent holds it exclusively.
     *
     * @param path    the normalised path asked about
     * @param held    the lease that covers it
     * @param refusal the one-line refusal, naming the holder, the pattern, the reason and since when
     */
    public record Conflict(String path, Reservation held, String refusal) {
    }

    /**
     * Tells whether {@code agent} may edit {@code paths}: the exclusive leases of other agents that cover them. A
     * read: it takes no write lock, and the matching runs outside the transaction (linear-time globs). The
     * runtimes' edit guards (pi {@code tool_call}, Claude {@code PreToolUse}) and the git pre-commit guard ask
     * this before an edit.
     *
     * @param agent the asking agent, or null for someone not on the mesh (then every exclusive lease counts)
     * @param paths 1..{@value #MAX_PATHS} files, folders or globs inside the project
     * @return the conflicts, in the order of {@code paths}; empty when the edit is free
     * @throws MeshException (invalid input) for a path outside the project or too many paths
     */
    public List<Conflict> check(String agent, Path cwd, List<String> paths) {
        if (paths == null || paths.isEmpty()) {
            throw MeshException.invalidInput("check needs at least one path ('paths')");
        }
        if (paths.size() > MAX_PATHS) {
            throw MeshException.invalidInput("check has " + paths.size() + " paths; the limit is " + MAX_PATHS);
        }
        List<String> patterns = paths.stream().map(p -> PathPatterns.normalise(root, cwd, p)).distinct().toList();
        long now = System.currentTimeMillis();
        LeaseIndex index = store.read(tx -> index(tx, true));
        List<Conflict> conflicts = new ArrayList<>();
        for (String pattern : patterns) {
            index.overlapping(pattern, r -> live(r, now) && r.exclusive() && !r.holder().equals(agent)).stream()
                    .findFirst().ifPresent(r -> conflicts.add(new Conflict(pattern, r, refusal(pattern, r, now))));
        }
        return conflicts;
    }

    /**
     * Releases the agent's leases on the given paths, or all of them when {@code paths} is null or empty.
     *
     * @return the patterns released
     * @throws MeshException (invalid input) for an unknown agent or a path outside the project
     */
    public List<String> release(String agent, Path cwd, List<String> paths) {
        List<String> patterns = paths == null ? List.of()
                : paths.stream().map(p -> PathPatterns.normalise(root, cwd, p)).toList();
        return store.write(tx -> {
            Agent me = Presence.requireKnown(tx, root.toString(), agent);
            long now = System.currentTimeMillis();
            List<String> released = new ArrayList<>();
            for (Reservation r : ReservationTable.of(tx).byAgent(me.id())) {
                if (patterns.isEmpty() || patterns.contains(r.pattern())) {
                    ReservationTable.of(tx).delete(r.id());
                    released.add(r.pattern());
                    Feed.append(tx, root.toString(), now, me.name(), "release", r.pattern(), null);
                }
            }
            return released;
        });
    }

    /** @return the live leases of the project (TTL not run out), oldest first; a read, it changes nothing */
    public List<Reservation> list() {
        long now = System.currentTimeMillis();
        return store.read(tx -> ReservationTable.of(tx).live(root.toString(), now));
    }

    /** @return the one-line refusal for {@code pattern} against {@code held} */
    public static String refusal(String pattern, Reservation held, long now) {
        long ago = Math.max(0, (now - held.createdAt()) / 1000);
        return pattern + " is reserved by " + held.holder() + " (" + held.pattern() + ") since "
                + Texts.clock(held.createdAt()) + " (" + ago + "s ago)"
                + (held.reason() == null || held.reason().isBlank() ? "" : ": " + Texts.oneLine(Texts.escape(held.reason()), 200))
                + "; coordinate with them (mesh send " + held.holder() + " ...)";
    }

    static List<Reservation> byAgent(StoreTx tx, long agentId) {
        return ReservationTable.of(tx).byAgent(agentId);
    }
}
