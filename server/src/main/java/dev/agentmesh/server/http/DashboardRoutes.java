package dev.agentmesh.server.http;

import dev.agentmesh.MeshException;
import dev.agentmesh.Texts;
import dev.agentmesh.api.ApiResult;
import dev.agentmesh.api.Caller;
import dev.agentmesh.api.Json;
import dev.agentmesh.api.LocalMeshApi;
import dev.agentmesh.mesh.Agent;
import dev.agentmesh.server.Supervisor;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The web dashboard (issue 8, "Dashboard"; seed 004's "a dashboard to run it from"), served by the supervisor on its
 * own port behind {@link RequestGuard}: plain HTML, CSS and JavaScript modules from the classpath folder
 * {@code dashboard/}, no build step and nothing fetched from elsewhere.
 *
 * <ul>
 *   <li>{@code POST /api/v1/dashboard/login-code} (bearer secret, like every {@code /api/v1} route) with
 *       {@code {"project": ROOT, "agent": NAME, "token": TOKEN}}, the human participant the browser will act as and
 *       its agent token: answers {@code {"code", "path", "url", "expiresAt", "agent", "seconds"}}, a code valid for
 *       {@link DashboardSessions#CODE_TTL} (or {@code MESH_DASHBOARD_CODE_SECONDS}, 1..600, of the supervisor's
 *       environment), once. Refused (400) for an unknown project, an unknown agent or a token
 *       that is not the agent's; (409) for an agent that left.</li>
 *   <li>{@code GET /dashboard/login?code=CODE}: redeems the code, sets the session cookie ({@link #cookieName}:
 *       HttpOnly, SameSite=Strict, Path=/dashboard) and redirects (303) to {@code /dashboard/}; a bad, expired or
 *       reused code gets a 401 page that says which and how to get a new link.</li>
 *   <li>{@code GET /dashboard} (or {@code /dashboard/}) the page; {@code GET /dashboard/assets/NAME} its files ({@link #ASSETS} only).</li>
 *   <li>{@code GET /dashboard/api/state}: the snapshot ({@link DashboardState}).</li>
 *   <li>{@code GET /dashboard/api/diff?task=ID}: {@code {"task", "text"}}, the task's own changes (git status and the
 *       diff against HEAD limited to the files its workers edited, as its reviewer is shown them; the whole work
 *       tree's when they are not known), at most {@value #MAX_DIFF_CHARS} characters.</li>
 *   <li>{@code POST /dashboard/api/call} with {@code {"action": NAME, "args": {...}}}: runs one of {@link #OFFERED}
 *       as the session's participant and answers as {@code /api/v1/call} does ({@code {"text", "data", "agent"}} or
 *       {@code {"error": {"kind", "message"}}}); the body is at most {@value #MAX_CALL_CHARS} characters, must be
 *       {@code application/json} and carry an {@code Origin} (a browser always sends one with a POST), so a form or
 *       a page of another site cannot post it (with the SameSite=Strict cookie and the guard's Origin check).</li>
 *   <li>{@code POST /dashboard/logout}: ends the session.</li>
 *   <li>{@code GET /dashboard/events} (SSE): see {@link DashboardEvents}.</li>
 * </ul>
 * Every dashboard answer carries a Content-Security-Policy that allows only this origin's scripts and styles (no
 * inline script), {@code X-Content-Type-Options: nosniff}, {@code Referrer-Policy: no-referrer} and no caching.
 * Thread-safe.
 */
public final class DashboardRoutes {
    /** The login path: the one dashboard path that needs no session cookie. */
    static final String LOGIN = "/dashboard/login";
    /** The API route that issues login codes. */
    static final String CODE_PATH = "/api/v1/dashboard/login-code";
    /** Longest body of {@code POST /dashboard/api/call}, in characters (a message is at most 65,536). */
    static final int MAX_CALL_CHARS = 80_000;
    /** Longest diff text answered, in characters. */
    static final int MAX_DIFF_CHARS = 200_000;
    /**
     * The actions the dashboard offers a person (issue 8 contract: chat, answering asks, task actions), and no
     * other: a page cannot spawn, kill or delete through it.
     */
    static final Set<String> OFFERED = Set.of("send", "broadcast", "inbox.ack", "ack", "task.start", "task.done",
            "task.block", "task.unblock", "task.reset", "agents.budget", "mark_reviewed", "job_cancel", "job_retry",
            "schedule_delete");
    /** The page's files and their content types. */
    static final Map<String, String> ASSETS = Map.of("app.js", "text/javascript; charset=utf-8",
            "dom.js", "text/javascript; charset=utf-8", "panels.js", "text/javascript; charset=utf-8",
            "chat.js", "text/javascript; charset=utf-8", "dashboard.css", "text/css; charset=utf-8",
            "icon.svg", "image/svg+xml");
    private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
            + "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private final Supervisor supervisor;
    private final RequestGuard guard;
    private final DashboardSessions sessions = new DashboardSessions(DashboardSessions.codeTtl(System.getenv("MESH_DASHBOARD_CODE_SECONDS")));
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();

    /**
     * @param supervisor the services to show
     * @param guard      the request checks of the supervisor's routes, which learn the dashboard's sessions here
     */
    DashboardRoutes(Supervisor supervisor, RequestGuard guard) {
        this.supervisor = supervisor;
        this.guard = guard;
    }

    /** A dashboard request refused by {@link RequestGuard}: answered as a page, or as JSON on the dashboard's API. */
    static final class Refused extends RuntimeException {
        private final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    /** @return whether {@code path} is the dashboard's ({@code /dashboard} and below) */
    static boolean covers(String path) {
        return path.equals("/dashboard") || path.startsWith("/dashboard/");
    }

    /** @return the session cookie's name: per port, since browsers share cookies across the ports of a host */
    static String cookieName(int port) {
        return "mesh_dashboard_" + port;
    }

    /** Adds the dashboard's routes (after {@link RequestGuard} is registered as a before-handler). */
    void register(JavalinConfig config) {
        guard.acceptDashboardSessions(sessions);
        config.routes.exception(Refused.class, (e, ctx) -> refused(ctx, e.status, e.getMessage()));
        config.routes.post(CODE_PATH, this::issue);
        config.routes.get(LOGIN, this::login);
        // with or without the trailing slash (Javalin ignores it); the page names its files by absolute paths
        config.routes.get("/dashboard", ctx -> send(ctx, "index.html", "text/html; charset=utf-8"));
        config.routes.get("/dashboard/assets/{name}", this::asset);
        config.routes.get("/dashboard/api/state", this::state);
        config.routes.get("/dashboard/api/diff", this::diff);
        config.routes.post("/dashboard/api/call", this::call);
        config.routes.post("/dashboard/logout", this::logout);
        config.routes.before("/dashboard/events", ctx -> {
            String accept = ctx.header("Accept");
            if (accept == null || !accept.contains("text/event-stream")) {
                throw MeshException.invalidInput("/dashboard/events is a Server-Sent Events stream: send Accept: text/event-stream");
            }
        });
        config.routes.sse("/dashboard/events", new DashboardEvents(supervisor, sessions, this::cookie)::open);
    }

    private String cookie() {
        return cookieName(supervisor.runFile() == null ? -1 : supervisor.runFile().port());
    }

    private void issue(Context ctx) {
        supervisor.touch();
        ObjectNode body = Json.parseObject(ctx.body(), "the request");
        String root = ApiRoutes.text(body, "project", "", true);
        String name = ApiRoutes.text(body, "agent", "", true);
        String token = ApiRoutes.text(body, "token", "", true);
        LocalMeshApi api = supervisor.project(root);
        Agent human = api.mesh().presence().whois(name);
        api.mesh().presence().authenticate(human.name(), token);
        if (!human.present()) {
            throw MeshException.unexpectedState(human.name() + " has left the mesh; join again (mesh join --name "
                    + human.name() + ") and ask for a new link");
        }
        String code = sessions.issue(new DashboardSessions.Human(api.mesh().project().root().toString(), human.name(), token));
        String path = LOGIN + "?code=" + code;
        ctx.contentType("application/json").result(Json.MAPPER.createObjectNode().put("code", code).put("path", path)
                .put("url", supervisor.runFile().url() + path)
                .put("expiresAt", System.currentTimeMillis() + sessions.codeTtl().toMillis())
                .put("agent", human.name()).put("seconds", sessions.codeTtl().toSeconds()).toString());
    }

    private void login(Context ctx) {
        secure(ctx);
        DashboardSessions.Login login = sessions.redeem(ctx.queryParam("code"));
        if (login.refusal() != null) {
            String why = switch (login.refusal()) {
                case EXPIRED -> "This login link has expired: a link works for " + sessions.codeTtl().toSeconds()
                        + " seconds after mesh dashboard printed it.";
                case USED -> "This login link was used already: each link opens the dashboard once.";
                case UNKNOWN -> "This login link is not one this supervisor issued (it may have restarted since).";
            };
            page(ctx, 401, "Login link refused", why + " Run mesh dashboard in the project for a new link.");
            return;
        }
        ctx.header("Set-Cookie", cookie() + "=" + login.token() + "; Path=/dashboard; HttpOnly; SameSite=Strict");
        ctx.redirect("/dashboard/", HttpStatus.SEE_OTHER);
    }

    private void logout(Context ctx) {
        secure(ctx);
        requireJsonPost(ctx);
        sessions.end(ctx.cookie(cookie()));
        ctx.header("Set-Cookie", cookie() + "=; Path=/dashboard; HttpOnly; SameSite=Strict; Max-Age=0");
        ctx.contentType("application/json").result("{\"ended\":true}");
    }

    private void asset(Context ctx) {
        String name = ctx.pathParam("name");
        String type = ASSETS.get(name);
        if (type == null) {
            secure(ctx);
            ctx.status(404).contentType("text/plain; charset=utf-8").result("no dashboard file named " + Texts.quote(name, 80));
            return;
        }
        send(ctx, name, type);
    }

    private void send(Context ctx, String name, String type) {
        secure(ctx);
        byte[] bytes = files.computeIfAbsent(name, n -> {
            try (InputStream in = DashboardRoutes.class.getResourceAsStream("/dashboard/" + n)) {
                if (in == null) {
                    throw MeshException.internal("the dashboard file " + n + " is missing from the jar", null);
                }
                return in.readAllBytes();
            } catch (IOException e) {
                throw MeshException.internal("cannot read the dashboard file " + n + ": " + e.getMessage(), e);
            }
        });
        ctx.contentType(type).result(bytes);
    }

    private DashboardSessions.Session session(Context ctx) {
        DashboardSessions.Session s = sessions.find(ctx.cookie(cookie()));
        if (s == null) {
            // the guard let it in a moment ago: the session ended in between
            throw new Refused(401, "the dashboard session ended: run mesh dashboard for a new link");
        }
        return s;
    }

    private static Caller caller(DashboardSessions.Session s) {
        return new Caller(s.human().agent(), Path.of(s.human().project()), null, "human", null).token(s.human().token());
    }

    private void state(Context ctx) {
        secure(ctx);
        supervisor.touch();
        DashboardSessions.Session s = session(ctx);
        ObjectNode snapshot = DashboardState.snapshot(supervisor.project(s.human().project()), caller(s));
        ctx.contentType("application/json").result(snapshot.toString());
    }

    private void diff(Context ctx) {
        secure(ctx);
        supervisor.touch();
        DashboardSessions.Session s = session(ctx);
        String task = ctx.queryParam("task");
        if (task == null || task.isBlank()) {
            throw MeshException.invalidInput("/dashboard/api/diff needs ?task=ID");
        }
        LocalMeshApi api = supervisor.project(s.human().project());
        // an unknown task is refused by the action, with its own message
        ApiResult shown = api.call(caller(s), Json.MAPPER.createObjectNode().put("action", "task.show").put("id", task));
        dev.agentmesh.crew.Crew.TaskChanges changes = api.crew().changes(shown.data().path("id").asString(task));
        String text = (changes.files().isEmpty() ? "the files this task's workers edited are not known: the whole work tree's changes\n"
                : "the changes to the " + changes.files().size() + " file(s) this task's workers edited: " + String.join(", ", changes.files()) + "\n")
                + changes.text();
        if (text.length() > MAX_DIFF_CHARS) {
            text = text.substring(0, MAX_DIFF_CHARS) + "\n[... " + (text.length() - MAX_DIFF_CHARS) + " more characters]";
        }
        ctx.contentType("application/json").result(Json.MAPPER.createObjectNode()
                .put("task", shown.data().path("id").asString(task)).put("text", text).toString());
    }

    private void call(Context ctx) {
        secure(ctx);
        supervisor.touch();
        requireJsonPost(ctx);
        DashboardSessions.Session s = session(ctx);
        String raw = ctx.body();
        if (raw.length() > MAX_CALL_CHARS) {
            throw MeshException.invalidInput("the request is " + raw.length() + " characters; the dashboard takes at most "
                    + MAX_CALL_CHARS);
        }
        ObjectNode body = Json.parseObject(raw, "the request");
        String action = ApiRoutes.text(body, "action", "", true);
        if (!OFFERED.contains(action)) {
            throw MeshException.invalidInput("the dashboard does not offer action '" + Texts.quote(action, 60) + "'; it offers "
                    + String.join(", ", new java.util.TreeSet<>(OFFERED)));
        }
        JsonNode given = body.get("args");
        if (given != null && !given.isNull() && !given.isObject()) {
            throw MeshException.invalidInput("args must be a JSON object, not " + Texts.oneLine(given.toString(), 80));
        }
        ObjectNode args = given instanceof ObjectNode o ? o.deepCopy() : Json.MAPPER.createObjectNode();
        if (args.has("action")) {
            throw MeshException.invalidInput("args must not hold an 'action': name it beside args");
        }
        args.put("action", action);
        Caller caller = caller(s);
        ApiResult r;
        try {
            r = supervisor.project(s.human().project()).call(caller, args);
        } catch (MeshException e) {
            if (DashboardState.unknownAction(e, action)) {
                throw MeshException.invalidInput(action + " is not available on this supervisor yet");
            }
            throw e;
        }
        ctx.contentType("application/json").result(r.toJson(caller.agent()).toString());
    }

    /** Refuses a POST that a browser would not send from this page: no Origin, or not JSON. */
    private static void requireJsonPost(Context ctx) {
        if (ctx.header("Origin") == null) {
            throw MeshException.invalidInput("a dashboard POST must carry an Origin header (browsers send it)");
        }
        String type = ctx.header("Content-Type");
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            throw MeshException.invalidInput("a dashboard POST must be application/json, not " + Texts.quote(String.valueOf(type), 60));
        }
    }

    private static void secure(Context ctx) {
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("Cache-Control", "no-store");
        ctx.header("X-Frame-Options", "DENY");
    }

    private void refused(Context ctx, int status, String message) {
        secure(ctx);
        if (ctx.path().startsWith("/dashboard/api/") || ctx.path().equals("/dashboard/events") || ctx.path().equals("/dashboard/logout")) {
            ObjectNode o = Json.MAPPER.createObjectNode();
            o.putObject("error").put("kind", status == 401 ? "unauthorized" : "forbidden").put("message", message);
            ctx.status(status).contentType("application/json").result(o.toString());
            return;
        }
        page(ctx, status, status == 401 ? "Login needed" : "Refused", message.substring(0, 1).toUpperCase(java.util.Locale.ROOT)
                + message.substring(1) + ".");
    }

    /** Answers a small page of its own (no script) with {@code status}, {@code title} and an escaped message. */
    private static void page(Context ctx, int status, String title, String message) {
        ctx.status(status).html("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>agentmesh: "
                + html(title) + "</title></head>"
                + "<body class=\"refusal\"><main><h1>" + html(title) + "</h1><p id=\"why\">" + html(message) + "</p>"
                + "<p><code>mesh dashboard</code> prints a new login link and opens it.</p></main></body></html>");
    }

    /** @return {@code s} with the five HTML special characters escaped */
    static String html(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
