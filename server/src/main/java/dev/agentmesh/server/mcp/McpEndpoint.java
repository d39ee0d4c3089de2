package dev.agentmesh.server.mcp;

import dev.agentmesh.MeshException;
import dev.agentmesh.api.ApiResult;
import dev.agentmesh.api.Caller;
import dev.agentmesh.api.Json;
import dev.agentmesh.api.LocalMeshApi;
import dev.agentmesh.project.Project;
import dev.agentmesh.server.Connections;
import dev.agentmesh.server.Supervisor;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema.ServerCapabilities;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code /mcp} of the supervisor: MCP Streamable HTTP (official MCP Java SDK) with the {@code pi_messenger} and
 * {@code agent_team} tools ({@link PiMessengerTool}, {@link AgentTeamTool}), each MCP session bound to one agent.
 *
 * <p>A client names its project, and may name its agent and process, with headers or query parameters, read
 * when the session makes its first call: {@code X-Mesh-Project} / {@code ?project=} (an absolute folder; its git
 * root is the project; required), {@code X-Mesh-Agent} / {@code ?agent=} with its token {@code X-Mesh-Token}
 * (else the session joins with {@code join}, and keeps the token it returns), {@code X-Mesh-Pid}, {@code X-Mesh-Runtime} (default {@code mcp}) and {@code X-Mesh-Model}.
 * {@code join} and {@code rename} in a session carry over to its later calls; calls of one session run one at a
 * time. While a session is connected it holds its agent's heartbeat lease: while its {@code GET} stream is open,
 * or, for a client that never opened one, until {@link #REQUEST_WINDOW} after its last request; so an agent
 * whose client was killed is gone once the lease runs out; a call being answered (an {@code agent_team} wait of up to
 * 60 s) counts as connected too, and its end as a request. A {@code DELETE} ends the session. Requests pass the same Host, Origin and
 * secret checks as the rest of the API (see {@code RequestGuard}), bodies are limited to
 * {@value #MAX_REQUEST_BYTES} bytes, and a malformed frame gets a JSON-RPC error without ending the session.
 */
public final class McpEndpoint {
    /** The path it is served on. */
    public static final String PATH = "/mcp";
    /** The largest request body it reads, in bytes. */
    public static final int MAX_REQUEST_BYTES = Json.MAX_CHARS * 4;
    /** How long after its last request a session without an open stream still counts as connected. */
    public static final Duration REQUEST_WINDOW = Duration.ofSeconds(60);
    private static final String SESSION_HEADER = "Mcp-Session-Id";

    private final Supervisor supervisor;
    private final HttpServletStreamableServerTransportProvider transport;
    private final McpSyncServer server;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();

    /** One MCP session's caller, its lease and how it is connected. */
    private static final class Session {
        final Caller caller;
        final LocalMeshApi api;
        final String problem;
        final AtomicInteger openStreams = new AtomicInteger();
        /** Calls being answered: a long one (an agent_team run_status wait) keeps the session connected. */
        final AtomicInteger calls = new AtomicInteger();
        volatile boolean streamed;
        volatile long lastRequest = System.currentTimeMillis();
        AutoCloseable lease;

        Session(Caller caller, LocalMeshApi api, String problem) {
            this.caller = caller;
            this.api = api;
            this.problem = problem;
        }

        boolean connected() {
            if (calls.get() > 0) {
                return true;
            }
            if (streamed) {
                return openStreams.get() > 0;
            }
            return System.currentTimeMillis() - lastRequest < REQUEST_WINDOW.toMillis();
        }
    }

    /**
     * @param supervisor whose projects it serves
     * @param version    the server version reported on initialize
     */
    public McpEndpoint(Supervisor supervisor, String version) {
        this.supervisor = supervisor;
        McpJsonMapper mapper = new JacksonMcpJsonMapper(JsonMapper.builder().build());
        this.transport = HttpServletStreamableServerTransportProvider.builder()
                .jsonMapper(mapper)
                .mcpEndpoint(PATH)
                .maxRequestSize(MAX_REQUEST_BYTES)
                .keepAliveInterval(Duration.ofSeconds(15))
                .contextExtractor(McpEndpoint::context)
                .build();
        this.server = McpServer.sync(transport)
                .serverInfo("agentmesh", version)
                .capabilities(ServerCapabilities.builder().tools(false).logging().build())
                .validateToolInputs(false)
                .immediateExecution(true)
                .tools(java.util.stream.Stream.concat(java.util.stream.Stream.of(PiMessengerTool.specification(mapper, this::call),
                        AgentTeamTool.specification(mapper, this::call)), OrchestratorTool.specifications(mapper, this::call).stream()).toList())
                .build();
    }

    /** @return the servlet to mount on {@link #PATH}; it needs async support */
    public HttpServlet servlet() {
        return new HttpServlet() {
            @Override
            public void init(ServletConfig config) throws ServletException {
                super.init(config);
                transport.init(config);
            }

            @Override
            protected void service(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
                handle(req, resp);
            }
        };
    }

    /** Ends every session and stops the server; idempotent. */
    public void close() {
        sessions.values().forEach(McpEndpoint::release);
        sessions.clear();
        server.close();
    }

    /**
     * Forgets sessions that have not been connected for {@code idle} (their client went away without a
     * {@code DELETE}); their agents' leases have run out long before.
     *
     * @return how many it forgot
     */
    public int sweep(Duration idle) {
        long before = System.currentTimeMillis() - idle.toMillis();
        int[] n = {0};
        sessions.entrySet().removeIf(e -> {
            Session s = e.getValue();
            boolean stale = s.openStreams.get() == 0 && s.calls.get() == 0 && s.lastRequest < before;
            if (stale) {
                release(s);
                n[0]++;
            }
            return stale;
        });
        return n[0];
    }

    private void handle(HttpServletRequest request, HttpServletResponse resp) throws ServletException, IOException {
        supervisor.touch();
        HttpServletRequest req = request;
        String id = req.getHeader(SESSION_HEADER);
        Session s = id == null ? null : sessions.get(id);
        if (s != null) {
            s.lastRequest = System.currentTimeMillis();
        }
        if ("DELETE".equals(req.getMethod()) && id != null) {
            Session gone = sessions.remove(id);
            if (gone != null) {
                release(gone);
            }
        }
        if ("POST".equals(req.getMethod())) {
            byte[] body = readBounded(req);
            McpFrames.Refusal refusal = McpFrames.check(body);
            if (refusal != null) {
                resp.setStatus(refusal.status());
                resp.setContentType("application/json");
                resp.setCharacterEncoding("UTF-8");
                resp.getWriter().write(refusal.response().toString());
                return;
            }
            req = new Replayed(req, body);
        }
        boolean stream = "GET".equals(req.getMethod()) && s != null;
        if (stream) {
            s.openStreams.incrementAndGet();
            s.streamed = true;
            // an open stream keeps an auto-started supervisor from its idle exit, as an event stream does
            supervisor.streams(1);
        }
        try {
            transport.service(req, resp);
        } finally {
            if (stream) {
                if (req.isAsyncStarted()) {
                    req.getAsyncContext().addListener(new StreamEnd(s, supervisor));
                } else {
                    s.openStreams.decrementAndGet();
                    supervisor.streams(-1);
                }
            }
        }
        // an initialize answered: the session starts here, bound to what its headers say
        String created = id == null ? resp.getHeader(SESSION_HEADER) : null;
        if (created != null && !sessions.containsKey(created)) {
            McpTransportContext ctx = context(request);
            sessions.computeIfAbsent(created, k -> open(ctx));
        }
    }

    private ApiResult call(McpSyncServerExchange exchange, JsonNode args) {
        Session s = sessions.computeIfAbsent(exchange.sessionId(), k -> open(exchange.transportContext()));
        s.lastRequest = System.currentTimeMillis();
        if (s.problem != null) {
            throw MeshException.invalidInput(s.problem);
        }
        s.calls.incrementAndGet();
        try {
            synchronized (s) {
                String before = s.caller.agent();
                ApiResult r = s.api.call(s.caller, args);
                String after = s.caller.agent();
                if (after != null && !after.equals(before)) {
                    // joined or renamed: the lease starts now, not at the next renewal
                    s.api.mesh().presence().renewLeases(java.util.List.of(after), Connections.LEASE_TTL);
                }
                return r;
            }
        } finally {
            s.calls.decrementAndGet();
            s.lastRequest = System.currentTimeMillis();
        }
    }

    /** @return the session the context describes, or one whose calls all fail with the context's problem */
    private Session open(McpTransportContext ctx) {
        try {
            return openOrThrow(ctx);
        } catch (MeshException e) {
            return new Session(null, null, dev.agentmesh.Texts.firstLine(e.getMessage()));
        }
    }

    private Session openOrThrow(McpTransportContext ctx) {
        String project = (String) ctx.get("project");
        if (project == null || project.isBlank()) {
            throw MeshException.invalidInput("this MCP session has no project: connect to " + PATH
                    + "?project=/absolute/folder or send the header X-Mesh-Project");
        }
        if (project.indexOf('\0') >= 0 || !Path.of(project).isAbsolute()) {
            throw MeshException.invalidInput("project '" + project + "' must be an absolute folder path");
        }
        String root = Project.locate(Path.of(project)).root().toString();
        LocalMeshApi api = supervisor.project(root);
        String pid = (String) ctx.get("pid");
        Long pidValue;
        try {
            pidValue = pid == null || pid.isBlank() ? null : Long.parseLong(pid.strip());
        } catch (NumberFormatException e) {
            throw MeshException.invalidInput("X-Mesh-Pid '" + pid + "' is not a process id");
        }
        String runtime = (String) ctx.get("runtime");
        Caller caller = new Caller((String) ctx.get("agent"), Path.of(project), pidValue,
                runtime == null ? "mcp" : runtime, (String) ctx.get("model")).token((String) ctx.get("token"));
        Session s = new Session(caller, api, null);
        s.lease = supervisor.connections().open(root, () -> s.connected() ? s.caller.agent() : null);
        return s;
    }

    private static void release(Session s) {
        try {
            if (s.lease != null) {
                s.lease.close();
            }
        } catch (Exception ignored) {
            // closing a connection record cannot fail
        }
    }

    private static McpTransportContext context(HttpServletRequest req) {
        Map<String, Object> m = new HashMap<>();
        for (String key : new String[]{"project", "agent", "token", "pid", "runtime", "model"}) {
            String v = req.getHeader("X-Mesh-" + Character.toUpperCase(key.charAt(0)) + key.substring(1));
            if (v == null) {
                v = req.getParameter(key);
            }
            if (v != null && !v.isBlank()) {
                m.put(key, v); // a blank header is no header (Codex sends one for an unset variable)
            }
        }
        return McpTransportContext.create(m);
    }

    /** @return the body, or its first {@code MAX_REQUEST_BYTES + 1} bytes when it is longer (refused then) */
    private static byte[] readBounded(HttpServletRequest req) throws IOException {
        long declared = req.getContentLengthLong();
        if (declared > MAX_REQUEST_BYTES) {
            return new byte[MAX_REQUEST_BYTES + 1];
        }
        try (var in = req.getInputStream()) {
            return in.readNBytes(MAX_REQUEST_BYTES + 1);
        }
    }

    /** A request whose body was read already, handed on with that body. */
    private static final class Replayed extends HttpServletRequestWrapper {
        private final byte[] body;

        Replayed(HttpServletRequest req, byte[] body) {
            super(req);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new IllegalStateException("the body was read already");
                }

                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            return new BufferedReader(new InputStreamReader(new ByteArrayInputStream(body), StandardCharsets.UTF_8));
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }
    }

    /** Counts a GET stream closed when its async request completes, times out or fails. */
    private record StreamEnd(Session s, Supervisor supervisor) implements AsyncListener {
        @Override
        public void onComplete(AsyncEvent event) {
            s.openStreams.decrementAndGet();
            supervisor.streams(-1);
        }

        @Override
        public void onTimeout(AsyncEvent event) {
        }

        @Override
        public void onError(AsyncEvent event) {
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
        }
    }
}
