package dev.agentmesh.mesh.internal;

import dev.agentmesh.mesh.Reservation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The leases of one project, indexed so that finding those that overlap a path costs about the path's depth plus
 * the leases under it, not the number of leases: literal patterns sit in a sorted map (a path's ancestors are
 * looked up by key, what lies under a folder by key range), globs and the whole project ({@code ./}) in short
 * lists that are matched one by one. Every candidate is confirmed with {@link PathPatterns#overlap}, so the answer
 * is the same as matching against every lease. Immutable, thread-safe; built once per change of the leases
 * (the store's {@code reservation_version}).
 */
public final class LeaseIndex {
    private final long version;
    private final TreeMap<String, List<Reservation>> literal = new TreeMap<>();
    private final List<Reservation> other = new ArrayList<>();
    private final List<Reservation> all;

    /**
     * @param version the store's reservation version the leases were read at
     * @param leases  the project's leases, any TTL state, oldest first
     */
    public LeaseIndex(long version, List<Reservation> leases) {
        this.version = version;
        this.all = List.copyOf(leases);
        for (Reservation r : all) {
            if (r.pattern().equals("./") || PathPatterns.firstGlob(r.pattern()) >= 0) {
                other.add(r);
            } else {
                literal.computeIfAbsent(r.pattern(), k -> new ArrayList<>(1)).add(r);
            }
        }
    }

    /** @return the reservation version it was built at */
    public long version() {
        return version;
    }

    /**
     * @param pattern a normalised pattern (literal or glob)
     * @param keep    which leases count (holder, mode, TTL)
     * @return the leases that {@link #keep} accepts and that overlap {@code pattern}, oldest first
     */
    public List<Reservation> overlapping(String pattern, Predicate<Reservation> keep) {
        List<Reservation> found = new ArrayList<>();
        if (pattern.equals("./") || PathPatterns.firstGlob(pattern) >= 0) {
            for (Reservation r : all) {
                if (keep.test(r) && PathPatterns.overlap(pattern, r.pattern())) {
                    found.add(r);
                }
            }
            return found;
        }
        java.util.Set<Reservation> candidates = new java.util.LinkedHashSet<>(other);
        // the path itself and its ancestors, as folders ("a/") and as names that may become folders ("a")
        addKey(candidates, pattern);
        for (int i = pattern.indexOf('/'); i >= 0; i = pattern.indexOf('/', i + 1)) {
            addKey(candidates, pattern.substring(0, i + 1));
            addKey(candidates, pattern.substring(0, i));
        }
        // what lies under it, when it is or may become a folder
        String under = pattern.endsWith("/") ? pattern : pattern + "/";
        for (Map.Entry<String, List<Reservation>> e : literal.subMap(under, true, under + Character.MAX_VALUE, false).entrySet()) {
            if (!e.getKey().equals(pattern)) {
                candidates.addAll(e.getValue());
            }
        }
        for (Reservation r : candidates) {
            if (keep.test(r) && PathPatterns.overlap(pattern, r.pattern())) {
                found.add(r);
            }
        }
        found.sort((a, b) -> Long.compare(a.id(), b.id()));
        return found;
    }

    private void addKey(java.util.Collection<Reservation> into, String key) {
        List<Reservation> at = literal.get(key);
        if (at != null) {
            into.addAll(at);
        }
    }
}
