package dev.agentmesh.cli.client;

import dev.agentmesh.MeshException;
import dev.agentmesh.api.ApiResult;
import dev.agentmesh.api.Caller;
import dev.agentmesh.api.Json;
import dev.agentmesh.api.MeshApi;
import dev.agentmesh.server.RunFile;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.HttpURLConnection;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@link MeshApi} through a running supervisor ({@code POST /api/v1/call}): the same actions, texts and data as
 * in-process, and the same {@link MeshException} kinds (so exit codes and one-line messages do not change). An
 * answer is waited for up to {@link #TIMEOUT}, that of an {@code agent_team} action ({@code team.*}) up to
 * {@link #TEAM_TIMEOUT}, since a run_status wait alone takes up to 60 s. Thread-safe.
 */
public final class RemoteMeshApi implements MeshApi {
    static {
        // a POST whose kept-alive connection broke is not sent again behind our back: post() decides what is safe
        System.setProperty("sun.net.http.retryPost", "false");
    }

    /** Longest wait for one answer; a call waits at most this long for the store. */
    static final Duration TIMEOUT = Duration.ofSeconds(60);
    /**
     * Longest wait for the answer of an {@code agent_team} action ({@code team.*}): a {@code team.run_status} waits up
     * to 60 s ({@code waitSeconds}) before it answers, and a start launches processes.
     */
    static final Duration TEAM_TIMEOUT = Duration.ofSeconds(90);
    /** How long a waiting orchestrator action may take: its wait (at most 600 s, seeds/004) and the call around it. */
    static final Duration WAIT_TIMEOUT = Duration.ofSeconds(660);
    private static final java.util.Set<String> WAITS = java.util.Set.of("wait_on_ack", "ask_many", "job_result");

    private volatile RunFile server;
    private final Path projectRoot;
    private final java.util.function.Supplier<RunFile> restart;
    /**
     * The client of the event streams, built on first use: building a {@code java.net.http} client sets up TLS,
     * which costs a short command about a fifth of its time, so plain calls go through {@link HttpURLConnection}.
     */
    private volatile HttpClient streams;

    /**
     * @param server      where the supervisor runs, and its secret
     * @param projectRoot the project every call is about
     */
    public RemoteMeshApi(RunFile server, Path projectRoot) {
        this(server, projectRoot, null);
    }

    /**
     * @param restart finds or starts the supervisor again when this one stops answering (it stopped when idle,
     *                or was killed); a call is then sent once more, or null to fail at once
     */
    public RemoteMeshApi(RunFile server, Path projectRoot, java.util.function.Supplier<RunFile> restart) {
        this.server = server;
        this.projectRoot = projectRoot;
        this.restart = restart;
    }

    /** @return the supervisor this client talks to */
    public RunFile server() {
        return server;
    }

    @Override
    public ApiResult call(Caller caller, JsonNode args) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.putObject("caller").put("project", projectRoot.toString()).put("cwd", caller.cwd().toString())
                .put("agent", caller.agent()).put("pid", caller.pid()).put("runtime", caller.runtime())
                .put("model", caller.model()).put("token", caller.token());
        JsonNode key = args.path("idempotencyKey");
        if ("send".equals(args.path("action").asString(null)) && args instanceof ObjectNode o
                && (key.isMissingNode() || key.isNull() || (key.isString() && key.asString().isBlank()))) {
            // a send the supervisor may have committed before it died unanswered is sent again under the same key
            o = o.deepCopy();
            o.put("idempotencyKey", "auto-" + java.util.UUID.randomUUID());
            args = o;
        }
        body.set("args", args);
        boolean repeatable = "send".equals(args.path("action").asString(null)) && args.path("idempotencyKey").isString();
        JsonNode answer = post("/api/v1/call", body.toString(), repeatable, true, timeout(args));
        if (answer.hasNonNull("token")) {
            caller.token(answer.get("token").asString());
        }
        if (answer.hasNonNull("agent")) {
            caller.agent(answer.get("agent").asString());
        }
        return new ApiResult(answer.path("text").asString(), answer.path("data"));
    }

    /**
     * Follows the project's feed ({@code GET /api/v1/feed}) until the stream ends or the thread is interrupted,
     * handing each event ({@link dev.agentmesh.api.Wire.FeedEventWire} as JSON) to {@code onEvent} as it commits.
     *
     * @param after the id of the last event already shown; events after it follow
     * @throws MeshException (unexpected state) if the supervisor cannot be reached or refuses the stream
     */
    public void followFeed(long after, java.util.function.Consumer<JsonNode> onEvent) {
        try {
            stream("/api/v1/feed?project=" + encode(projectRoot.toString()) + "&after=" + after, null, "feed", onEvent);
        } catch (IOException e) {
            throw MeshException.unexpectedState("the feed stream of " + server.url() + " ended: " + e.getMessage());
        }
    }

    /**
     * Follows an agent's event stream ({@code GET /api/v1/events}) until the thread is interrupted: every message
     * still waiting for the agent, then each new one as it commits, handed to {@code onMessage}
     * ({@link dev.agentmesh.api.Wire.MessageWire} as JSON). When the stream breaks (the supervisor was killed or
     * stopped) it connects again, through the {@code restart} of this client, every 250 ms until one answers; the
     * new stream pushes every message not yet acknowledged again, so {@code onMessage} sees a message more than
     * once unless the caller acknowledges it ({@code inbox.ack}) and drops ids it has seen.
     *
     * @param caller the agent, with its token
     * @throws MeshException (invalid input) when the supervisor refuses the agent (unknown, wrong token);
     *                       (unexpected state) when the stream breaks and this client has no {@code restart}
     */
    public void followInbox(Caller caller, java.util.function.Consumer<JsonNode> onMessage) {
        String path = "/api/v1/events?project=" + encode(projectRoot.toString()) + "&agent=" + encode(caller.agent());
        while (!Thread.currentThread().isInterrupted()) {
            try {
                stream(path, caller.token(), "message", onMessage);
            } catch (IOException e) {
                if (restart == null) {
                    throw MeshException.unexpectedState("the event stream of " + server.url() + " ended: " + e.getMessage());
                }
            }
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
            try {
                Thread.sleep(250);
                if (restart != null && !healthy()) {
                    server = restart.get();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (MeshException e) {
                // no supervisor yet: try again after the pause
            }
        }
    }

    /**
     * @return how long to wait for the answer to {@code args}: {@link #WAIT_TIMEOUT} for the waiting orchestrator actions,
     *         {@link #TEAM_TIMEOUT} for a {@code team.*} action, else {@link #TIMEOUT}
     */
    static Duration timeout(JsonNode args) {
        String action = args.path("action").asString("");
        return WAITS.contains(action) ? WAIT_TIMEOUT : action.startsWith("team.") ? TEAM_TIMEOUT : TIMEOUT;
    }

    /** Reads a Server-Sent Events stream, handing the data of each {@code kind} event to {@code onData}. */
    private void stream(String path, String token, String kind, java.util.function.Consumer<JsonNode> onData) throws IOException {
        stream(path, token, (event, data) -> {
            if (event.equals(kind)) {
                onData.accept(data);
            }
        });
    }

    /**
     * Reads a Server-Sent Events stream until it ends, handing each event's name and data to {@code onEvent}; an
     * {@code error} event is thrown as invalid input with its message.
     */
    private void stream(String path, String token, java.util.function.BiConsumer<String, JsonNode> onEvent) throws IOException {
        HttpRequest.Builder b = request(path).header("Accept", "text/event-stream").GET();
        if (token != null) {
            b.header("X-Mesh-Token", token);
        }
        try {
            HttpResponse<java.util.stream.Stream<String>> r = streams().send(b.build(), HttpResponse.BodyHandlers.ofLines());
            if (r.statusCode() != 200) {
                throw MeshException.unexpectedState("the supervisor refused the stream " + path.substring(0, path.indexOf('?'))
                        + ": HTTP " + r.statusCode());
            }
            String[] event = {""};
            try (java.util.stream.Stream<String> lines = r.body()) {
                lines.forEach(line -> {
                    if (line.startsWith("event:")) {
                        event[0] = line.substring(6).strip();
                    } else if (line.startsWith("data:")) {
                        JsonNode data = Json.MAPPER.readTree(line.substring(5).strip());
                        if (event[0].equals("error")) {
                            throw MeshException.invalidInput(data.path("message").asString());
                        }
                        onEvent.accept(event[0], data);
                    }
                });
            } catch (java.io.UncheckedIOException e) {
                throw e.getCause();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Starts the project's crew run in the supervisor ({@code POST /api/v1/crew/run}), or finds the one running.
     *
     * @param request the run's settings, environment and command (see the route's documentation in the server)
     * @return {@code {"attached": bool, "startedAt": MS}}
     * @throws MeshException as the supervisor refuses the request (bad settings: invalid input)
     */
    public JsonNode startCrew(ObjectNode request) {
        request.put("project", projectRoot.toString());
        return post("/api/v1/crew/run", request.toString(), false, true);
    }

    /**
     * Asks the project's running crew to stop ({@code POST /api/v1/crew/stop}); a supervisor that is gone is not
     * started again for it.
     *
     * @return whether one was running
     */
    public boolean stopCrew() {
        return post("/api/v1/crew/stop", Json.MAPPER.createObjectNode().put("project", projectRoot.toString()).toString(),
                false, false).path("stopping").asBoolean();
    }

    /**
     * Follows the project's crew run in the supervisor from its first line: each progress line to {@code onLine}
     * as the run prints it, until the run ends.
     *
     * @return the run's end: {@code {"summary", "text", "exitCode"}} or {@code {"error": {"kind", "message"}, "exitCode"}}
     * @throws MeshException (unexpected state) when the supervisor stopped before the run ended
     */
    public JsonNode followCrew(java.util.function.Consumer<String> onLine) {
        JsonNode[] end = {null};
        try {
            stream("/api/v1/crew/events?project=" + encode(projectRoot.toString()) + "&from=0", null, (event, data) -> {
                if (event.equals("line")) {
                    onLine.accept(data.path("text").asString());
                } else if (event.equals("end")) {
                    end[0] = data;
                }
            });
        } catch (IOException e) {
            // the end check below says it
        }
        if (end[0] == null) {
            throw MeshException.unexpectedState("the supervisor running the crew (pid " + server.pid() + ") stopped before the run "
                    + "ended; the next one stops its agents and puts their tasks back to todo: run mesh crew run again to continue");
        }
        return end[0];
    }

    private static String encode(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }

    private HttpClient streams() {
        HttpClient c = streams;
        if (c == null) {
            synchronized (this) {
                if (streams == null) {
                    streams = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
                }
                c = streams;
            }
        }
        return c;
    }

    /** A status code and the body that came with it. */
    private record Answer(int status, String body) {
    }

    /** @return whether the supervisor answers its health check within 2 s */
    public boolean healthy() {
        try {
            return exchange("GET", "/api/v1/health", null, Duration.ofSeconds(2)).status() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * @param repeatable whether the request may be sent again after it reached a supervisor that died before it
     *                   answered (it carries an idempotency key); any request is sent again when none was reached
     * @param restarts   whether a supervisor that is gone is found or started again for this request
     */
    private JsonNode post(String path, String body, boolean repeatable, boolean restarts) {
        return post(path, body, repeatable, restarts, TIMEOUT);
    }

    /** As {@link #post(String, String, boolean, boolean)}, waiting up to {@code timeout} for the answer. */
    private JsonNode post(String path, String body, boolean repeatable, boolean restarts, Duration timeout) {
        Answer r;
        try {
            r = exchange("POST", path, body, timeout);
        } catch (IOException e) {
            // the supervisor went away (idle exit, a kill): sending again is safe when nothing reached it, or when
            // the request says so
            if (restart == null || !restarts || !(e instanceof java.net.ConnectException || repeatable)) {
                throw notAnswering(e);
            }
            server = restart.get();
            try {
                r = exchange("POST", path, body, timeout);
            } catch (IOException again) {
                throw notAnswering(again);
            }
        }
        return answer(r);
    }

    /** One request and its whole answer, on a kept-alive connection of the JDK's {@link HttpURLConnection}. */
    private Answer exchange(String method, String path, String body, Duration timeout) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(server.url() + path).toURL().openConnection(java.net.Proxy.NO_PROXY);
        c.setConnectTimeout(5_000);
        c.setReadTimeout((int) timeout.toMillis());
        c.setRequestMethod(method);
        c.setRequestProperty("Authorization", "Bearer " + server.secret());
        c.setRequestProperty("Accept", "application/json");
        if (body != null) {
            byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            c.setDoOutput(true);
            c.setFixedLengthStreamingMode(bytes.length);
            c.setRequestProperty("Content-Type", "application/json");
            try (var out = c.getOutputStream()) {
                out.write(bytes);
            }
        }
        int status = c.getResponseCode();
        java.io.InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
        try (in) {
            return new Answer(status, in == null ? "" : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    private MeshException notAnswering(IOException e) {
        return MeshException.unexpectedState("the supervisor at " + server.url() + " (pid " + server.pid()
                + ") did not answer: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
                + "; mesh serve --status tells more");
    }

    private static JsonNode answer(Answer r) {
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(r.body());
        } catch (RuntimeException e) {
            // a refusal before our routes (a proxy, a guard) may come as plain text: its status still says what it is
            json = Json.MAPPER.createObjectNode().put("title", "HTTP " + r.status() + ": " + dev.agentmesh.Texts.oneLine(r.body(), 200));
        }
        if (r.status() == 200) {
            return json;
        }
        String message = json.path("error").path("message").asString(json.path("title").asString("HTTP " + r.status()));
        throw switch (json.path("error").path("kind").asString("")) {
            case "invalid_input" -> MeshException.invalidInput(message);
            case "unexpected_state" -> MeshException.unexpectedState(message);
            default -> r.status() == 400 ? MeshException.invalidInput(message)
                    : r.status() == 409 || r.status() == 401 || r.status() == 403
                    ? MeshException.unexpectedState(message) : MeshException.internal(message, null);
        };
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(server.url() + path)).header("Authorization", "Bearer " + server.secret());
    }
}
