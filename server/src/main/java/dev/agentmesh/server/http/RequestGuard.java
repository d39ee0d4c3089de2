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
 *
 * <p>The dashboard's paths ({@code /dashboard} and below, {@link DashboardRoutes}) take its session cookie
 * ({@link DashboardRoutes#cookieName}) instead of the bearer secret, and only they do: a browser holds no secret.
 * {@code /dashboard/login} needs neither (its one-time code is the credential). The Host and Origin checks stay for
 * every path; a refused dashboard request gets a page saying how to log in ({@link DashboardRoutes.Refused}).
 */
final class RequestGuard implements Filter {
    private final Supervisor supervisor;
    private volatile DashboardSessions dashboard;

    RequestGuard(Supervisor supervisor) {
        this.supervisor = supervisor;
    }

    private record Refusal(int status, String message) {
    }

    /** Lets the dashboard's session cookies in on the dashboard's paths (none are accepted before this is set). */
    void acceptDashboardSessions(DashboardSessions sessions) {
        this.dashboard = sessions;
    }

    void check(Context ctx) {
        if (DashboardRoutes.covers(ctx.path())) {
            Refusal r = origin(ctx::header);
            if (r == null && !ctx.path().equals(DashboardRoutes.LOGIN)) {
                DashboardSessions sessions = dashboard;
                if (sessions == null || sessions.find(ctx.cookie(DashboardRoutes.cookieName(port()))) == null) {
                    r = new Refusal(401, "this dashboard page needs a login: run mesh dashboard in the project for a new link");
                }
            }
            if (r != null) {
                throw new DashboardRoutes.Refused(r.status(), r.message());
            }
            return;
        }
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

    private int port() {
        return supervisor.runFile() == null ? -1 : supervisor.runFile().port();
    }

    /** @return the refusal of a request whose Host or Origin is not this server's, or null */
    private Refusal origin(UnaryOperator<String> header) {
        int port = port();
        String host = header.apply("Host");
        if (host == null || !(host.equals("127.0.0.1:" + port) || host.equals("localhost:" + port))) {
            return new Refusal(403, "mesh serve answers only requests for 127.0.0.1:" + port + ", not Host " + host);
        }
        String origin = header.apply("Origin");
        if (origin != null && !(origin.equals("http://127.0.0.1:" + port) || origin.equals("http://localhost:" + port))) {
            return new Refusal(403, "mesh serve refuses requests from origin " + origin);
        }
        return null;
    }

    private Refusal refusal(UnaryOperator<String> header) {
        Refusal r = origin(header);
        if (r != null) {
            return r;
        }
        String auth = header.apply("Authorization");
        byte[] want = ("Bearer " + supervisor.secret()).getBytes(StandardCharsets.UTF_8);
        if (auth == null || !MessageDigest.isEqual(want, auth.getBytes(StandardCharsets.UTF_8))) {
            return new Refusal(401, "mesh serve needs the secret of its run file (Authorization: Bearer ...)");
        }
        return null;
    }
}
