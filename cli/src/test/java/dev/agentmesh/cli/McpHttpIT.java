package dev.agentmesh.cli;

import dev.agentmesh.server.RunFile;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code /mcp} of a real {@code mesh serve} process (MCP Streamable HTTP), as real MCP clients see it: the MCP
 * Inspector CLI (the TypeScript SDK that Claude Code and others use) and the Java SDK's client, plus malformed
 * frames sent raw.
 */
class McpHttpIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static Path inspector;

    @TempDir
    Path tmp;
    private Path repo;
    private Path store;
    private Process supervisor;
    private RunFile runFile;

    @BeforeAll
    static void install() throws Exception {
        inspector = McpServerIT.installInspector();
    }

    @BeforeEach
    void repositoryAndSupervisor() throws Exception {
        repo = Files.createDirectories(tmp.resolve("repo")).toRealPath();
        store = tmp.resolve("mesh.db");
        ItSupport.run(tmp, "git", "init", "-q", repo.toString());
        supervisor = ItSupport.start(repo, ItSupport.env(store), tmp.resolve("serve.log"), "serve");
        runFile = ItSupport.awaitRunFile(store, supervisor);
    }

    @AfterEach
    void stopSupervisor() throws Exception {
        ItSupport.stopByPid(supervisor);
    }

    private String url() {
        return runFile.url() + "/mcp?project=" + URLEncoder.encode(repo.toString(), StandardCharsets.UTF_8);
    }

    @Test
    void theInspectorListsTheToolAndCallsItOverHttpWithTheSecret() throws Exception {
        Result tools = inspect(List.of("Authorization: Bearer " + runFile.secret()), "--method", "tools/list");
        assertThat(tools.code).as(tools.err).isZero();
        assertThat(JSON.readTree(tools.out).at("/result/tools/0/name").asString()).isEqualTo("pi_messenger");

        Result joined = inspect(List.of("Authorization: Bearer " + runFile.secret()),
                "--method", "tools/call", "--tool-name", "pi_messenger", "--tool-arg", "action=join", "--tool-arg", "name=Web");
        assertThat(joined.code).as(joined.err).isZero();
        assertThat(text(joined)).startsWith("joined as Web");
        assertThat(joined.out).as("a token never goes into a result a model reads").doesNotContain("token");
        // a later session acts as an agent joined elsewhere (here by the CLI) with its name and token in headers
        var cli = mesh("join", "--name", "Ward", "--json");
        assertThat(cli.exitCode()).as(cli.err()).isZero();
        String token = JSON.readTree(cli.out()).path("token").asString();
        assertThat(token).as("the CLI's --json hands the program that joined its token").hasSizeGreaterThan(30);
        // a later session names its agent with headers: the name and its token
        Result inbox = inspect(List.of("Authorization: Bearer " + runFile.secret(), "X-Mesh-Agent: Ward", "X-Mesh-Token: " + token),
                "--method", "tools/call", "--tool-name", "pi_messenger", "--tool-arg", "action=inbox");
        assertThat(text(inbox)).isEqualTo("no new messages");
        // the name alone is not enough to read the agent's inbox
        Result forged = inspect(List.of("Authorization: Bearer " + runFile.secret(), "X-Mesh-Agent: Ward"),
                "--method", "tools/call", "--tool-name", "pi_messenger", "--tool-arg", "action=inbox");
        assertThat(text(forged)).startsWith("acting as Ward needs its token");
    }

    @Test
    void theReadmesHttpSetupWorksAsWritten() throws Exception {
        String readme = Files.readString(ItSupport.repoRoot().resolve("README.md"));
        int at = readme.indexOf("rf=$(cat \"${MESH_STORE");
        assertThat(at).as("the README's /mcp snippet").isPositive();
        String snippet = readme.substring(at, readme.indexOf("```", at))
                // the inspector from the test cache, not a download
                .replace("npx @modelcontextprotocol/inspector", inspector.toString());
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", "set -euo pipefail\n" + snippet).directory(repo.toFile());
        pb.environment().put("MESH_STORE", store.toString());
        pb.environment().put("MCP_CATALOG_PATH", tmp.resolve("inspector-catalog.json").toString());
        Path out = tmp.resolve("readme.out");
        Process p = pb.redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(out)).isZero();
        assertThat(Files.readString(out)).contains("\"name\": \"pi_messenger\"");
    }

    @Test
    void withoutTheSecretTheInspectorIsRefusedAndTheServerLivesOn() throws Exception {
        Result r = inspect(List.of(), "--method", "tools/list");
        assertThat(r.code).isNotZero();
        // the SDK takes the 401 for a server that wants OAuth
        assertThat(r.out + r.err).contains("auth");
        assertThat(supervisor.isAlive()).isTrue();
        assertThat(inspect(List.of("Authorization: Bearer " + runFile.secret()), "--method", "tools/list").code).isZero();
    }

    @Test
    void aSessionKeepsItsJoinAndItsAgentLeavesOnceTheSessionEnds() throws Exception {
        McpSyncClient client = client();
        client.initialize();
        McpSchema.CallToolResult joined = call(client, Map.of("action", "join", "name", "Java"));
        assertThat(joined.isError()).isFalse();
        assertThat(((McpSchema.TextContent) joined.content().getFirst()).text()).startsWith("joined as Java");
        McpSchema.CallToolResult status = call(client, Map.of("action", "status"));
        assertThat(((McpSchema.TextContent) status.content().getFirst()).text()).startsWith("you are Java");
        assertThat(mesh("list").out()).contains("Java");

        client.closeGracefully();
        // no pid to watch: the session's lease ran out, so the agent is gone within the lease and a reap
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(mesh("feed").out()).contains("Java leave: its connection is gone"));
        assertThat(mesh("list").out()).doesNotContain("Java");
    }

    @Test
    void everyMalformedFrameGetsAJsonRpcErrorAndTheSessionGoesOn() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> init = post(http, null, """
                {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},
                 "clientInfo":{"name":"McpHttpIT","version":"1"}}}""".getBytes(StandardCharsets.UTF_8));
        assertThat(init.statusCode()).isEqualTo(200);
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        post(http, session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}".getBytes(StandardCharsets.UTF_8));

        byte[] bom = "\uFEFF{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/list\"}".getBytes(StandardCharsets.UTF_8);
        byte[] huge = new byte[30 * 1024 * 1024];
        java.util.Arrays.fill(huge, (byte) 'a');
        Map<String, byte[]> frames = new java.util.LinkedHashMap<>();
        frames.put("{}", "{}".getBytes(StandardCharsets.UTF_8));
        frames.put("id null", "{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"tools/list\"}".getBytes(StandardCharsets.UTF_8));
        frames.put("id object", "{\"jsonrpc\":\"2.0\",\"id\":{\"x\":1},\"method\":\"tools/list\"}".getBytes(StandardCharsets.UTF_8));
        frames.put("duplicate id", "{\"jsonrpc\":\"2.0\",\"id\":1,\"id\":2,\"method\":\"tools/list\"}".getBytes(StandardCharsets.UTF_8));
        frames.put("BOM", bom);
        frames.put("30 MB", huge);
        frames.put("deep nesting", ("{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000)).getBytes(StandardCharsets.UTF_8));
        frames.put("not JSON", "not json".getBytes(StandardCharsets.UTF_8));
        frames.put("invalid UTF-8", new byte[]{'{', (byte) 0xC3, (byte) 0x28, '}'});
        for (Map.Entry<String, byte[]> f : frames.entrySet()) {
            HttpResponse<String> r = post(http, session, f.getValue());
            assertThat(r.statusCode()).as(f.getKey()).isIn(400, 413);
            JsonNode body = JSON.readTree(r.body());
            assertThat(body.path("jsonrpc").asString()).as(f.getKey() + ": " + r.body()).isEqualTo("2.0");
            assertThat(body.at("/error/code").asInt()).as(f.getKey()).isIn(-32700, -32600);
            assertThat(body.at("/error/message").asString()).as(f.getKey()).doesNotContain("\n").isNotBlank();
        }
        HttpResponse<String> ok = post(http, session, """
                {"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"pi_messenger","arguments":{"action":"list"}}}"""
                .getBytes(StandardCharsets.UTF_8));
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).contains("\"id\":7").contains("agent(s)");
        assertThat(supervisor.isAlive()).isTrue();
    }

    @Test
    void aSessionWithoutAProjectIsToldHowToNameOneAndTheServerLivesOn() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String bare = runFile.url() + "/mcp";
        HttpResponse<String> init = post(http, bare, null, """
                {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},
                 "clientInfo":{"name":"McpHttpIT","version":"1"}}}""".getBytes(StandardCharsets.UTF_8));
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        post(http, bare, session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}".getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> call = post(http, bare, session, """
                {"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"pi_messenger","arguments":{"action":"list"}}}"""
                .getBytes(StandardCharsets.UTF_8));
        assertThat(call.body()).contains("\"isError\":true")
                .contains("this MCP session has no project: connect to /mcp?project=/absolute/folder or send the header X-Mesh-Project");
        assertThat(supervisor.isAlive()).isTrue();
    }

    @Test
    void aForeignOriginOrHostIsRefused() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url()))
                .header("Authorization", "Bearer " + runFile.secret()).header("Origin", "http://evil.example")
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(r.body()).path("error").asString()).contains("origin http://evil.example");
    }

    private HttpResponse<String> post(HttpClient http, String session, byte[] body) throws Exception {
        return post(http, url(), session, body);
    }

    private HttpResponse<String> post(HttpClient http, String url, String session, byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + runFile.secret())
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (session != null) {
            b.header("Mcp-Session-Id", session);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private McpSyncClient client() {
        var transport = HttpClientStreamableHttpTransport.builder(runFile.url())
                .endpoint("/mcp?project=" + URLEncoder.encode(repo.toString(), StandardCharsets.UTF_8))
                .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + runFile.secret()))
                .build();
        return McpClient.sync(transport).requestTimeout(Duration.ofSeconds(30)).build();
    }

    private static McpSchema.CallToolResult call(McpSyncClient client, Map<String, Object> args) {
        return client.callTool(new McpSchema.CallToolRequest("pi_messenger", args));
    }

    private ItSupport.Result mesh(String... args) throws Exception {
        Map<String, String> env = ItSupport.env(store);
        env.remove("MESH_SERVE");
        return ItSupport.mesh(repo, env, Duration.ofSeconds(60), args);
    }

    private record Result(int code, String out, String err) {
    }

    private Result inspect(List<String> headers, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(inspector.toString(), "--cli", "--format", "json", url(),
                "--transport", "http"));
        for (String h : headers) {
            cmd.addAll(List.of("--header", h));
        }
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(repo.toFile());
        pb.environment().put("MCP_CATALOG_PATH", tmp.resolve("inspector-catalog.json").toString());
        Path out = Files.createTempFile(tmp, "insp", ".out");
        Path err = Files.createTempFile(tmp, "insp", ".err");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        p.getOutputStream().close();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", cmd) + " did not finish in 120 s");
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private static String text(Result r) {
        JsonNode root = JSON.readTree(r.out);
        JsonNode content = root.has("result") ? root.at("/result/content/0/text") : root.at("/content/0/text");
        return content.asString();
    }
}
