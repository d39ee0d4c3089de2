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
                    s.repo().toString(), "Tool", "1000", s.tokens().get("Tool")).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (node.waitFor() != 0 || out.isEmpty()) {
                throw new IllegalStateException("node toolcall.mjs failed: " + out);
            }
            ObjectNode o = Json.MAPPER.createObjectNode().put("benchmark", "toolcall");
            o.setAll((ObjectNode) Json.MAPPER.readTree(out));
            System.out.println(o);
        }
    }

    /**
     * {@code hook}: one Claude Code hook call as Claude Code makes it (the hook script with the event on stdin):
     * {@code PreToolUse} of an edit of a held file (denied) and {@code PostToolUse} with no new message.
     */
    static void hook() throws Exception {
        try (Setup s = setup(List.of("Hooked", "Holder"))) {
            RemoteMeshApi api = new RemoteMeshApi(s.runFile(), s.repo());
            api.call(s.as("Holder"), Json.MAPPER.createObjectNode().put("action", "reserve").put("paths", "src/held.ts"));
            // the agent this process "is", as mesh mcp records it for its Claude Code process
            dev.agentmesh.project.SessionTokens.save(s.store(), ProcessHandle.current().pid(), s.repo().toString(), "Hooked",
                    s.tokens().get("Hooked"));
            Path hook = s.dir().resolve("agentmesh-claude-hook.sh");
            Files.write(hook, dev.agentmesh.runtimes.claude.ClaudeRuntime.hookScript());
            String pre = "{\"hook_event_name\":\"PreToolUse\",\"session_id\":\"b\",\"cwd\":\"" + s.repo()
                    + "\",\"tool_name\":\"Edit\",\"tool_input\":{\"file_path\":\"" + s.repo().resolve("src/held.ts") + "\"}}";
            String post = "{\"hook_event_name\":\"PostToolUse\",\"session_id\":\"b\",\"cwd\":\"" + s.repo()
                    + "\",\"tool_name\":\"Bash\",\"tool_input\":{}}";
            ObjectNode o = Json.MAPPER.createObjectNode().put("benchmark", "hook");
            int n = 40;
            for (var event : List.of(java.util.Map.entry("pre_tool_use", pre), java.util.Map.entry("post_tool_use", post))) {
                double[] ms = new double[n];
                for (int k = -3; k < n; k++) {
                    long t = System.nanoTime();
                    Process p = new ProcessBuilder("sh", hook.toString(), s.store().toString())
                            .redirectError(ProcessBuilder.Redirect.INHERIT).start();
                    try (var stdin = p.getOutputStream()) {
                        stdin.write(event.getValue().getBytes(StandardCharsets.UTF_8));
                    }
                    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    p.waitFor();
                    if (event.getKey().equals("pre_tool_use") && !out.contains("\"deny\"")) {
                        throw new IllegalStateException("the hook did not deny the held file: " + out);
                    }
                    if (k >= 0) {
                        ms[k] = (System.nanoTime() - t) / 1e6;
                    }
                }
                java.util.Arrays.sort(ms);
                o.put("p50_ms_" + event.getKey(), round(percentile(ms, 50))).put("p90_ms_" + event.getKey(), round(percentile(ms, 90)));
            }
            System.out.println(o.put("runs", n));
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
                pb.environment().put("MESH_AGENT_TOKEN", s.tokens().get("A"));
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
            // mesh mcp as an MCP client starts it: from the start of the process to the answer to initialize
            double[] mcp = new double[10];
            String init = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\","
                    + "\"capabilities\":{},\"clientInfo\":{\"name\":\"bench\",\"version\":\"1\"}}}\n";
            for (int k = -1; k < mcp.length; k++) {
                ProcessBuilder pb = new ProcessBuilder(mesh.toString(), "mcp").directory(s.repo().toFile())
                        .redirectError(ProcessBuilder.Redirect.DISCARD);
                pb.environment().put("MESH_STORE", s.store().toString());
                pb.environment().put("MESH_NO_REBUILD", "1");
                pb.environment().remove("MESH_SERVE");
                long t = System.nanoTime();
                Process p = pb.start();
                p.getOutputStream().write(init.getBytes(StandardCharsets.UTF_8));
                p.getOutputStream().flush();
                String line = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
                double took = (System.nanoTime() - t) / 1e6;
                p.getOutputStream().close();
                p.waitFor();
                if (line == null || !line.contains("\"result\"")) {
                    throw new IllegalStateException("mesh mcp did not answer initialize: " + line);
                }
                if (k >= 0) {
                    mcp[k] = took;
                }
            }
            java.util.Arrays.sort(mcp);
            System.out.println(Json.MAPPER.createObjectNode().put("benchmark", "startup").put("runs", n)
                    .put("p50_ms", round(percentile(ms, 50))).put("p90_ms", round(percentile(ms, 90)))
                    .put("p50_ms_mcp_initialize", round(percentile(mcp, 50)))
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
                        .header("Authorization", "Bearer " + s.runFile().secret()).header("X-Mesh-Token", s.tokens().get(a))
                        .header("Accept", "text/event-stream").build();
                streams.add(http.send(req, HttpResponse.BodyHandlers.ofInputStream()).body());
            }
            RemoteMeshApi api = new RemoteMeshApi(s.runFile(), s.repo());
            for (int k = 0; k < 300; k++) {
                api.call(s.as(agents.get(k % 30)),
                        Json.MAPPER.createObjectNode().put("action", "send").put("to", agents.get((k + 1) % 30)).put("message", "note " + k));
            }
            Thread.sleep(2000);
            long rssKb = rssKb(s.supervisor().pid());
            for (InputStream in : streams) {
                in.close();
            }
            System.out.println(Json.MAPPER.createObjectNode().put("benchmark", "memory").put("agents", agents.size())
                    .put("open_streams", streams.size()).put("rss_mb", Math.round(rssKb / 1024.0)));
        }
    }
}
