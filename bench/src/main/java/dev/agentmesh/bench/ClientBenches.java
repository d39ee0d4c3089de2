package dev.agentmesh.bench;

import dev.agentmesh.api.Caller;
import dev.agentmesh.api.Json;
import dev.agentmesh.cli.client.RemoteMeshApi;
import tools.jackson.databind.node.ObjectNode;

import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.agentmesh.bench.BenchSupport.*;

/** {@code toolcall}, {@code startup} and {@code memory}: what one client and the supervisor cost (see {@link Bench}). */
final class ClientBenches {
    private ClientBenches() {
    }

    static void toolcall() throws Exception {
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

    static void startup() throws Exception {
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

    static void memory() throws Exception {
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
}
