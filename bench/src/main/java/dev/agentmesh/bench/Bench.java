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

/**
 * Whole-process benchmarks of the mesh through a real supervisor ({@code mesh serve} as its own process), each
 * printing one JSON object on stdout (progress on stderr). Run as {@code bin/bench NAME}:
 *
 * <ul>
 *   <li>{@code delivery}: 8 sender processes send 200 messages each to recipients drawn by mulberry32 seeded
 *       {@code 1000+i}; 8 reader processes, one per recipient, take them from their event streams. Fields:
 *       {@code delivered_per_s} (from the go signal to the last delivery), {@code lost}, {@code duplicated},
 *       {@code fifo_inversions} (a sender's messages to one recipient seen out of order).</li>
 *   <li>{@code latency}: one sender process and one reader process; from the send call to the reader's
 *       handler, at 1 message per 100 ms and per 10 ms: {@code p50_ms_100}, {@code p99_ms_100},
 *       {@code p50_ms_10}, {@code p99_ms_10}.</li>
 *   <li>{@code reservations}: 1,000 agents hold 10 exclusive reservations each (7 files, 3 folders); another agent
 *       checks one path at a time ({@code reservations.check}, half of them held), as the pi extension does before
 *       an edit: {@code p50_ms}, {@code p99_ms} over HTTP, and {@code p99_ms_in_process} (the check alone).</li>
 *   <li>{@code claims}: 16 processes claim the same 100 tasks in order, all at once: {@code double_wins} (tasks with
 *       more than one winner), {@code p50_ms}, {@code p99_ms}; then a claimant is SIGKILLed holding a task and a
 *       contender retries every 5 ms: {@code blocked_ms_after_kill}, from the kill to the contender's claim.</li>
 *   <li>{@code toolcall}: one agent's {@code status} call through the pi extension's path (node's fetch to
 *       {@code /api/v1/call}) and through {@code /mcp} ({@code tools/call} in one session):
 *       {@code p50_ms_extension}, {@code p50_ms_mcp} and the p99s.</li>
 *   <li>{@code startup}: {@code bin/mesh send} as a whole process, 20 times, the supervisor running: {@code p50_ms},
 *       {@code p90_ms}.</li>
 *   <li>{@code memory}: supervisor RSS with 30 joined agents, each with an open event stream, after 300 messages:
 *       {@code rss_mb}.</li>
 * </ul>
 * The workloads are those of the issue that asked for them (issue 5, part 7).
 */
public final class Bench {
    private static final int SENDERS = 8;
    private static final int PER_SENDER = 200;
    private static final int RECIPIENTS = 8;
    /** The benchmarks, as {@code bin/bench} names them. */
    static final String NAMES = "delivery, latency, reservations, claims, toolcall, startup or memory";

    private Bench() {
    }

    /** {@code Bench delivery|latency}, or a role of a child process. */
    public static void main(String[] args) throws Exception {
        switch (args.length == 0 ? "" : args[0]) {
            case "delivery" -> delivery();
            case "latency" -> latency();
            case "reservations" -> reservations();
            case "claims" -> claims();
            case "toolcall" -> toolcall();
            case "startup" -> startup();
            case "memory" -> memory();
            case "claimer" -> claimer(Path.of(args[1]), Path.of(args[2]), args[3], Integer.parseInt(args[4]), Path.of(args[5]), Path.of(args[6]));
            case "sender" -> sender(Path.of(args[1]), Path.of(args[2]), args[3], Long.parseLong(args[4]),
                    Integer.parseInt(args[5]), Integer.parseInt(args[6]), Path.of(args[7]));
            case "reader" -> reader(Path.of(args[1]), Path.of(args[2]), args[3], Integer.parseInt(args[4]), Path.of(args[5]));
            default -> {
                System.err.println("bench: give a benchmark: " + NAMES);
                System.exit(2);
            }
        }
    }

    /** The mulberry32 generator, as pi-messenger's benchmark draws recipients. */
    static final class Mulberry32 {
        private int state;

        Mulberry32(int seed) {
            this.state = seed;
        }

        int next(int bound) {
            state += 0x6D2B79F5;
            int t = state;
            t = (t ^ (t >>> 15)) * (t | 1);
            t ^= t + ((t ^ (t >>> 7)) * (t | 61));
            long u = (t ^ (t >>> 14)) & 0xFFFFFFFFL;
            return (int) ((u / 4294967296.0) * bound);
        }
    }

    private record Setup(Path dir, Path store, Path repo, Process supervisor, RunFile runFile) implements AutoCloseable {
        @Override
        public void close() throws InterruptedException {
            supervisor.destroy();
            supervisor.waitFor(15, TimeUnit.SECONDS);
        }
    }

    private static Setup setup(List<String> agents) throws Exception {
        Path dir = Files.createTempDirectory("mesh-bench");
        Path repo = Files.createDirectories(dir.resolve("repo"));
        Files.createDirectories(repo.resolve(".git"));
        Path store = dir.resolve("mesh.db");
        // the supervisor as users start it, with bin/mesh's flags
        ProcessBuilder spb = new ProcessBuilder(Path.of(System.getProperty("mesh.home", ".")).resolve("bin/mesh").toString(), "serve")
                .directory(repo.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("serve.log").toFile());
        spb.environment().put("MESH_STORE", store.toString());
        spb.environment().put("MESH_NO_REBUILD", "1");
        spb.environment().remove("MESH_SERVE");
        Process serve = spb.start();
        RunFile rf = null;
        for (int i = 0; i < 600 && rf == null; i++) {
            rf = RunFile.read(store).filter(r -> r.pid() == serve.pid()).orElse(null);
            Thread.sleep(50);
        }
        if (rf == null) {
            throw new IllegalStateException("mesh serve did not start; see " + dir.resolve("serve.log"));
        }
        RemoteMeshApi api = new RemoteMeshApi(rf, repo);
        for (String a : agents) {
            api.call(new Caller(null, repo, ProcessHandle.current().pid(), "bench", null),
                    Json.MAPPER.createObjectNode().put("action", "join").put("name", a));
        }
        return new Setup(dir, store, repo, serve, rf);
    }

    private static void delivery() throws Exception {
        List<String> agents = new ArrayList<>();
        for (int i = 0; i < RECIPIENTS; i++) {
            agents.add("R" + i);
        }
        for (int i = 0; i < SENDERS; i++) {
            agents.add("S" + i);
        }
        int[] expected = new int[RECIPIENTS];
        for (int i = 0; i < SENDERS; i++) {
            Mulberry32 rnd = new Mulberry32(1000 + i);
            for (int k = 0; k < PER_SENDER; k++) {
                expected[rnd.next(RECIPIENTS)]++;
            }
        }
        try (Setup s = setup(agents)) {
            Path go = s.dir().resolve("go");
            List<Process> readers = new ArrayList<>();
            for (int r = 0; r < RECIPIENTS; r++) {
                readers.add(java(Bench.class.getName(), List.of("reader", s.store().toString(), s.repo().toString(), "R" + r,
                        Integer.toString(expected[r]), s.dir().resolve("R" + r + ".txt").toString()), s.store(), s.dir().resolve("R" + r + ".log")));
            }
            awaitFiles(s.dir(), "R", ".ready", RECIPIENTS);
            List<Process> senders = new ArrayList<>();
            for (int i = 0; i < SENDERS; i++) {
                senders.add(java(Bench.class.getName(), List.of("sender", s.store().toString(), s.repo().toString(), "S" + i,
                        Integer.toString(1000 + i), Integer.toString(PER_SENDER), "0", go.toString()), s.store(), s.dir().resolve("S" + i + ".log")));
            }
            awaitFiles(s.dir(), "S", ".ready", SENDERS);
            long t0 = System.currentTimeMillis();
            Files.writeString(go, Long.toString(t0));
            for (Process p : senders) {
                p.waitFor(120, TimeUnit.SECONDS);
            }
            for (Process p : readers) {
                p.waitFor(120, TimeUnit.SECONDS);
            }
            long received = 0;
            long last = t0;
            Set<String> distinct = new HashSet<>();
            long inversions = 0;
            for (int r = 0; r < RECIPIENTS; r++) {
                Map<String, Integer> lastSeq = new HashMap<>();
                for (String line : Files.readAllLines(s.dir().resolve("R" + r + ".txt"))) {
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
            long total = (long) SENDERS * PER_SENDER;
            double seconds = Math.max(1, last - t0) / 1000.0;
            ObjectNode o = Json.MAPPER.createObjectNode().put("benchmark", "delivery").put("senders", SENDERS)
                    .put("messages", total).put("readers", RECIPIENTS)
                    .put("delivered_per_s", Math.round(distinct.size() / seconds)).put("wall_ms", last - t0)
                    .put("lost", total - distinct.size()).put("duplicated", received - distinct.size())
                    .put("fifo_inversions", inversions);
            System.out.println(o);
        }
    }

    private static void latency() throws Exception {
        ObjectNode o = Json.MAPPER.createObjectNode().put("benchmark", "latency");
        for (int interval : new int[]{100, 10}) {
            int count = interval == 100 ? 100 : 500;
            try (Setup s = setup(List.of("R0", "S0"))) {
                Path go = s.dir().resolve("go");
                Process reader = java(Bench.class.getName(), List.of("reader", s.store().toString(), s.repo().toString(), "R0",
                        Integer.toString(count), s.dir().resolve("R0.txt").toString()), s.store(), s.dir().resolve("R0.log"));
                awaitFiles(s.dir(), "R", ".ready", 1);
                Process sender = java(Bench.class.getName(), List.of("sender", s.store().toString(), s.repo().toString(), "S0",
                        "-1", Integer.toString(count), Integer.toString(interval), go.toString()), s.store(), s.dir().resolve("S0.log"));
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

    private static void reservations() throws Exception {
        int agents = 1000;
        try (Setup s = setup(List.of("Checker"))) {
            RemoteMeshApi api = new RemoteMeshApi(s.runFile(), s.repo());
            Caller bench = new Caller(null, s.repo(), ProcessHandle.current().pid(), "bench", null);
            System.err.println("bench: 1,000 agents reserve 10 paths each...");
            for (int i = 0; i < agents; i++) {
                String name = "A" + i;
                api.call(bench, Json.MAPPER.createObjectNode().put("action", "join").put("name", name));
                ObjectNode reserve = Json.MAPPER.createObjectNode().put("action", "reserve").put("reason", "bench");
                var paths = reserve.putArray("paths");
                for (int k = 0; k < 7; k++) {
                    paths.add("src/m" + i + "/file" + k + ".ts");
                }
                for (int k = 0; k < 3; k++) {
                    paths.add("lib/m" + i + "/d" + k + "/");
                }
                api.call(new Caller(name, s.repo(), ProcessHandle.current().pid(), "bench", null), reserve);
            }
            Caller checker = new Caller("Checker", s.repo(), ProcessHandle.current().pid(), "bench", null);
            Mulberry32 rnd = new Mulberry32(7);
            int warm = 300;
            int n = 2000;
            double[] ms = new double[n];
            for (int k = -warm; k < n; k++) {
                int i = rnd.next(agents);
                String path = k % 2 == 0 ? "src/m" + i + "/file" + rnd.next(7) + ".ts" : "lib/m" + i + "/d" + rnd.next(3) + "/x/free" + k + ".ts";
                if (k % 4 == 1) {
                    path = "docs/free" + k + ".md";
                }
                ObjectNode check = Json.MAPPER.createObjectNode().put("action", "reservations.check");
                check.putArray("paths").add(path);
                long t = System.nanoTime();
                api.call(checker, check);
                if (k >= 0) {
                    ms[k] = (System.nanoTime() - t) / 1e6;
                }
            }
            java.util.Arrays.sort(ms);
            // the check alone, on the same store, without HTTP
            double[] local = new double[n];
            try (var store = dev.agentmesh.store.Store.openSqlite(s.store())) {
                var mesh = dev.agentmesh.mesh.Mesh.create(store, dev.agentmesh.project.Project.locate(s.repo()));
                for (int k = -warm; k < n; k++) {
                    int i = rnd.next(agents);
                    long t = System.nanoTime();
                    mesh.reservations().check("Checker", s.repo(), List.of("src/m" + i + "/file" + rnd.next(7) + ".ts"));
                    if (k >= 0) {
                        local[k] = (System.nanoTime() - t) / 1e6;
                    }
                }
            }
            java.util.Arrays.sort(local);
            System.out.println(Json.MAPPER.createObjectNode().put("benchmark", "reservations").put("agents", agents)
                    .put("reservations", agents * 10).put("checks", n)
                    .put("p50_ms", round(percentile(ms, 50))).put("p99_ms", round(percentile(ms, 99)))
                    .put("p50_ms_in_process", round(percentile(local, 50))).put("p99_ms_in_process", round(percentile(local, 99))));
        }
    }

    private static void claims() throws Exception {
        int procs = 16;
        int rounds = 100;
        try (Setup s = setup(List.of())) {
            Path go = s.dir().resolve("go");
            List<Process> claimers = new ArrayList<>();
            for (int i = 0; i < procs; i++) {
                claimers.add(java(Bench.class.getName(), List.of("claimer", s.store().toString(), s.repo().toString(), "C" + i,
                        Integer.toString(rounds), go.toString(), s.dir().resolve("C" + i + ".txt").toString()), s.store(),
                        s.dir().resolve("C" + i + ".log")));
            }
            awaitFiles(s.dir(), "C", ".ready", procs);
            Files.writeString(go, "go");
            for (Process p : claimers) {
                p.waitFor(180, TimeUnit.SECONDS);
            }
            Map<String, Integer> winners = new HashMap<>();
            List<Double> ms = new ArrayList<>();
            for (int i = 0; i < procs; i++) {
                for (String line : Files.readAllLines(s.dir().resolve("C" + i + ".txt"))) {
                    String[] f = line.split(" ");
                    ms.add(Double.parseDouble(f[2]));
                    if (f[1].equals("won")) {
                        winners.merge(f[0], 1, Integer::sum);
                    }
                }
            }
            long doubles = winners.values().stream().filter(v -> v > 1).count();
            double[] sorted = ms.stream().mapToDouble(Double::doubleValue).sorted().toArray();

            // a claimant killed while it holds a task; a contender retries every 5 ms
            Process victim = java(Bench.class.getName(), List.of("claimer", s.store().toString(), s.repo().toString(), "Victim",
                    "-1", go.toString(), s.dir().resolve("Victim.txt").toString()), s.store(), s.dir().resolve("Victim.log"));
            awaitFiles(s.dir(), "Victim", ".ready", 1);
            RemoteMeshApi api = new RemoteMeshApi(s.runFile(), s.repo());
            Caller contender = new Caller("Contender", s.repo(), ProcessHandle.current().pid(), "bench", null);
            api.call(contender, Json.MAPPER.createObjectNode().put("action", "join").put("name", "Contender"));
            ObjectNode claim = Json.MAPPER.createObjectNode().put("action", "claim").put("taskId", "held-by-victim");
            long killedAt = System.nanoTime();
            victim.destroyForcibly();
            victim.waitFor();
            long blocked = -1;
            while (blocked < 0 && System.nanoTime() - killedAt < 120_000_000_000L) {
                try {
                    api.call(contender, claim);
                    blocked = (System.nanoTime() - killedAt) / 1_000_000;
                } catch (dev.agentmesh.MeshException e) {
                    Thread.sleep(5);
                }
            }
            System.out.println(Json.MAPPER.createObjectNode().put("benchmark", "claims").put("processes", procs)
                    .put("rounds", rounds).put("claims", sorted.length).put("tasks_won", winners.size())
                    .put("double_wins", doubles).put("p50_ms", round(percentile(sorted, 50)))
                    .put("p99_ms", round(percentile(sorted, 99))).put("blocked_ms_after_kill", blocked));
        }
    }

    /**
     * A claimant process: joins as {@code name} with its own pid, then claims {@code task-0..rounds-1} in order and
     * writes "task won|lost ms" per claim; with {@code rounds < 0}, claims one task and waits to be killed.
     */
    private static void claimer(Path store, Path repo, String name, int rounds, Path go, Path out) throws Exception {
        RemoteMeshApi api = new RemoteMeshApi(RunFile.read(store).orElseThrow(), repo);
        Caller me = new Caller(name, repo, ProcessHandle.current().pid(), "bench", null);
        api.call(new Caller(null, repo, ProcessHandle.current().pid(), "bench", null),
                Json.MAPPER.createObjectNode().put("action", "join").put("name", name));
        if (rounds < 0) {
            api.call(me, Json.MAPPER.createObjectNode().put("action", "claim").put("taskId", "held-by-victim"));
            Files.writeString(store.resolveSibling(name + ".ready"), "");
            Thread.sleep(600_000);
            return;
        }
        api.call(me, Json.MAPPER.createObjectNode().put("action", "swarm"));
        Files.writeString(store.resolveSibling(name + ".ready"), "");
        while (!Files.exists(go)) {
            Thread.sleep(1);
        }
        List<String> lines = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            ObjectNode claim = Json.MAPPER.createObjectNode().put("action", "claim").put("taskId", "task-" + r);
            long t = System.nanoTime();
            String outcome;
            try {
                api.call(me, claim);
                outcome = "won";
            } catch (dev.agentmesh.MeshException e) {
                outcome = "lost";
            }
            lines.add("task-" + r + " " + outcome + " " + (System.nanoTime() - t) / 1e6);
        }
        Files.write(out, lines);
        System.exit(0);
    }

    private static void toolcall() throws Exception {
        try (Setup s = setup(List.of("Tool"))) {
            Path script = s.dir().resolve("toolcall.mjs");
            try (InputStream in = Bench.class.getResourceAsStream("toolcall.mjs")) {
                Files.write(script, in.readAllBytes());
            }
            Process node = new ProcessBuilder("node", script.toString(), s.runFile().url(), s.runFile().secret(),
                    s.repo().toString(), "Tool", "1000").redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (node.waitFor() != 0 || out.isEmpty()) {
                throw new IllegalStateException("node toolcall.mjs failed: " + out);
            }
            ObjectNode o = Json.MAPPER.createObjectNode().put("benchmark", "toolcall");
            o.setAll((ObjectNode) Json.MAPPER.readTree(out));
            System.out.println(o);
        }
    }

    private static void startup() throws Exception {
        try (Setup s = setup(List.of("A", "B"))) {
            Path mesh = Path.of(System.getProperty("mesh.home", ".")).resolve("bin/mesh");
            int n = 20;
            double[] ms = new double[n];
            for (int k = -2; k < n; k++) {
                ProcessBuilder pb = new ProcessBuilder(mesh.toString(), "send", "B", "hello " + k, "--as", "A")
                        .directory(s.repo().toFile()).redirectErrorStream(true).redirectOutput(s.dir().resolve("send.log").toFile());
                pb.environment().put("MESH_STORE", s.store().toString());
                pb.environment().put("MESH_NO_REBUILD", "1");
                pb.environment().remove("MESH_SERVE");
                long t = System.nanoTime();
                int code = pb.start().waitFor();
                if (code != 0) {
                    throw new IllegalStateException("mesh send failed: " + Files.readString(s.dir().resolve("send.log")));
                }
                if (k >= 0) {
                    ms[k] = (System.nanoTime() - t) / 1e6;
                }
            }
            java.util.Arrays.sort(ms);
            System.out.println(Json.MAPPER.createObjectNode().put("benchmark", "startup").put("runs", n)
                    .put("p50_ms", round(percentile(ms, 50))).put("p90_ms", round(percentile(ms, 90)))
                    .put("aot_cache", Files.exists(mesh.getParent().resolveSibling("cli/target/mesh.aot"))));
        }
    }

    private static void memory() throws Exception {
        List<String> agents = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            agents.add("M" + i);
        }
        try (Setup s = setup(agents)) {
            HttpClient http = HttpClient.newHttpClient();
            List<InputStream> streams = new ArrayList<>();
            for (String a : agents) {
                HttpRequest req = HttpRequest.newBuilder(URI.create(s.runFile().url() + "/api/v1/events?project="
                                + URLEncoder.encode(s.repo().toString(), StandardCharsets.UTF_8) + "&agent=" + a))
                        .header("Authorization", "Bearer " + s.runFile().secret()).header("Accept", "text/event-stream").build();
                streams.add(http.send(req, HttpResponse.BodyHandlers.ofInputStream()).body());
            }
            RemoteMeshApi api = new RemoteMeshApi(s.runFile(), s.repo());
            for (int k = 0; k < 300; k++) {
                api.call(new Caller(agents.get(k % 30), s.repo(), ProcessHandle.current().pid(), "bench", null),
                        Json.MAPPER.createObjectNode().put("action", "send").put("to", agents.get((k + 1) % 30)).put("message", "note " + k));
            }
            Thread.sleep(2000);
            long rssKb = 0;
            for (String line : Files.readAllLines(Path.of("/proc/" + s.supervisor().pid() + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    rssKb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            for (InputStream in : streams) {
                in.close();
            }
            System.out.println(Json.MAPPER.createObjectNode().put("benchmark", "memory").put("agents", agents.size())
                    .put("open_streams", streams.size()).put("rss_mb", Math.round(rssKb / 1024.0)));
        }
    }

    /** A sender process: joins nothing (its agent exists), waits for the go file, sends, one HTTP call each. */
    private static void sender(Path store, Path repo, String name, long seed, int count, int intervalMs, Path go) throws Exception {
        RemoteMeshApi api = new RemoteMeshApi(RunFile.read(store).orElseThrow(), repo);
        Caller me = new Caller(name, repo, ProcessHandle.current().pid(), "bench", null);
        Mulberry32 rnd = seed < 0 ? null : new Mulberry32((int) seed);
        // warm the connection and the code path before the clock starts
        api.call(me, Json.MAPPER.createObjectNode().put("action", "status"));
        Files.writeString(store.resolveSibling(name + ".ready"), "");
        while (!Files.exists(go)) {
            Thread.sleep(2);
        }
        for (int k = 0; k < count; k++) {
            String to = rnd == null ? "R0" : "R" + rnd.next(RECIPIENTS);
            api.call(me, Json.MAPPER.createObjectNode().put("action", "send").put("to", to)
                    .put("message", name + " " + k + " " + micros()));
            if (intervalMs > 0) {
                Thread.sleep(intervalMs);
            }
        }
    }

    /** A reader process: the agent's event stream; writes "sender seq sentMicros receivedMicros" per message. */
    private static void reader(Path store, Path repo, String name, int expected, Path out) throws Exception {
        RunFile rf = RunFile.read(store).orElseThrow();
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest req = HttpRequest.newBuilder(URI.create(rf.url() + "/api/v1/events?project="
                        + URLEncoder.encode(repo.toString(), StandardCharsets.UTF_8) + "&agent=" + name))
                .header("Authorization", "Bearer " + rf.secret()).header("Accept", "text/event-stream").build();
        HttpResponse<InputStream> resp = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        List<String> lines = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 120_000;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(resp.body(), StandardCharsets.UTF_8))) {
            String event = "";
            for (String l; lines.size() < expected && System.currentTimeMillis() < deadline && (l = r.readLine()) != null; ) {
                if (l.startsWith("event:")) {
                    event = l.substring(6).strip();
                } else if (l.startsWith("data:") && event.equals("ready")) {
                    Files.writeString(store.resolveSibling(name + ".ready"), "");
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

    private static Process java(String main, List<String> args, Path store, Path log) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), main));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("MESH_STORE", store.toString());
        pb.environment().remove("MESH_SERVE");
        return pb.start();
    }

    private static void awaitFiles(Path dir, String prefix, String suffix, int n) throws Exception {
        for (int i = 0; i < 1200; i++) {
            try (var files = Files.list(dir)) {
                if (files.filter(p -> p.getFileName().toString().startsWith(prefix) && p.getFileName().toString().endsWith(suffix)).count() >= n) {
                    return;
                }
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("the " + prefix + " processes did not get ready in 60 s; see the logs in " + dir);
    }

    private static long micros() {
        java.time.Instant t = java.time.Instant.now();
        return t.getEpochSecond() * 1_000_000 + t.getNano() / 1000;
    }

    private static double percentile(double[] sorted, int p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
