package dev.agentmesh.server.http;

import dev.agentmesh.api.Json;
import dev.agentmesh.server.Supervisor;
import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.UnauthorizedResponse;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.function.UnaryOperator;

/**
 * Checks every request before its route: the {@code Host} header must name this server by loopback address
 * ({@code 127.0.0.1:PORT} or {@code localhost:PORT}) and an {@code Origin}, when present, must be
 * {@code http://127.0.0.1:PORT} or {@code http://localhost:PORT} (a page on another site that rebinds its DNS to
 * 127.0.0.1 gets 403); then {@code Authorization: Bearer SECRET} must carry the run file's secret (else 401).
 * The secret is compared in constant time. Used as a Javalin before-handler and, for the servlets mounted
 * beside Javalin ({@code /mcp}), as a servlet filter that answers {@code {"error": MESSAGE}}.
 */
final class RequestGuard implements Filter {
    private final Supervisor supervisor;

    RequestGuard(Supervisor supervisor) {
        this.supervisor = supervisor;
    }

    private record Refusal(int status, String message) {
    }

    void check(Context ctx) {
        Refusal r = refusal(ctx::header);
        if (r != null) {
            throw r.status() == 403 ? new ForbiddenResponse(r.message()) : new UnauthorizedResponse(r.message());
        }
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest req = (HttpServletRequest) request;
        Refusal r = refusal(req::getHeader);
        if (r == null) {
            chain.doFilter(request, response);
            return;
        }
        HttpServletResponse resp = (HttpServletResponse) response;
        resp.setStatus(r.status());
        resp.setContentType("application/json");
        resp.setCharacterEncoding("UTF-8");
        resp.getWriter().write(Json.MAPPER.createObjectNode().put("error", r.message()).toString());
    }

    private Refusal refusal(UnaryOperator<String> header) {
        int port = supervisor.runFile() == null ? -1 : supervisor.runFile().port();
        String host = header.apply("Host");
        if (host == null || !(host.equals("127.0.0.1:" + port) || host.equals("localhost:" + port))) {
            return new Refusal(403, "mesh serve answers only requests for 127.0.0.1:" + port + ", not Host " + host);
        }
        String origin = header.apply("Origin");
        if (origin != null && !(origin.equals("http://127.0.0.1:" + port) || origin.equals("http://localhost:" + port))) {
            return new Refusal(403, "mesh serve refuses requests from origin " + origin);
        }
        String auth = header.apply("Authorization");
        byte[] want = ("Bearer " + supervisor.secret()).getBytes(StandardCharsets.UTF_8);
        if (auth == null || !MessageDigest.isEqual(want, auth.getBytes(StandardCharsets.UTF_8))) {
            return new Refusal(401, "mesh serve needs the secret of its run file (Authorization: Bearer ...)");
        }
        return null;
    }
}
