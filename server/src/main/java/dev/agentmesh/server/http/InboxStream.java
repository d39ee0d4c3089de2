package dev.agentmesh.server.http;

import dev.agentmesh.MeshException;
import dev.agentmesh.Texts;
import dev.agentmesh.api.Json;
import dev.agentmesh.api.LocalMeshApi;
import dev.agentmesh.api.Wire;
import dev.agentmesh.mesh.Agent;
import dev.agentmesh.mesh.Message;
import dev.agentmesh.server.Supervisor;
import dev.agentmesh.store.Notifier;
import io.javalin.http.sse.SseClient;

import java.util.List;

/**
 * {@code GET /api/v1/events?project=ROOT&agent=NAME} with the agent's token ({@code X-Mesh-Token}, or
 * {@code &token=}): a Server-Sent Events stream of the messages for one agent,
 * pushed as they commit (woken by the store's {@link Notifier}, no polling). While the stream is open it holds the
 * agent's heartbeat lease ({@link dev.agentmesh.server.Connections}).
 *
 * <p>Events: {@code ready} once ({@code {"agent": NAME}}); {@code message} per message, with the message id as
 * the SSE id and a {@link Wire.MessageWire} as data, oldest first, starting with those already waiting; a comment
 * every {@value Streams#KEEP_ALIVE_S} s while idle; {@code error} ({@code {"message"}}) before the server closes a stream
 * it cannot serve (unknown project or agent). A message stays pending until the client acknowledges it
 * ({@code inbox.ack} with its id, once the agent has it), and a new stream pushes every pending one again:
 * delivery is at-least-once across a crash of the client, which drops the ids it has seen.
 */
final class InboxStream {
    private static final int BATCH = 100;

    private final Supervisor supervisor;

    InboxStream(Supervisor supervisor) {
        this.supervisor = supervisor;
    }

    void open(SseClient client) {
        String agentName = client.ctx().queryParam("agent");
        LocalMeshApi api;
        Agent agent;
        try {
            api = supervisor.project(client.ctx().queryParam("project"));
            agent = api.mesh().presence().whois(agentName);
            // only the agent itself reads its inbox: the token its join returned
            String token = client.ctx().header("X-Mesh-Token");
            api.mesh().presence().authenticate(agent.name(), token != null ? token : client.ctx().queryParam("token"));
        } catch (MeshException e) {
            client.sendEvent("error", Json.MAPPER.createObjectNode().put("message", Texts.firstLine(e.getMessage())).toString());
            client.close();
            return;
        }
        Streams.serve(client, supervisor, Notifier.inbox(agent.id()),
                Json.MAPPER.createObjectNode().put("agent", agent.name()).toString(), 0, last -> push(client, api, agent, last),
                supervisor.connections().open(client.ctx().queryParam("project"), agent::name));
    }

    /** Sends the messages after {@code last} that still wait (unacknowledged); @return the last id sent. */
    private static long push(SseClient client, LocalMeshApi api, Agent agent, long last) {
        while (true) {
            List<Message> pending = api.mesh().messenger().pendingAfter(agent, last, BATCH);
            for (Message m : pending) {
                client.sendEvent("message", Json.MAPPER.writeValueAsString(Wire.MessageWire.of(m)), Long.toString(m.id()));
                last = m.id();
            }
            if (pending.size() < BATCH || client.terminated()) {
                return last;
            }
        }
    }
}
