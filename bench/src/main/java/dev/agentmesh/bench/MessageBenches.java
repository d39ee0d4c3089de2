package dev.agentmesh.bench;

import dev.agentmesh.api.Caller;
import dev.agentmesh.api.Json;
import dev.agentmesh.cli.client.RemoteMeshApi;
import dev.agentmesh.server.RunFile;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static dev.agentmesh.bench.BenchSupport.*;

/** {@code delivery} and {@code latency}, with their sender and reader processes (see {@link Bench}). */
final class MessageBenches {
    static final int SENDERS = 8;
    static final int PER_SENDER = 200;
    static final int RECIPIENTS = 8;
    /** Calls a sender makes, and lines a reader parses, before the clock starts, so client JIT work stays out of it. */
    static final int WARM_UP_CALLS = 100;

    private MessageBenches() {
    }

    /** @return the CPU time (user + system) a process has used so far, in ms, from /proc/PID/stat (clock ticks of 10 ms) */
    static long cpuMs(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** What one round of the delivery workload measured. */
    private record Round(long distinct, long received, long inversions, long wallMs, long supervisorCpuMs, long clientsCpuMs) {
    }

    /** @return the CPU time of this process's reaped children so far, in ms (cutime + cstime of /proc/self/stat) */
    private static long childrenCpuMs() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[13]) + Long.parseLong(f[14])) * 10;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    static void delivery() throws Exception {
        List<String> agents = new ArrayList<>();
        for (String prefix : List.of("cold-", "")) {
            for (int i = 0; i < RECIPIENTS; i++) {
                agents.add(prefix + "R" + i);
            }
            for (int i = 0; i < SENDERS; i++) {
                agents.add(prefix + "S" + i);
            }
        }
        try (Setup s = setup(agents)) {
            // the first round meets a supervisor just started (its JIT compilers still at work); the second, the
            // resident supervisor agents normally talk to. Each round has agents of its own.
            Round cold = deliveryRound(s, "cold-");
            Round warm = deliveryRound(s, "");
            long total = (long) SENDERS * PER_SENDER;
            ObjectNode o = Json.MAPPER.createObjectNode().put("benchmark", "delivery").put("senders", SENDERS)
                    .put("messages", total).put("readers", RECIPIENTS)
                    .put("delivered_per_s", perSecond(warm)).put("wall_ms", warm.wallMs())
                    .put("supervisor_cpu_ms", warm.supervisorCpuMs()).put("clients_cpu_ms", warm.clientsCpuMs())
                    .put("lost", total - warm.distinct()).put("duplicated", warm.received() - warm.distinct())
                    .put("fifo_inversions", warm.inversions())
                    .put("delivered_per_s_cold", perSecond(cold)).put("supervisor_cpu_ms_cold", cold.supervisorCpuMs())
                    .put("lost_cold", total - cold.distinct()).put("duplicated_cold", cold.received() - cold.distinct())
                    .put("fifo_inversions_cold", cold.inversions());
            System.out.println(o);
        }
    }

    private static long perSecond(Round r) {
        return Math.round(r.distinct() / (Math.max(1, r.wallMs()) / 1000.0));
    }

    /** 8 readers on their event streams, then 8 senders × 200 messages at once; agents named PREFIX+R0.. and PREFIX+S0.. */
    private static Round deliveryRound(Setup s, String prefix) throws Exception {
        int[] expected = new int[RECIPIENTS];
        for (int i = 0; i < SENDERS; i++) {
            Mulberry32 rnd = new Mulberry32(1000 + i);
            for (int k = 0; k < PER_SENDER; k++) {
                expected[rnd.next(RECIPIENTS)]++;
            }
        }
        Path dir = Files.createDirectories(s.dir().resolve(prefix.isEmpty() ? "round" : prefix + "round"));
        Path go = dir.resolve("go");
        List<Process> readers = new ArrayList<>();
        for (int r = 0; r < RECIPIENTS; r++) {
            String name = prefix + "R" + r;
            readers.add(java(Bench.class.getName(), List.of("reader", s.store().toString(), s.repo().toString(), name,
                    Integer.toString(expected[r]), dir.resolve("R" + r + ".txt").toString(), s.tokens().get(name),
                    dir.resolve("R" + r + ".ready").toString()), s.store(), dir.resolve("R" + r + ".log")));
        }
        awaitFiles(dir, "R", ".ready", RECIPIENTS);
        List<Process> senders = new ArrayList<>();
        for (int i = 0; i < SENDERS; i++) {
            String name = prefix + "S" + i;
            senders.add(java(Bench.class.getName(), List.of("sender", s.store().toString(), s.repo().toString(), name,
                    Integer.toString(1000 + i), Integer.toString(PER_SENDER), "0", go.toString(), s.tokens().get(name),
                    dir.resolve("S" + i + ".ready").toString()), s.store(), dir.resolve("S" + i + ".log")));
        }
        awaitFiles(dir, "S", ".ready", SENDERS);
        long cpu0 = cpuMs(s.supervisor().pid());
        long clients0 = childrenCpuMs();
        for (Process p : readers) {
            clients0 += cpuMs(p.pid());
        }
        for (Process p : senders) {
            clients0 += cpuMs(p.pid());
        }
        long t0 = System.currentTimeMillis();
        Files.writeString(go, Long.toString(t0));
        for (Process p : senders) {
            p.waitFor(120, TimeUnit.SECONDS);
        }
        long supervisorCpu = cpuMs(s.supervisor().pid()) - cpu0;
        for (Process p : readers) {
            p.waitFor(120, TimeUnit.SECONDS);
        }
        long clientsCpu = childrenCpuMs() - clients0;
        long received = 0;
        long last = t0;
        Set<String> distinct = new HashSet<>();
        long inversions = 0;
        for (int r = 0; r < RECIPIENTS; r++) {
            Map<String, Integer> lastSeq = new HashMap<>();
            Path out = dir.resolve("R" + r + ".txt");
            for (String line : Files.exists(out) ? Files.readAllLines(out) : List.<String>of()) {
                String[] f = line.split(" ");
                String sender = f[0];
                int seq = Integer.parseInt(f[1]);
                received++;
                distinct.add(r + "/" + sender + "/" + seq);
                last = Math.max(last, Long.parseLong(f[3]) / 1000);
                Integer prev = lastSeq.put(sender, seq);
                if (prev != null && prev > seq) {
                    inversions++;
                }
            }
        }
        return new Round(distinct.size(), received, inversions, last - t0, supervisorCpu, clientsCpu);
    }

    static void latency() throws Exception {
        ObjectNode o = Json.MAPPER.createObjectNode().put("benchmark", "latency");
        for (int interval : new int[]{100, 10}) {
            int count = interval == 100 ? 100 : 500;
            try (Setup s = setup(List.of("R0", "S0"))) {
                Path go = s.dir().resolve("go");
                Process reader = java(Bench.class.getName(), List.of("reader", s.store().toString(), s.repo().toString(), "R0",
                        Integer.toString(count), s.dir().resolve("R0.txt").toString(), s.tokens().get("R0"),
                        s.dir().resolve("R0.ready").toString()), s.store(), s.dir().resolve("R0.log"));
                awaitFiles(s.dir(), "R", ".ready", 1);
                Process sender = java(Bench.class.getName(), List.of("sender", s.store().toString(), s.repo().toString(), "S0",
                        "-1", Integer.toString(count), Integer.toString(interval), go.toString(), s.tokens().get("S0"),
                        s.dir().resolve("S0.ready").toString()), s.store(), s.dir().resolve("S0.log"));
                awaitFiles(s.dir(), "S", ".ready", 1);
                Files.writeString(go, "go");
                sender.waitFor(180, TimeUnit.SECONDS);
                reader.waitFor(60, TimeUnit.SECONDS);
                double[] ms = Files.readAllLines(s.dir().resolve("R0.txt")).stream().map(l -> l.split(" "))
                        .mapToDouble(f -> (Long.parseLong(f[3]) - Long.parseLong(f[2])) / 1000.0).sorted().toArray();
                o.put("p50_ms_" + interval, round(percentile(ms, 50))).put("p99_ms_" + interval, round(percentile(ms, 99)))
                        .put("received_" + interval, ms.length).put("sent_" + interval, count);
            }
        }
        System.out.println(o);
    }

    /** A sender process: joins nothing (its agent exists), waits for the go file, sends, one HTTP call each. */
    static void sender(Path store, Path repo, String name, long seed, int count, int intervalMs, Path go, String token, Path ready)
            throws Exception {
        RemoteMeshApi api = new RemoteMeshApi(RunFile.read(store).orElseThrow(), repo);
        Caller me = new Caller(name, repo, ProcessHandle.current().pid(), "bench", null).token(token);
        Mulberry32 rnd = seed < 0 ? null : new Mulberry32((int) seed);
        // warm the connection and this JVM's code path (its JIT) before the clock starts: the figure is the mesh's
        for (int k = 0; k < WARM_UP_CALLS; k++) {
            api.call(me, Json.MAPPER.createObjectNode().put("action", "status"));
        }
        Files.writeString(ready, "");
        while (!Files.exists(go)) {
            Thread.sleep(2);
        }
        for (int k = 0; k < count; k++) {
            String to = (rnd == null ? "R0" : name.substring(0, name.length() - 2) + "R" + rnd.next(RECIPIENTS));
            api.call(me, Json.MAPPER.createObjectNode().put("action", "send").put("to", to)
                    .put("message", name + " " + k + " " + micros()));
            if (intervalMs > 0) {
                Thread.sleep(intervalMs);
            }
        }
    }

    /** A reader process: the agent's event stream; writes "sender seq sentMicros receivedMicros" per message. */
    static void reader(Path store, Path repo, String name, int expected, Path out, String token, Path ready) throws Exception {
        RunFile rf = RunFile.read(store).orElseThrow();
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest req = HttpRequest.newBuilder(URI.create(rf.url() + "/api/v1/events?project="
                        + URLEncoder.encode(repo.toString(), StandardCharsets.UTF_8) + "&agent=" + name))
                .header("Authorization", "Bearer " + rf.secret()).header("X-Mesh-Token", token)
                .header("Accept", "text/event-stream").build();
        HttpResponse<InputStream> resp = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        List<String> lines = new ArrayList<>();
        String sample = Json.MAPPER.writeValueAsString(Json.MAPPER.createObjectNode().put("id", 1).put("from", "S0")
                .put("body", "S0 0 " + micros()));
        for (int k = 0; k < WARM_UP_CALLS * 10; k++) {
            Json.MAPPER.readTree(sample).path("body").asString().split(" ");
        }
        long deadline = System.currentTimeMillis() + 120_000;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(resp.body(), StandardCharsets.UTF_8))) {
            String event = "";
            for (String l; lines.size() < expected && System.currentTimeMillis() < deadline && (l = r.readLine()) != null; ) {
                if (l.startsWith("event:")) {
                    event = l.substring(6).strip();
                } else if (l.startsWith("data:") && event.equals("ready")) {
                    Files.writeString(ready, "");
                } else if (l.startsWith("data:") && event.equals("message")) {
                    long now = micros();
                    JsonNode m = Json.MAPPER.readTree(l.substring(5).strip());
                    String[] body = m.path("body").asString().split(" ");
                    lines.add(body[0] + " " + body[1] + " " + body[2] + " " + now);
                }
            }
        }
        Files.write(out, lines);
        System.exit(0);
    }
}
