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
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@link MeshApi} through a running supervisor ({@code POST /api/v1/call}): the same actions, texts and data as
 * in-process, and the same {@link MeshException} kinds (so exit codes and one-line messages do not change).
 * Thread-safe.
 */
public final class RemoteMeshApi implements MeshApi {
    /** Longest wait for one answer; a call waits at most this long for the store. */
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    private volatile RunFile server;
    private final Path projectRoot;
    private final java.util.function.Supplier<RunFile> restart;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

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
        body.set("args", args);
        JsonNode answer = post("/api/v1/call", body.toString());
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
        HttpRequest req = request("/api/v1/feed?project=" + java.net.URLEncoder.encode(projectRoot.toString(),
                java.nio.charset.StandardCharsets.UTF_8) + "&after=" + after).header("Accept", "text/event-stream").GET().build();
        try {
            HttpResponse<java.util.stream.Stream<String>> r = http.send(req, HttpResponse.BodyHandlers.ofLines());
            if (r.statusCode() != 200) {
                throw MeshException.unexpectedState("the supervisor refused the feed stream: HTTP " + r.statusCode());
            }
            String[] event = {""};
            r.body().forEach(line -> {
                if (line.startsWith("event:")) {
                    event[0] = line.substring(6).strip();
                } else if (line.startsWith("data:")) {
                    JsonNode data = Json.MAPPER.readTree(line.substring(5).strip());
                    if (event[0].equals("error")) {
                        throw MeshException.invalidInput(data.path("message").asString());
                    }
                    if (event[0].equals("feed")) {
                        onEvent.accept(data);
                    }
                }
            });
        } catch (IOException e) {
            throw MeshException.unexpectedState("the feed stream of " + server.url() + " ended: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** @return whether the supervisor answers its health check within 2 s */
    public boolean healthy() {
        try {
            HttpResponse<String> r = http.send(request("/api/v1/health").timeout(Duration.ofSeconds(2)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private JsonNode post(String path, String body) {
        HttpResponse<String> r;
        try {
            r = send(path, body);
        } catch (java.net.ConnectException e) {
            if (restart == null) {
                throw notAnswering(e);
            }
            // the supervisor went away (idle exit, a kill): nothing was sent, so sending again is safe
            server = restart.get();
            try {
                r = send(path, body);
            } catch (IOException again) {
                throw notAnswering(again);
            } catch (InterruptedException again) {
                Thread.currentThread().interrupt();
                throw MeshException.unexpectedState("interrupted while waiting for the supervisor");
            }
        } catch (IOException e) {
            throw notAnswering(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw MeshException.unexpectedState("interrupted while waiting for the supervisor");
        }
        return answer(r);
    }

    private HttpResponse<String> send(String path, String body) throws IOException, InterruptedException {
        return http.send(request(path).timeout(TIMEOUT).header("Content-Type", "application/json")
                .header("Accept", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private MeshException notAnswering(IOException e) {
        return MeshException.unexpectedState("the supervisor at " + server.url() + " (pid " + server.pid()
                + ") did not answer: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
                + "; mesh serve --status tells more");
    }

    private static JsonNode answer(HttpResponse<String> r) {
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(r.body());
        } catch (RuntimeException e) {
            // a refusal before our routes (a proxy, a guard) may come as plain text: its status still says what it is
            json = Json.MAPPER.createObjectNode().put("title", "HTTP " + r.statusCode() + ": " + dev.agentmesh.Texts.oneLine(r.body(), 200));
        }
        if (r.statusCode() == 200) {
            return json;
        }
        String message = json.path("error").path("message").asString(json.path("title").asString("HTTP " + r.statusCode()));
        throw switch (json.path("error").path("kind").asString("")) {
            case "invalid_input" -> MeshException.invalidInput(message);
            case "unexpected_state" -> MeshException.unexpectedState(message);
            default -> r.statusCode() == 400 ? MeshException.invalidInput(message)
                    : r.statusCode() == 409 || r.statusCode() == 401 || r.statusCode() == 403
                    ? MeshException.unexpectedState(message) : MeshException.internal(message, null);
        };
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(server.url() + path)).header("Authorization", "Bearer " + server.secret());
    }
}
