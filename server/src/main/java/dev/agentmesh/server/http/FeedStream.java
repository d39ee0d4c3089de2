package dev.agentmesh.server.http;

import dev.agentmesh.MeshException;
import dev.agentmesh.Texts;
import dev.agentmesh.api.Json;
import dev.agentmesh.api.LocalMeshApi;
import dev.agentmesh.api.Wire;
import dev.agentmesh.mesh.FeedEvent;
import io.javalin.http.sse.SseClient;
import dev.agentmesh.server.Supervisor;

import java.util.List;

/**
 * {@code GET /api/v1/feed?project=ROOT&after=ID}: a Server-Sent Events stream of the project's feed as it commits
 * ({@code mesh feed --follow}). Events: {@code ready} once, then {@code feed} per event (the feed id as SSE id, a
 * {@link Wire.FeedEventWire} as data) starting after {@code after} (default: only new events), and
 * {@code error} ({@code {"message"}}) before it closes a stream it cannot serve.
 */
final class FeedStream {
    private static final int BATCH = 500;

    private final Supervisor supervisor;

    FeedStream(Supervisor supervisor) {
        this.supervisor = supervisor;
    }

    void open(SseClient client) {
        LocalMeshApi api;
        long after;
        try {
            api = supervisor.project(client.ctx().queryParam("project"));
            String a = client.ctx().queryParam("after");
            after = a == null ? latestId(api) : parse(a);
        } catch (MeshException e) {
            client.sendEvent("error", Json.MAPPER.createObjectNode().put("message", Texts.firstLine(e.getMessage())).toString());
            client.close();
            return;
        }
        Streams.serve(client, supervisor, api.mesh().feed().topic(), Json.MAPPER.createObjectNode().put("after", after).toString(),
                after, last -> {
                    long cursor = last;
                    List<FeedEvent> events;
                    do {
                        events = api.mesh().feed().after(cursor, BATCH);
                        for (FeedEvent e : events) {
                            client.sendEvent("feed", Json.MAPPER.writeValueAsString(Wire.FeedEventWire.of(e)), Long.toString(e.id()));
                            cursor = e.id();
                        }
                    } while (events.size() == BATCH && !client.terminated());
                    return cursor;
                }, null);
    }

    private static long latestId(LocalMeshApi api) {
        List<FeedEvent> last = api.mesh().feed().latest(1);
        return last.isEmpty() ? 0 : last.getFirst().id();
    }

    private static long parse(String a) {
        try {
            long v = Long.parseLong(a);
            if (v >= 0) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // named below
        }
        throw MeshException.invalidInput("after '" + Texts.quote(a, 40) + "' must be a feed id, 0 or more");
    }
}
