package dev.agentmesh.server.http;

import dev.agentmesh.MeshException;
import dev.agentmesh.Texts;
import dev.agentmesh.api.ApiResult;
import dev.agentmesh.api.Caller;
import dev.agentmesh.api.Json;
import dev.agentmesh.api.LocalMeshApi;
import dev.agentmesh.server.Supervisor;
import dev.agentmesh.server.mcp.McpEndpoint;
import jakarta.servlet.DispatcherType;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.util.EnumSet;

/**
 * The supervisor's HTTP API on 127.0.0.1, version 1. Every route checks {@link RequestGuard} first (DNS-rebinding
 * protection, then the bearer secret of the run file).
 *
 * <ul>
 *   <li>{@code GET /api/v1/health}: {@code {"pid", "port", "store", "version", "startedAt"}}.</li>
 *   <li>{@code POST /api/v1/call}: body {@code {"caller": {"project", "cwd", "agent", "pid", "runtime", "model",
 *       "token"}, "args": {"action": ..., ...}}}; answers {@code 200 {"text", "data", "agent", "token"}}
 *       ({@code agent}: the caller's name after the call, changed by {@code join}/{@code rename}; {@code token}:
 *       the agent's new token after a {@code join}, which later calls as that agent must carry), or an error
 *       {@code {"error": {"kind", "message"}}} with 400 (invalid input), 409 (unexpected state) or 500.</li>
 *   <li>{@code POST /api/v1/hooks/claude}: a Claude Code hook event; see {@link ClaudeHooks}.</li>
 *   <li>{@code GET /api/v1/events?project=ROOT&agent=NAME} (SSE): see {@link InboxStream}.</li>
 *   <li>{@code GET /api/v1/feed?project=ROOT&after=ID} (SSE): see {@link FeedStream}.</li>
 *   <li>{@code POST /api/v1/crew/run}, {@code POST /api/v1/crew/stop}, {@code GET /api/v1/crew/events} (SSE): the crew
 *       runs the supervisor hosts; see {@link CrewRoutes}.</li>
 *   <li>{@code /mcp}: MCP Streamable HTTP, a servlet beside Javalin's behind the same checks: see
 *       {@link McpEndpoint}.</li>
 * </ul>
 * The body of a request is at most {@link Json#MAX_CHARS} characters, with no duplicate key.
 */
public final class ApiRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(ApiRoutes.class);

    private final Supervisor supervisor;
    private final RequestGuard guard;

    private final McpEndpoint mcp;

    /**
     * @param supervisor the services and the secret to serve
     * @param mcp        the MCP endpoint to mount on {@link McpEndpoint#PATH}, behind the same request checks
     */
    public ApiRoutes(Supervisor supervisor, McpEndpoint mcp) {
        this.supervisor = supervisor;
        this.guard = new RequestGuard(supervisor);
        this.mcp = mcp;
    }

    /** Adds the routes and the error mapping to a Javalin configuration. */
    public void register(JavalinConfig config) {
        config.http.maxRequestSize = Json.MAX_CHARS * 4L;
        config.routes.before(guard::check);
        config.jetty.modifyServletContextHandler(handler -> {
            handler.addFilter(new FilterHolder(guard), McpEndpoint.PATH, EnumSet.of(DispatcherType.REQUEST));
            ServletHolder servlet = new ServletHolder("mcp", mcp.servlet());
            servlet.setAsyncSupported(true);
            handler.addServlet(servlet, McpEndpoint.PATH);
        });
        config.routes.get("/api/v1/health", this::health);
        config.routes.post("/api/v1/call", this::call);
        config.routes.post("/api/v1/hooks/claude", new ClaudeHooks(supervisor)::handle);
        config.routes.before("/api/v1/events", ApiRoutes::requireEventStream);
        config.routes.before("/api/v1/feed", ApiRoutes::requireEventStream);
        config.routes.sse("/api/v1/events", new InboxStream(supervisor)::open);
        config.routes.sse("/api/v1/feed", new FeedStream(supervisor)::open);
        CrewRoutes crews = new CrewRoutes(supervisor);
        config.routes.post("/api/v1/crew/run", crews::run);
        config.routes.post("/api/v1/crew/stop", crews::stop);
        config.routes.before("/api/v1/crew/events", ApiRoutes::requireEventStream);
        config.routes.sse("/api/v1/crew/events", crews::events);
        new DashboardRoutes(supervisor, guard).register(config);
        config.routes.exception(MeshException.class, (e, ctx) -> error(ctx, e));
        config.routes.exception(Exception.class, (e, ctx) -> {
            LOG.warn("{} {} failed", ctx.method(), ctx.path(), e);
            error(ctx, MeshException.internal("internal error: " + Texts.firstLine(String.valueOf(e.getMessage()))
                    + " (" + e.getClass().getSimpleName() + ")", e));
        });
    }

    private static void requireEventStream(Context ctx) {
        String accept = ctx.header("Accept");
        if (accept == null || !accept.contains("text/event-stream")) {
            throw new HttpResponseException(406, ctx.path() + " is a Server-Sent Events stream: send Accept: text/event-stream");
        }
    }

    private void health(Context ctx) {
        var rf = supervisor.runFile();
        ObjectNode o = Json.MAPPER.createObjectNode().put("pid", rf.pid()).put("port", rf.port()).put("store", rf.store())
                .put("version", rf.version()).put("startedAt", rf.startedAt());
        ctx.contentType("application/json").result(o.toString());
    }

    private void call(Context ctx) {
        supervisor.touch();
        ObjectNode body = Json.parseObject(ctx.body(), "the request");
        JsonNode c = body.path("caller");
        JsonNode args = body.get("args");
        if (!c.isObject() || !(args instanceof ObjectNode)) {
            throw MeshException.invalidInput("the request needs a 'caller' object and an 'args' object");
        }
        LocalMeshApi api = supervisor.project(text(c, "project"));
        String cwd = text(c, "cwd");
        if (cwd == null || cwd.indexOf('\0') >= 0 || !Path.of(cwd).isAbsolute()) {
            throw MeshException.invalidInput("caller.cwd must be an absolute path");
        }
        Caller caller = new Caller(text(c, "agent"), Path.of(cwd),
                c.path("pid").isIntegralNumber() ? c.path("pid").asLong() : null, text(c, "runtime"), text(c, "model"))
                .token(text(c, "token"));
        String before = caller.token();
        ApiResult r = api.call(caller, args);
        ObjectNode answer = r.toJson(caller.agent());
        if (caller.token() != null && !caller.token().equals(before)) {
            answer.put("token", caller.token());
        }
        ctx.contentType("application/json").result(answer.toString());
    }

    private static String text(JsonNode o, String key) {
        return text(o, key, "caller.", false);
    }

    /**
     * @param prefix how the error names the object holding {@code key} ({@code "caller."}, or "")
     * @return the string at {@code key}, or null when it is absent or null and not {@code required}
     * @throws MeshException (invalid input) naming the key, for a value that is not a string or a missing required one
     */
    static String text(JsonNode o, String key, String prefix, boolean required) {
        JsonNode v = o.get(key);
        if (v == null || v.isNull()) {
            if (required) {
                throw MeshException.invalidInput("the request needs '" + prefix + key + "'");
            }
            return null;
        }
        if (!v.isString()) {
            throw MeshException.invalidInput(prefix + key + " must be a string, not " + Texts.oneLine(v.toString(), 80));
        }
        return v.asString();
    }

    /** Writes {@code e} as {@code {"error": {"kind", "message"}}} with its HTTP status. */
    static void error(Context ctx, MeshException e) {
        int status = switch (e.kind()) {
            case INVALID_INPUT -> 400;
            case UNEXPECTED_STATE -> 409;
            case INTERNAL -> 500;
        };
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.putObject("error").put("kind", e.kind().name().toLowerCase(java.util.Locale.ROOT))
                .put("message", Texts.firstLine(e.getMessage()));
        ctx.status(status).contentType("application/json").result(o.toString());
    }
}
