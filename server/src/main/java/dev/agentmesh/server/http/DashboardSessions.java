package dev.agentmesh.server.http;

import dev.agentmesh.MeshException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The dashboard's one-time login codes and the browser sessions they open (issue 8, "Dashboard": same port, same
 * auth, a login link printed by {@code mesh dashboard}). A code is issued to a caller that holds the run file's
 * secret and acts as a joined human participant; it lasts {@link #CODE_TTL} (or {@code MESH_DASHBOARD_CODE_SECONDS}
 * of the supervisor's environment) and opens one session. A session is
 * named by a random token the browser keeps in an HttpOnly cookie, and acts as that participant for
 * {@link #SESSION_TTL}. Codes and tokens are 32 random bytes (base64url, 43 characters); only their SHA-256 is
 * kept, so a lookup leaks no timing about a secret. Everything is in memory: a restarted supervisor forgets every
 * session (run {@code mesh dashboard} again). At most {@link #MAX_CODES} codes wait and {@link #MAX_SESSIONS}
 * sessions live; issuing past that drops the oldest. Thread-safe (every method is synchronized).
 */
final class DashboardSessions {
    /** How long a login code may be redeemed, by default. */
    static final Duration CODE_TTL = Duration.ofSeconds(120);
    /** Longest code lifetime {@code MESH_DASHBOARD_CODE_SECONDS} may set, in seconds. */
    static final int MAX_CODE_SECONDS = 600;
    /** How long a session lasts after its login. */
    static final Duration SESSION_TTL = Duration.ofHours(12);
    /** Most codes waiting to be redeemed. */
    static final int MAX_CODES = 32;
    /** Most live sessions. */
    static final int MAX_SESSIONS = 32;
    /** Length of a code or token: 32 bytes in base64url without padding. */
    static final int SECRET_CHARS = 43;

    /**
     * Whom a session acts as: a joined human participant of one project.
     *
     * @param project the project root, absolute
     * @param agent   the participant's name
     * @param token   the participant's agent token (from its join)
     */
    record Human(String project, String agent, String token) {
    }

    /** A session: its participant and when it ends (epoch ms). */
    record Session(Human human, long expiresAt) {
    }

    /** Why a code did not open a session. */
    enum Refusal {
        /** never issued by this supervisor, or malformed */
        UNKNOWN,
        /** issued, but past its {@link #CODE_TTL} */
        EXPIRED,
        /** issued and redeemed already */
        USED
    }

    /** A redeemed code: the new session's token, or why there is none. */
    record Login(String token, Refusal refusal) {
    }

    private record Code(Human human, long expiresAt) {
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final LongSupplier clock;
    private final Duration codeTtl;
    private final Map<String, Code> codes = new LinkedHashMap<>();
    /** Hashes of redeemed codes, until they would have expired: tells "used" from "unknown". */
    private final Map<String, Long> used = new LinkedHashMap<>();
    private final Map<String, Session> sessions = new LinkedHashMap<>();

    /** @param codeTtl how long a code may be redeemed ({@link #codeTtl(String)}) */
    DashboardSessions(Duration codeTtl) {
        this(System::currentTimeMillis, codeTtl);
    }

    /** @param clock epoch milliseconds, for tests of expiry */
    DashboardSessions(LongSupplier clock, Duration codeTtl) {
        this.clock = clock;
        this.codeTtl = codeTtl;
    }

    /**
     * @param setting the value of {@code MESH_DASHBOARD_CODE_SECONDS}, or null
     * @return {@link #CODE_TTL} for null or blank, else that many seconds
     * @throws MeshException (invalid input) for a value that is not a whole number in 1..{@value #MAX_CODE_SECONDS}
     */
    static Duration codeTtl(String setting) {
        if (setting == null || setting.isBlank()) {
            return CODE_TTL;
        }
        try {
            int s = Integer.parseInt(setting.strip());
            if (s >= 1 && s <= MAX_CODE_SECONDS) {
                return Duration.ofSeconds(s);
            }
        } catch (NumberFormatException e) {
            // named below
        }
        throw MeshException.invalidInput("MESH_DASHBOARD_CODE_SECONDS=" + dev.agentmesh.Texts.quote(setting, 40)
                + " must be a whole number of seconds, 1.." + MAX_CODE_SECONDS);
    }

    /** @return how long a code may be redeemed */
    Duration codeTtl() {
        return codeTtl;
    }

    /**
     * @return a new code for {@code human}, valid for {@link #CODE_TTL}, single use
     */
    synchronized String issue(Human human) {
        prune();
        while (codes.size() >= MAX_CODES) {
            codes.remove(codes.keySet().iterator().next());
        }
        String code = secret();
        codes.put(hash(code), new Code(human, clock.getAsLong() + codeTtl.toMillis()));
        return code;
    }

    /**
     * Redeems {@code code} once: a known code not yet expired opens a session (and the code stops working).
     *
     * @param code what the login link carried; anything (null, too long, bad characters) is refused as unknown
     */
    synchronized Login redeem(String code) {
        prune();
        if (!wellFormed(code)) {
            return new Login(null, Refusal.UNKNOWN);
        }
        String h = hash(code);
        Code c = codes.remove(h);
        if (c == null) {
            return new Login(null, used.containsKey(h) ? Refusal.USED : Refusal.UNKNOWN);
        }
        long now = clock.getAsLong();
        used.put(h, c.expiresAt());
        if (c.expiresAt() < now) {
            return new Login(null, Refusal.EXPIRED);
        }
        while (sessions.size() >= MAX_SESSIONS) {
            sessions.remove(sessions.keySet().iterator().next());
        }
        String token = secret();
        sessions.put(hash(token), new Session(c.human(), now + SESSION_TTL.toMillis()));
        return new Login(token, null);
    }

    /** @return the live session named by {@code token} (a cookie's value), or null */
    synchronized Session find(String token) {
        if (!wellFormed(token)) {
            return null;
        }
        Session s = sessions.get(hash(token));
        if (s == null) {
            return null;
        }
        if (s.expiresAt() < clock.getAsLong()) {
            sessions.remove(hash(token));
            return null;
        }
        return s;
    }

    /** Ends the session named by {@code token}, if any (a logout). */
    synchronized void end(String token) {
        if (wellFormed(token)) {
            sessions.remove(hash(token));
        }
    }

    /** Drops expired codes, used-code marks and sessions. */
    private void prune() {
        long now = clock.getAsLong();
        // a used or expired code stays refused as expired for one more TTL, so a late click says why
        codes.values().removeIf(c -> c.expiresAt() < now - codeTtl.toMillis());
        used.values().removeIf(at -> at < now - codeTtl.toMillis());
        for (Iterator<Session> it = sessions.values().iterator(); it.hasNext(); ) {
            if (it.next().expiresAt() < now) {
                it.remove();
            }
        }
    }

    private static boolean wellFormed(String s) {
        return s != null && s.length() == SECRET_CHARS && s.chars().allMatch(c -> (c >= 'A' && c <= 'Z')
                || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_');
    }

    private static String secret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String hash(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw MeshException.internal("SHA-256 is missing from this JDK", e);
        }
    }
}
