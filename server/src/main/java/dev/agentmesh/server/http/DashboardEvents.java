package dev.agentmesh.server.http;

import dev.agentmesh.MeshException;
import dev.agentmesh.Texts;
import dev.agentmesh.api.Json;
import dev.agentmesh.api.LocalMeshApi;
import dev.agentmesh.mesh.Agent;
import dev.agentmesh.server.Supervisor;
import dev.agentmesh.store.Notifier;
import io.javalin.http.sse.SseClient;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code GET /dashboard/events} (SSE, with the dashboard's session cookie): tells the page what changed, so it
 * fetches a new snapshot ({@link DashboardState}); it carries no data of its own. Events: {@code ready} once
 * ({@code {"agent": NAME}}); {@code changed} with data {@code "feed"} when the project's feed grows (every message,
 * task change, join, ask, job transition appends to it) or {@code "inbox"} when a message for the human commits,
 * woken by the store's {@link Notifier} (topics {@code feed:<project>} and {@code inbox:<agentId>}), never by
 * polling; a burst of commits between two wake-ups costs one event per area. {@code tick} every
 * {@value Streams#KEEP_ALIVE_S} s while idle (the page refreshes on it only while agents or team runs are working,
 * whose token counts change without a feed event; it is also how the stream learns that its page is gone);
 * {@code ended} ({@code {"message"}}) before it closes when the session ended or the participant is unknown. While
 * the stream is open it holds the human participant's heartbeat lease ({@link dev.agentmesh.server.Connections}), so
 * the person stays present while the page is open.
 */
final class DashboardEvents {
    private final Supervisor supervisor;
    private final DashboardSessions sessions;
    private final java.util.function.Supplier<String> cookie;

    /** @param cookie the session cookie's name (known once the server has its port) */
    DashboardEvents(Supervisor supervisor, DashboardSessions sessions, java.util.function.Supplier<String> cookie) {
        this.supervisor = supervisor;
        this.sessions = sessions;
        this.cookie = cookie;
    }

    void open(SseClient client) {
        String token = client.ctx().cookie(cookie.get());
        DashboardSessions.Session session = sessions.find(token);
        LocalMeshApi api;
        Agent human;
        try {
            if (session == null) {
                throw MeshException.invalidInput("the dashboard session ended: run mesh dashboard for a new link");
            }
            api = supervisor.project(session.human().project());
            human = api.mesh().presence().whois(session.human().agent());
        } catch (MeshException e) {
            client.sendEvent("ended", Json.MAPPER.createObjectNode().put("message", Texts.firstLine(e.getMessage())).toString());
            client.close();
            return;
        }
        Semaphore wake = new Semaphore(0);
        AtomicBoolean feed = new AtomicBoolean();
        AtomicBoolean inbox = new AtomicBoolean();
        supervisor.streams(1);
        String name = human.name();
        try (AutoCloseable f = supervisor.store().notifier().subscribe(api.mesh().feed().topic(), () -> {
            feed.set(true);
            wake.release();
        });
             AutoCloseable i = supervisor.store().notifier().subscribe(Notifier.inbox(human.id()), () -> {
                 inbox.set(true);
                 wake.release();
             });
             AutoCloseable lease = supervisor.connections().open(session.human().project(), () -> name)) {
            client.sendEvent("ready", Json.MAPPER.createObjectNode().put("agent", name).toString());
            while (!client.terminated()) {
                boolean woken = wake.tryAcquire(Streams.KEEP_ALIVE_S, TimeUnit.SECONDS);
                wake.drainPermits();
                if (sessions.find(token) == null) {
                    client.sendEvent("ended", Json.MAPPER.createObjectNode().put("message",
                            "the dashboard session ended: run mesh dashboard for a new link").toString());
                    break;
                }
                if (!woken) {
                    client.sendEvent("tick", "{}");
                }
                if (feed.getAndSet(false)) {
                    client.sendEvent("changed", "feed");
                }
                if (inbox.getAndSet(false)) {
                    client.sendEvent("changed", "inbox");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // the page went away: the stream ends, nothing is lost in the store
        } finally {
            client.close();
            supervisor.streams(-1);
        }
    }
}
