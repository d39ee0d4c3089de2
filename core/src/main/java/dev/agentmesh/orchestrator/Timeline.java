package dev.agentmesh.orchestrator;

import dev.agentmesh.MeshException;
import dev.agentmesh.Texts;
import dev.agentmesh.orchestrator.internal.FtsQuery;
import dev.agentmesh.orchestrator.internal.TimelineTable;
import dev.agentmesh.store.Store;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Full-text search over a project's timeline: its messages, asks, jobs and feed (issue 8, "Timeline search", SQLite
 * FTS5 with the {@code unicode61 remove_diacritics 2} tokenizer, so case and accents do not matter). The query is
 * user input and is never parsed as FTS5 syntax: every word is searched for as typed, all of them must occur, and a
 * word ending in {@code *} matches as a prefix ({@link FtsQuery}). Hits come newest first. The index is kept by
 * triggers in the store, so rows committed by any process are found. Thread-safe; reads only.
 */
public final class Timeline {
    /** Hits returned when no limit is given. */
    public static final int DEFAULT_LIMIT = 20;
    /** Most hits one search returns. */
    public static final int MAX_LIMIT = 200;
    /** The kinds of rows the timeline holds. */
    public static final List<String> KINDS = List.of("message", "ask", "job", "feed");
    /** The latest time accepted, epoch ms (the end of year 9999 UTC). */
    public static final long MAX_TIME = 253_402_300_799_999L;

    private final Store store;
    private final String project;

    /**
     * @param store   the store
     * @param project the project key; every search is confined to its rows
     */
    public Timeline(Store store, String project) {
        this.store = store;
        this.project = project;
    }

    /**
     * Searches the timeline.
     *
     * @param query the words to find ({@link FtsQuery}: 1..1000 characters, at most 32 words)
     * @param kinds only rows of these kinds ({@link #KINDS}); null or empty for all
     * @param peer  only rows whose actor is this agent, or null
     * @param since only rows at or after this epoch ms, or null
     * @param until only rows before this epoch ms, or null
     * @param limit 1..{@link #MAX_LIMIT} hits
     * @return the hits, newest first (the best-ranked first among rows of the same millisecond)
     * @throws MeshException (invalid input) for a bad query, an unknown kind, a limit out of range or since after until
     */
    public List<TimelineHit> search(String query, List<String> kinds, String peer, Long since, Long until, int limit) {
        String match = FtsQuery.of(query);
        Set<String> k = new LinkedHashSet<>();
        for (String kind : kinds == null ? List.<String>of() : kinds) {
            if (!KINDS.contains(kind)) {
                throw MeshException.invalidInput("kind '" + Texts.quote(kind, 40) + "' is not a timeline kind; use "
                        + String.join(", ", KINDS));
            }
            k.add(kind);
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw MeshException.invalidInput("parameter 'limit' is " + limit + "; it must be 1.." + MAX_LIMIT);
        }
        if (since != null && until != null && since > until) {
            throw MeshException.invalidInput("since " + Instant.ofEpochMilli(since) + " is after until " + Instant.ofEpochMilli(until));
        }
        if (peer != null && (peer.isBlank() || peer.length() > 64 || peer.codePoints().anyMatch(Character::isISOControl))) {
            throw MeshException.invalidInput("peer '" + Texts.quote(peer, 80) + "' is not an agent name");
        }
        return store.read(tx -> TimelineTable.of(tx).search(project, match, k, peer, since, until, limit));
    }

    /**
     * Reads a time given by a person or an agent.
     *
     * @param param the parameter's name, for the error
     * @param value epoch milliseconds (digits), or ISO-8601: an instant with an offset ({@code 2026-05-01T12:00:00Z},
     *              {@code ...+02:00}), a local date-time (taken as UTC: {@code 2026-05-01T12:00}) or a date (its start,
     *              UTC)
     * @return epoch ms, 0..{@link #MAX_TIME}
     * @throws MeshException (invalid input) naming the parameter and the value when it is none of these
     */
    public static long parseTime(String param, String value) {
        String v = value == null ? "" : value.strip();
        long ms;
        if (v.matches("-?\\d{1,16}")) {
            ms = Long.parseLong(v);
        } else {
            ms = iso(v);
            if (ms == Long.MIN_VALUE) {
                throw MeshException.invalidInput("parameter '" + param + "' is '" + Texts.quote(value, 60)
                        + "', not a time: use ISO-8601 (2026-05-01T12:00:00Z; without an offset, UTC) or epoch milliseconds");
            }
        }
        if (ms < 0 || ms > MAX_TIME) {
            throw MeshException.invalidInput("parameter '" + param + "' is '" + Texts.quote(value, 60) + "', outside 1970..9999");
        }
        return ms;
    }

    private static long iso(String v) {
        if (v.isEmpty() || v.length() > 64) {
            return Long.MIN_VALUE;
        }
        try {
            return OffsetDateTime.parse(v).toInstant().toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
            // not with an offset
        }
        try {
            return LocalDateTime.parse(v).toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
            // not a local date-time
        }
        try {
            return LocalDate.parse(v).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
            return Long.MIN_VALUE;
        }
    }
}
