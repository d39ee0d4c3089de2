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

    /** Which program plays the agents: node on the pi extension's path, or a JVM with the CLI's client. */
    enum Client {
        /** node's fetch and event stream, as agentmesh-pi-extension.ts talks to the supervisor ({@code messages.mjs}) */
        NODE,
        /** {@link RemoteMeshApi} and java.net.http, as {@code mesh send} and {@code mesh mcp} talk to it */
        JVM
    }

    static void delivery() throws Exception {
        int extra = Integer.getInteger("delivery.extraRounds", 0);
        List<String> prefixes = new ArrayList<>(List.of("cold-"));
        for (int i = 0; i < extra; i++) {
            prefixes.add("x" + i + "-");
        }
        prefixes.addAll(List.of("", "node-"));
        List<String> agents = new ArrayList<>();
        for (String prefix : prefixes) {
            for (int i = 0; i < RECIPIENTS; i++) {
                agents.add(prefix + "R" + i);
            }
            for (int i = 0; i < SENDERS; i++) {
                agents.add(prefix + "S" + i);
            }
        }
        try (Setup s = setup(agents)) {
            // the first round meets a supervisor just started (its JIT compilers still at work); the next, the
            // resident supervisor agents normally talk to. Each round has agents of its own.
            Round cold = deliveryRound(s, "cold-", Client.JVM);
            for (int i = 0; i < extra; i++) {
                Round x = deliveryRound(s, "x" + i + "-", Client.JVM);
                System.err.println("bench: extra round " + i + ": " + perSecond(x) + " msg/s, supervisor CPU "
                        + x.supervisorCpuMs() + " ms, clients " + x.clientsCpuMs() + " ms");
            }
            Round warm = deliveryRound(s, "", Client.JVM);
            Round node = deliveryRound(s, "node-", Client.NODE);
            long total = (long) SENDERS * PER_SENDER;
            ObjectNode o = Json.MAPPER.createObjectNode().put("benchmark", "delivery").put("senders", SENDERS)
                    .put("messages", total).put("readers", RECIPIENTS);
            put(o, "", warm, total);
            put(o, "_cold", cold, total);
            put(o, "_node", node, total);
            System.out.println(o);
        }
    }

    /** Puts one round's figures into {@code o}, each field name ending in {@code suffix}. */
    private static void put(ObjectNode o, String suffix, Round r, long total) {
        o.put("delivered_per_s" + suffix, perSecond(r)).put("wall_ms" + suffix, r.wallMs())
                .put("supervisor_cpu_ms" + suffix, r.supervisorCpuMs()).put("clients_cpu_ms" + suffix, r.clientsCpuMs())
                .put("lost" + suffix, total - r.distinct()).put("duplicated" + suffix, r.received() - r.distinct())
                .put("fifo_inversions" + suffix, r.inversions());
    }

    private static long perSecond(Round r) {
        return Math.round(r.distinct() / (Math.max(1, r.wallMs()) / 1000.0));
    }

    /** Starts a reader process of {@code client}'s kind for agent {@code name}. */
    private static Process reader(Setup s, Client client, String name, int expected, Path out, Path ready, Path log)
            throws IOException {
        if (client == Client.JVM) {
            return java(Bench.class.getName(), List.of("reader", s.store().toString(), s.repo().toString(), name,
                    Integer.toString(expected), out.toString(), s.tokens().get(name), ready.toString()), s.store(), log);
        }
        return node(s, log, "reader", name, Integer.toString(expected), out.toString(), ready.toString());
    }

    /** Starts a sender process of {@code client}'s kind for agent {@code name}; {@code seed < 0} sends to PREFIX R0. */
    private static Process sender(Setup s, Client client, String name, long seed, int count, int intervalMs, Path go,
                                  Path ready, Path log) throws IOException {
        if (client == Client.JVM) {
            return java(Bench.class.getName(), List.of("sender", s.store().toString(), s.repo().toString(), name,
                    Long.toString(seed), Integer.toString(count), Integer.toString(intervalMs), go.toString(),
                    s.tokens().get(name), ready.toString()), s.store(), log);
        }
        return node(s, log, "sender", name, Long.toString(seed), Integer.toString(count), Integer.toString(intervalMs),
                go.toString(), ready.toString());
    }

    /** {@code node messages.mjs ROLE URL SECRET PROJECT AGENT TOKEN ARGS...}, its output in {@code log}. */
    private static Process node(Setup s, Path log, String role, String agent, String... args) throws IOException {
        Path script = s.dir().resolve("messages.mjs");
        if (!Files.exists(script)) {
            try (InputStream in = Bench.class.getResourceAsStream("messages.mjs")) {
                Files.write(script, in.readAllBytes());
            }
        }
        List<String> cmd = new ArrayList<>(List.of("node", script.toString(), role, s.runFile().url(), s.runFile().secret(),
                s.repo().toString(), agent, s.tokens().get(agent)));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** 8 readers on their event streams, then 8 senders × 200 messages at once; agents named PREFIX+R0.. and PREFIX+S0.. */
    private static Round deliveryRound(Setup s, String prefix, Client client) throws Exception {
        int[] expected = new int[RECIPIENTS];
        for (int i = 0; i < SENDERS; i++) {
            Mulberry32 rnd = new Mulberry32(1000 + i);
            for (int k = 0; k < PER_SENDER; k++) {
                expected[rnd.next(RECIPIENTS)]++;
            }
        }
        Path dir = Files.createDirectories(s.dir().resolve(prefix + "round"));
        Path go = dir.resolve("go");
        List<Process> readers = new ArrayList<>();
        for (int r = 0; r < RECIPIENTS; r++) {
            readers.add(reader(s, client, prefix + "R" + r, expected[r], dir.resolve("R" + r + ".txt"),
                    dir.resolve("R" + r + ".ready"), dir.resolve("R" + r + ".log")));
        }
        awaitFiles(dir, "R", ".ready", RECIPIENTS);
        List<Process> senders = new ArrayList<>();
        for (int i = 0; i < SENDERS; i++) {
            senders.add(sender(s, client, prefix + "S" + i, 1000 + i, PER_SENDER, 0, go, dir.resolve("S" + i + ".ready"),
                    dir.resolve("S" + i + ".log")));
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
        for (Client client : List.of(Client.JVM, Client.NODE)) {
            String suffix = client == Client.JVM ? "" : "_node";
            for (int interval : new int[]{100, 10}) {
                int count = interval == 100 ? 100 : 500;
                try (Setup s = setup(List.of("R0", "S0"))) {
                    Path go = s.dir().resolve("go");
                    Process reader = reader(s, client, "R0", count, s.dir().resolve("R0.txt"), s.dir().resolve("R0.ready"),
                            s.dir().resolve("R0.log"));
                    awaitFiles(s.dir(), "R", ".ready", 1);
                    Process sender = sender(s, client, "S0", -1, count, interval, go, s.dir().resolve("S0.ready"),
                            s.dir().resolve("S0.log"));
                    awaitFiles(s.dir(), "S", ".ready", 1);
                    Files.writeString(go, "go");
                    sender.waitFor(180, TimeUnit.SECONDS);
                    reader.waitFor(60, TimeUnit.SECONDS);
                    double[] ms = Files.readAllLines(s.dir().resolve("R0.txt")).stream().map(l -> l.split(" "))
                            .mapToDouble(f -> (Long.parseLong(f[3]) - Long.parseLong(f[2])) / 1000.0).sorted().toArray();
                    o.put("p50_ms_" + interval + suffix, round(percentile(ms, 50)))
                            .put("p99_ms_" + interval + suffix, round(percentile(ms, 99)))
                            .put("received_" + interval + suffix, ms.length).put("sent_" + interval + suffix, count);
                }
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
            String to = name.substring(0, name.length() - 2) + "R" + (rnd == null ? 0 : rnd.next(RECIPIENTS));
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
