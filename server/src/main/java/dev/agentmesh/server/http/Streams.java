package dev.agentmesh.server.http;

import dev.agentmesh.server.Supervisor;
import io.javalin.http.sse.SseClient;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.LongUnaryOperator;

/**
 * The loop shared by the SSE streams: send a {@code ready} event, push what is new, then wait on a store topic
 * (woken by the notifier after a commit, never by polling) and push again, with a keep-alive comment every
 * {@value #KEEP_ALIVE_S} s while idle, until the client goes away. The keep-alive is also how a stream learns
 * that its client was killed, so it stays short: a stream holding an agent's lease ends within that time.
 */
final class Streams {
    /** Seconds between keep-alive comments on an idle stream. */
    static final int KEEP_ALIVE_S = 5;

    private Streams() {
    }

    /**
     * @param topic     the notifier topic whose signals mean "something new"
     * @param readyJson data of the first event
     * @param push      sends what came after the given cursor and returns the new cursor; starts at {@code from}
     * @param lease     the connection record holding an agent's heartbeat lease while the stream is open, closed
     *                  when it ends; or null
     */
    static void serve(SseClient client, Supervisor supervisor, String topic, String readyJson, long from, LongUnaryOperator push,
                      AutoCloseable lease) {
        Semaphore wake = new Semaphore(0);
        supervisor.streams(1);
        try (AutoCloseable ignored = supervisor.store().notifier().subscribe(topic, wake::release);
             AutoCloseable held = lease) {
            client.sendEvent("ready", readyJson);
            long cursor = from;
            while (!client.terminated()) {
                cursor = push.applyAsLong(cursor);
                if (!wake.tryAcquire(KEEP_ALIVE_S, TimeUnit.SECONDS)) {
                    client.sendComment("keep-alive");
                }
                wake.drainPermits();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // the client went away (or its agent did): the stream ends, nothing is lost in the store
            client.close();
        } finally {
            supervisor.streams(-1);
        }
    }
}
