package dev.agentmesh.bench;

import static dev.agentmesh.bench.BenchSupport.Setup;
import static dev.agentmesh.bench.BenchSupport.percentile;
import static dev.agentmesh.bench.BenchSupport.round;
import static dev.agentmesh.bench.BenchSupport.setup;

import dev.agentmesh.api.Caller;
import dev.agentmesh.api.Json;
import dev.agentmesh.cli.client.RemoteMeshApi;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** {@code orchestrator}: asks, durable jobs and schedules (issue 8, seeds/004; see {@link Bench}). */
final class OrchestratorBenches {
    /** Timed rounds of each part, after {@link #WARMUPS} untimed ones. */
    static final int ROUNDS = 200;
    static final int WARMUPS = 20;
    /** Schedules timed, each due {@link #SCHEDULE_LEAD_MS} after it is created. */
    static final int SCHEDULES = 20;
    static final long SCHEDULE_LEAD_MS = 300;

    private OrchestratorBenches() {
    }

    static void orchestrator() throws Exception {
        ObjectNode o = Json.MAPPER.createObjectNode().put("benchmark", "orchestrator");
        try (Setup s = setup(List.of("Lead", "Peer"))) {
            RemoteMeshApi api = new RemoteMeshApi(s.runFile(), s.repo());
            Caller lead = s.as("Lead");
            Caller peer = s.as("Peer");
            Caller waiter = s.as("Lead");
            // every message the peer or the lead gets, by the body's first line, with the time it arrived on its event stream
            ConcurrentHashMap<String, Long> arrived = new ConcurrentHashMap<>();
            Thread peerStream = follow(api, s.as("Peer"), arrived);
            Thread leadStream = follow(api, s.as("Lead"), arrived);
            Thread.sleep(500);

            double[] askCall = new double[ROUNDS];
            double[] askToPeer = new double[ROUNDS];
            double[] ackCall = new double[ROUNDS];
            double[] ackToWaiter = new double[ROUNDS];
            for (int i = 0; i < WARMUPS + ROUNDS; i++) {
                String brief = "bench ask " + i;
                long t0 = System.nanoTime();
                long id = call(api, lead, "{\"action\":\"ask\",\"peer\":\"Peer\",\"brief\":\"" + brief + "\"}").path("id").asLong();
                long t1 = System.nanoTime();
                long reached = await(arrived, "[ask #" + id + " from @Lead] " + brief);
                CompletableFuture<Long> wait = CompletableFuture.supplyAsync(() -> {
                    call(api, waiter, "{\"action\":\"wait_on_ack\",\"id\":" + id + ",\"timeout_seconds\":30}");
                    return System.nanoTime();
                });
                Thread.sleep(5); // the wait is parked on the ask's topic before the ack commits
                long t2 = System.nanoTime();
                call(api, peer, "{\"action\":\"ack\",\"id\":" + id + ",\"message\":\"ok\"}");
                long t3 = System.nanoTime();
                long returned = wait.get(30, TimeUnit.SECONDS);
                if (i >= WARMUPS) {
                    int k = i - WARMUPS;
                    askCall[k] = (t1 - t0) / 1e6;
                    askToPeer[k] = (reached - t0) / 1e6;
                    ackCall[k] = (t3 - t2) / 1e6;
                    ackToWaiter[k] = (returned - t2) / 1e6;
                }
            }
            o.put("rounds", ROUNDS);
            put(o, "ask_call", askCall);
            put(o, "ask_to_peer_stream", askToPeer);
            put(o, "ack_call", ackCall);
            put(o, "ack_to_wait_on_ack_return", ackToWaiter);

            double[] dispatch = new double[ROUNDS];
            for (int i = 0; i < WARMUPS + ROUNDS; i++) {
                long t0 = System.nanoTime();
                long id = call(api, lead, "{\"action\":\"job_create\",\"title\":\"bench job " + i + "\",\"assignee\":\"Peer\",\"request\":\"r\"}")
                        .path("id").asLong();
                long reached = awaitPrefix(arrived, "job #" + id + " (task): bench job " + i);
                if (i >= WARMUPS) {
                    dispatch[i - WARMUPS] = (reached - t0) / 1e6;
                }
            }
            put(o, "job_create_to_ask_on_peer_stream", dispatch);

            double[] late = new double[SCHEDULES];
            for (int i = 0; i < SCHEDULES; i++) {
                long fireAt = System.currentTimeMillis() + SCHEDULE_LEAD_MS;
                long fireNanos = System.nanoTime() + SCHEDULE_LEAD_MS * 1_000_000;
                call(api, lead, "{\"action\":\"schedule_create\",\"to_peer\":\"Peer\",\"text\":\"bench tick " + i + "\",\"fire_at\":\""
                        + Instant.ofEpochMilli(fireAt) + "\"}");
                long reached = awaitSuffix(arrived, "] bench tick " + i);
                late[i] = (reached - fireNanos) / 1e6;
            }
            o.put("schedules", SCHEDULES);
            put(o, "schedule_fire_lateness", late);
            peerStream.interrupt();
            leadStream.interrupt();
        }
        System.out.println(o);
    }

    /** Follows {@code c}'s event stream on a daemon thread until interrupted, recording each message's first line. */
    private static Thread follow(RemoteMeshApi api, Caller c, ConcurrentHashMap<String, Long> arrived) {
        return Thread.ofPlatform().daemon().start(() -> {
            try {
                api.followInbox(c, m -> arrived.put(m.path("body").asString().lines().findFirst().orElse(""), System.nanoTime()));
            } catch (RuntimeException ended) {
                // the stream ends when the benchmark stops the supervisor
            }
        });
    }

    private static void put(ObjectNode o, String name, double[] ms) {
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        o.put(name + "_p50_ms", round(percentile(sorted, 50)));
        o.put(name + "_p99_ms", round(percentile(sorted, 99)));
    }

    private static JsonNode call(RemoteMeshApi api, Caller c, String args) {
        return api.call(c, Json.MAPPER.readTree(args)).data();
    }

    private static long await(ConcurrentHashMap<String, Long> arrived, String line) throws InterruptedException {
        return awaitMatch(arrived, k -> k.equals(line), line);
    }

    private static long awaitPrefix(ConcurrentHashMap<String, Long> arrived, String part) throws InterruptedException {
        return awaitMatch(arrived, k -> k.contains(part), part);
    }

    private static long awaitSuffix(ConcurrentHashMap<String, Long> arrived, String suffix) throws InterruptedException {
        return awaitMatch(arrived, k -> k.endsWith(suffix), suffix);
    }

    private static long awaitMatch(ConcurrentHashMap<String, Long> arrived, java.util.function.Predicate<String> match, String what)
            throws InterruptedException {
        long until = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < until) {
            for (var e : arrived.entrySet()) {
                if (match.test(e.getKey())) {
                    arrived.remove(e.getKey());
                    return e.getValue();
                }
            }
            Thread.sleep(0, 200_000);
        }
        throw new IllegalStateException("no message " + what + " on the event stream within 30 s");
    }
}
