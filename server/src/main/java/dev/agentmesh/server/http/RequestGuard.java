package dev.agentmesh.server.http;

import dev.agentmesh.server.Supervisor;
import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.UnauthorizedResponse;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Checks every request before its route: the {@code Host} header must name this server by loopback address
 * ({@code 127.0.0.1:PORT} or {@code localhost:PORT}) and an {@code Origin}, when present, must be
 * {@code http://127.0.0.1:PORT} or {@code http://localhost:PORT} (a page on another site that rebinds its DNS to
 * 127.0.0.1 gets 403); then {@code Authorization: Bearer SECRET} must carry the run file's secret (else 401).
 * The secret is compared in constant time.
 */
final class RequestGuard {
    private final Supervisor supervisor;

    RequestGuard(Supervisor supervisor) {
        this.supervisor = supervisor;
    }

    void check(Context ctx) {
        int port = supervisor.runFile() == null ? -1 : supervisor.runFile().port();
        String host = ctx.header("Host");
        if (host == null || !(host.equals("127.0.0.1:" + port) || host.equals("localhost:" + port))) {
            throw new ForbiddenResponse("mesh serve answers only requests for 127.0.0.1:" + port + ", not Host " + host);
        }
        String origin = ctx.header("Origin");
        if (origin != null && !(origin.equals("http://127.0.0.1:" + port) || origin.equals("http://localhost:" + port))) {
            throw new ForbiddenResponse("mesh serve refuses requests from origin " + origin);
        }
        String auth = ctx.header("Authorization");
        byte[] want = ("Bearer " + supervisor.secret()).getBytes(StandardCharsets.UTF_8);
        if (auth == null || !MessageDigest.isEqual(want, auth.getBytes(StandardCharsets.UTF_8))) {
            throw new UnauthorizedResponse("mesh serve needs the secret of its run file (Authorization: Bearer ...)");
        }
    }
}
