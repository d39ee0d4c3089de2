package dev.agentmesh.bench;

import dev.agentmesh.api.Caller;
import dev.agentmesh.api.Json;
import dev.agentmesh.cli.client.RemoteMeshApi;
import dev.agentmesh.server.RunFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** What the benchmarks share: the supervisor set-up, child JVMs, waiting on files, percentiles. */
final class BenchSupport {
    private BenchSupport() {
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

    /** A store, a repository and a supervisor started as users start it; closing stops the supervisor. */
    record Setup(Path dir, Path store, Path repo, Process supervisor, RunFile runFile, java.util.Map<String, String> tokens)
            implements AutoCloseable {
        /** @return a caller acting as {@code agent}, with the token its join returned */
        Caller as(String agent) {
            return new Caller(agent, repo, ProcessHandle.current().pid(), "bench", null).token(tokens.get(agent));
        }

        @Override
        public void close() throws InterruptedException {
            supervisor.destroy();
            supervisor.waitFor(15, TimeUnit.SECONDS);
        }
    }

    /** Starts {@code bin/mesh serve} on a new store and joins {@code agents}. */
    static Setup setup(List<String> agents) throws Exception {
        return setup(agents, java.util.Map.of());
    }

    /** As {@link #setup(List)}, the supervisor started with {@code serveEnv} added to its environment. */
    static Setup setup(List<String> agents, java.util.Map<String, String> serveEnv) throws Exception {
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
        spb.environment().putAll(serveEnv);
        // e.g. MESH_BENCH_SERVE_OPTS=-XX:StartFlightRecording=filename=serve.jfr to profile the supervisor alone
        String serveOpts = System.getenv("MESH_BENCH_SERVE_OPTS");
        if (serveOpts != null && !serveOpts.isBlank()) {
            spb.environment().put("JAVA_TOOL_OPTIONS", serveOpts);
        }
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
        java.util.Map<String, String> tokens = new java.util.HashMap<>();
        for (String a : agents) {
            Caller c = new Caller(null, repo, ProcessHandle.current().pid(), "bench", null);
            api.call(c, Json.MAPPER.createObjectNode().put("action", "join").put("name", a));
            tokens.put(a, c.token());
        }
        return new Setup(dir, store, repo, serve, rf, java.util.Map.copyOf(tokens));
    }

    /** Starts a child JVM with this classpath, {@code MESH_STORE} set and its output in {@code log}. */
    static Process java(String main, List<String> args, Path store, Path log) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), main));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("MESH_STORE", store.toString());
        pb.environment().remove("MESH_SERVE");
        return pb.start();
    }

    /** Waits up to 60 s until {@code n} files {@code PREFIX*SUFFIX} exist in {@code dir}. */
    static void awaitFiles(Path dir, String prefix, String suffix, int n) throws Exception {
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

    /** @return the resident set size of process {@code pid}, in KiB (VmRSS of /proc/PID/status), 0 if unknown */
    static long rssKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return 0;
    }

    /** @return the wall clock in microseconds */
    static long micros() {
        java.time.Instant t = java.time.Instant.now();
        return t.getEpochSecond() * 1_000_000 + t.getNano() / 1000;
    }

    /** @return the {@code p}th percentile of {@code sorted} (nearest rank), NaN when empty */
    static double percentile(double[] sorted, int p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    /** @return {@code v} rounded to two decimals */
    static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
