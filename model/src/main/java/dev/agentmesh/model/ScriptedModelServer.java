package dev.agentmesh.model;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.agentmesh.MeshException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A local model server (OpenAI Chat Completions and Responses, Anthropic Messages) that plays a {@link Script}: deterministic, zero-cost runs of real agent CLIs.
 * Serves on 127.0.0.1 only:
 * <ul>
 *   <li>{@code POST /v1/chat/completions}: streaming (SSE, {@code "stream":true}) or not;</li>
 *   <li>{@code POST /v1/messages}: Anthropic Messages, streaming (SSE events) or not, as Claude Code reads it
 *       ({@link AnthropicMessages}); {@code POST /v1/messages/count_tokens} answers an estimate;</li>
 *   <li>{@code POST /v1/responses}: OpenAI Responses, streaming or not, as Codex reads it ({@link ResponsesApi});</li>
 *   <li>{@code GET /v1/models}: one model, {@code scripted} (any model id is accepted and echoed back);</li>
 *   <li>anything else: 404 (405 for a known path with another method), as a JSON {@code error} object.</li>
 * </ul>
 *
 * <p>Playing is stateless (reference/agent-cli-protocols.md, "A scripted model server"): the last message with role
 * {@code user} selects the rule ({@link Script#ruleFor}); the number of assistant messages after it is the step to
 * play. A request without tools (title, summary) gets {@value #NO_TOOLS_TEXT} and plays no step; a step past the
 * end of the rule gets {@value #FINISHED_TEXT}; an unmatched prompt gets the script's default text and a WARN log.
 * Requests are served concurrently on virtual threads; tool call ids are unique for the server's life.
 */
public final class ScriptedModelServer implements AutoCloseable {
    /** The answer to a request that offers no tools. */
    public static final String NO_TOOLS_TEXT = "ok";
    /** The answer once every step of the matched rule has been played. */
    public static final String FINISHED_TEXT = "(script finished)";
    /** The model id {@code GET /v1/models} lists. */
    public static final String MODEL_ID = "scripted";
    /** Largest request body accepted, in bytes (413 above it). */
    public static final int MAX_BODY_BYTES = 32 * 1024 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(ScriptedModelServer.class);
    private static final String COMPLETIONS = "/v1/chat/completions";
    private static final String MODELS = "/v1/models";
    private static final String MESSAGES = "/v1/messages";
    private static final String COUNT_TOKENS = "/v1/messages/count_tokens";
    private static final String RESPONSES = "/v1/responses";
    /** How many request bodies {@link #recentRequests()} keeps. */
    public static final int RECENT_REQUESTS = 200;

    private final Script script;
    private final HttpServer http;
    private final ExecutorService executor;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong ids = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final java.util.Deque<String> recent = new java.util.concurrent.ConcurrentLinkedDeque<>();
    /** Keeps call ids of this server apart from those of an earlier server that a resumed session may hold. */
    private final String idPrefix = Long.toString(ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36, 36L * 36 * 36 * 36 * 36), 36);

    private ScriptedModelServer(Script script, HttpServer http, ExecutorService executor) {
        this.script = script;
        this.http = http;
        this.executor = executor;
    }

    /**
     * Starts a server on 127.0.0.1.
     *
     * @param script the script to play
     * @param port   the TCP port, 1..65535, or 0 for a free one (see {@link #port()})
     * @return the running server; close it to stop
     * @throws MeshException invalid input for a port outside 0..65535; unexpected state when the port is in use
     */
    public static ScriptedModelServer start(Script script, int port) {
        if (port < 0 || port > 65535) {
            throw MeshException.invalidInput("port " + port + " is out of range; give 1..65535, or 0 for a free port");
        }
        HttpServer http;
        try {
            http = HttpServer.create(new InetSocketAddress(InetAddress.getByAddress(new byte[]{127, 0, 0, 1}), port), 128);
        } catch (BindException e) {
            throw MeshException.unexpectedState("port " + port + " on 127.0.0.1 is in use; choose another port, or 0 for a free one", e);
        } catch (IOException e) {
            throw MeshException.unexpectedState("cannot listen on 127.0.0.1:" + port + ": " + e.getMessage(), e);
        }
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        ScriptedModelServer server = new ScriptedModelServer(script, http, executor);
        http.setExecutor(executor);
        http.createContext("/", server::handle);
        http.start();
        return server;
    }

    /** @return the TCP port the server listens on (the chosen one when started with port 0) */
    public int port() {
        return http.getAddress().getPort();
    }

    /** @return the OpenAI base URL clients are given: {@code http://127.0.0.1:PORT/v1} */
    public String baseUrl() {
        return "http://127.0.0.1:" + port() + "/v1";
    }

    /** @return the script this server plays */
    public Script script() {
        return script;
    }

    /**
     * @return the bodies of the last {@value #RECENT_REQUESTS} model requests (completions and messages), oldest
     *     first: what the agent was shown, for tests that check what reached the model
     */
    public List<String> recentRequests() {
        return List.copyOf(recent);
    }

    /** @return how many model requests ({@code /v1/chat/completions}, {@code /v1/messages}) arrived so far, refused ones included */
    public long requestCount() {
        return requests.get();
    }

    /** Stops listening, gives requests in flight up to 1 s to finish, then stops them. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            http.stop(1);
            executor.shutdownNow();
        }
    }

    /** @return whether a rule of the script matches {@code text} */
    private boolean answered(String text) {
        return script.ruleFor(text).isPresent();
    }

    /** Picks the answer to a request: a step of the matched rule, or one of the fixed texts. */
    Script.Answer answer(ChatRequest request, Script.Dialect dialect) {
        if (!request.hasTools()) {
            return new Script.Text(NO_TOOLS_TEXT);
        }
        Optional<Script.Rule> rule = script.ruleFor(request.prompt());
        if (rule.isEmpty()) {
            String prompt = request.prompt().replaceAll("\\s+", " ").strip();
            LOG.warn("no rule of script {} matches the prompt \"{}\"; answering with the default text", script.source(),
                    prompt.length() > 80 ? prompt.substring(0, 80) + "..." : prompt);
            return new Script.Text(script.defaultText());
        }
        var steps = rule.get().steps();
        if (request.step() >= steps.size()) {
            return new Script.Text(FINISHED_TEXT);
        }
        Script.Answer step;
        try {
            step = switch (steps.get(request.step())) {
                case Script.Action action -> action.toolCall(dialect, request.cwd());
                case Script.Answer written -> written;
            };
        } catch (IllegalStateException e) {
            LOG.warn("script {}, rule {}, step {}: {}", script.source(), script.rules().indexOf(rule.get()) + 1, request.step() + 1, e.getMessage());
            return new Script.Text("(script step " + (request.step() + 1) + " cannot be played here: " + e.getMessage() + ")");
        }
        if (step instanceof Script.ToolCall call && !request.tools().contains(call.tool())) {
            LOG.warn("script {} calls tool '{}' (rule {}, step {}), which the request does not offer; it offers {}",
                    script.source(), call.tool(), script.rules().indexOf(rule.get()) + 1, request.step() + 1, request.tools());
        }
        return step;
    }

    private void handle(HttpExchange exchange) {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (path.length() > 1 && path.endsWith("/")) {
                path = path.substring(0, path.length() - 1);
            }
            String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
            Handler post = switch (path) {
                case COMPLETIONS -> this::complete;
                case MESSAGES -> this::messages;
                case RESPONSES -> this::responses;
                default -> null;
            };
            if (post != null) {
                if (method.equals("POST")) {
                    requests.incrementAndGet();
                    post.handle(exchange);
                } else {
                    wrongMethod(exchange, "POST");
                }
                return;
            }
            switch (path) {
                case COUNT_TOKENS -> {
                    if (method.equals("POST")) {
                        byte[] bytes = exchange.getRequestBody().readNBytes(MAX_BODY_BYTES + 1);
                        sendJson(exchange, 200, Completions.JSON.createObjectNode().put("input_tokens", Completions.tokens(bytes.length)));
                    } else {
                        wrongMethod(exchange, "POST");
                    }
                }
                case MODELS -> {
                    if (method.equals("GET")) {
                        ObjectNode list = Completions.JSON.createObjectNode().put("object", "list");
                        list.putArray("data").addObject().put("id", MODEL_ID).put("object", "model").put("owned_by", "agentmesh");
                        sendJson(exchange, 200, list);
                    } else {
                        wrongMethod(exchange, "GET");
                    }
                }
                default -> sendError(exchange, 404, "not_found_error", "no route " + method + " " + path
                        + "; this server answers POST " + COMPLETIONS + ", POST " + MESSAGES + ", POST " + RESPONSES + " and GET " + MODELS);
            }
        } catch (IOException e) {
            LOG.debug("client went away: {}", e.toString());
        } catch (RuntimeException e) {
            LOG.warn("scripted model server failed on {} {}", exchange.getRequestMethod(), exchange.getRequestURI(), e);
            if (exchange.getResponseCode() == -1) {
                try {
                    sendError(exchange, 500, "server_error", "internal error: " + e);
                } catch (IOException ignored) {
                    // the client is gone; nothing left to tell it
                }
            }
        }
    }

    /** Answers one model request. */
    private interface Handler {
        void handle(HttpExchange exchange) throws IOException;
    }

    /** A request body as JSON and as what the script needs. */
    private record Parsed(JsonNode json, ChatRequest request) {
    }

    /** Reads and parses a request body; @return the request, or null once an error was sent */
    private Parsed read(HttpExchange exchange, java.util.function.BiFunction<JsonNode, Integer, ChatRequest> parse)
            throws IOException {
        byte[] bytes = exchange.getRequestBody().readNBytes(MAX_BODY_BYTES + 1);
        if (bytes.length > MAX_BODY_BYTES) {
            sendError(exchange, 413, "invalid_request_error", "the request body is over " + MAX_BODY_BYTES + " bytes");
            return null;
        }
        String body = new String(bytes, StandardCharsets.UTF_8);
        recent.addLast(body);
        while (recent.size() > RECENT_REQUESTS) {
            recent.pollFirst();
        }
        try {
            JsonNode json = Completions.JSON.readTree(body);
            return new Parsed(json, parse.apply(json, body.length()));
        } catch (JacksonException e) {
            sendError(exchange, 400, "invalid_request_error", "the request body is not valid JSON: "
                    + e.getOriginalMessage().lines().findFirst().orElse(""));
        } catch (IllegalArgumentException e) {
            sendError(exchange, 400, "invalid_request_error", e.getMessage());
        }
        return null;
    }

    /** A wire format whose answers stream as named SSE events (Anthropic Messages, OpenAI Responses). */
    interface EventWire {
        /** @return the answer as one JSON object (a request without {@code stream}) */
        ObjectNode answer(Script.Answer answer, String callId, int promptTokens);

        /** @return the answer as SSE events in order: each entry is the event name and its data */
        List<java.util.Map.Entry<String, ObjectNode>> events(Script.Answer answer, String callId, int promptTokens);
    }

    private void messages(HttpExchange exchange) throws IOException {
        play(exchange, AnthropicMessages::request, Script.Dialect.CLAUDE, "toolu_", (parsed, n) -> new AnthropicMessages("msg_" + idPrefix + "_" + n,
                parsed.request().model()));
    }

    private void responses(HttpExchange exchange) throws IOException {
        play(exchange, (body, n) -> ResponsesApi.request(body, n, this::answered), Script.Dialect.CODEX, "call_", (parsed, n) -> new ResponsesApi("resp_" + idPrefix + "_" + n,
                parsed.request().model(), ResponsesApi.namespaces(parsed.json())));
    }

    /** Reads a request of an event wire format, plays the script's step and answers it, streamed or whole. */
    private void play(HttpExchange exchange, java.util.function.BiFunction<JsonNode, Integer, ChatRequest> parse,
                      Script.Dialect dialect, String callPrefix,
                      java.util.function.BiFunction<Parsed, Long, EventWire> wire) throws IOException {
        Parsed parsed = read(exchange, parse);
        if (parsed == null) {
            return;
        }
        ChatRequest request = parsed.request();
        Script.Answer answer = answer(request, dialect);
        long n = ids.incrementAndGet();
        String callId = callPrefix + idPrefix + "_" + n;
        EventWire out = wire.apply(parsed, n);
        int promptTokens = Completions.tokens(request.bodyChars());
        if (!request.stream()) {
            sendJson(exchange, 200, out.answer(answer, callId, promptTokens));
            return;
        }
        sendEvents(startStream(exchange), out.events(answer, callId, promptTokens));
    }

    private static OutputStream startStream(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.sendResponseHeaders(200, 0);
        return exchange.getResponseBody();
    }

    private static void sendEvents(OutputStream stream, List<java.util.Map.Entry<String, ObjectNode>> events) throws IOException {
        for (var event : events) {
            stream.write(("event: " + event.getKey() + "\ndata: " + Completions.JSON.writeValueAsString(event.getValue()) + "\n\n")
                    .getBytes(StandardCharsets.UTF_8));
            stream.flush();
        }
    }

    private void complete(HttpExchange exchange) throws IOException {
        Parsed parsed = read(exchange, (body, n) -> ChatRequest.of(body, n, this::answered));
        if (parsed == null) {
            return;
        }
        ChatRequest request = parsed.request();
        Script.Answer answer = answer(request, Script.Dialect.PI);
        long n = ids.incrementAndGet();
        String callId = "call_" + idPrefix + "_" + n;
        Completions out = new Completions("chatcmpl-" + n, System.currentTimeMillis() / 1000, request.model());
        int promptTokens = Completions.tokens(request.bodyChars());
        if (!request.stream()) {
            sendJson(exchange, 200, out.completion(answer, callId, promptTokens));
            return;
        }
        OutputStream stream = startStream(exchange);
        for (ObjectNode chunk : out.chunks(answer, callId, promptTokens)) {
            stream.write(("data: " + Completions.JSON.writeValueAsString(chunk) + "\n\n").getBytes(StandardCharsets.UTF_8));
            stream.flush();
        }
        stream.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        stream.flush();
    }

    private static void wrongMethod(HttpExchange exchange, String allowed) throws IOException {
        exchange.getResponseHeaders().set("Allow", allowed);
        sendError(exchange, 405, "invalid_request_error", "use " + allowed + " for " + exchange.getRequestURI().getPath());
    }

    private static void sendError(HttpExchange exchange, int status, String type, String message) throws IOException {
        ObjectNode root = Completions.JSON.createObjectNode();
        root.putObject("error").put("message", message).put("type", type);
        sendJson(exchange, status, root);
    }

    private static void sendJson(HttpExchange exchange, int status, JsonNode json) throws IOException {
        byte[] bytes = Completions.JSON.writeValueAsBytes(json);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        if (exchange.getRequestMethod().equalsIgnoreCase("HEAD")) {
            // a client probing the server (Claude Code sends HEAD /): headers only
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
