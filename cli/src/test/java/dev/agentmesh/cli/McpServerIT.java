package dev.agentmesh.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code mesh mcp} as a real MCP client sees it: the MCP Inspector CLI ({@code @modelcontextprotocol/inspector},
 * pinned, installed by npm into {@code $MESH_CACHE/npm} or {@code ~/.cache/agentmesh/npm}) starts {@code bin/mesh
 * mcp} once per call, on a temporary store and git repository; plus the process's own lifecycle on stdin.
 */
class McpServerIT {
    private static final String INSPECTOR = "2.12.0";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static Path root;
    private static Path inspector;

    @TempDir
    Path tmp;
    private Path repo;
    private Path store;
    private Process supervisor;

    @BeforeAll
    static void installInspectorOnce() throws Exception {
        inspector = installInspector();
    }

    /** @return the inspector CLI, installed into the test cache by npm when it is not there yet */
    static Path installInspector() throws Exception {
        root = Path.of("").toAbsolutePath();
        while (!Files.isExecutable(root.resolve("bin/mesh"))) {
            root = root.getParent();
            assertThat(root).as("bin/mesh above the working directory").isNotNull();
        }
        Path inspector = ItSupport.npmTool("@modelcontextprotocol/inspector", INSPECTOR, "mcp-inspector");
        return inspector;
    }

    @BeforeEach
    void repositoryAndSupervisor() throws Exception {
        repo = Files.createDirectories(tmp.resolve("repo")).toRealPath();
        store = tmp.resolve("mesh.db");
        assertThat(run(new ProcessBuilder("git", "init", "-q", repo.toString()), null, 60).code).isZero();
        // every bin/mesh mcp below finds this supervisor through the run file and calls it over HTTP
        ProcessBuilder pb = new ProcessBuilder(root.resolve("bin/mesh").toString(), "serve").directory(repo.toFile())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("serve.log").toFile());
        env(pb.environment());
        supervisor = pb.start();
        ItSupport.awaitRunFile(store, supervisor);
    }

    @AfterEach
    void stopSupervisor() throws Exception {
        ItSupport.stopByPid(supervisor);
        assertThat(store.resolveSibling("mesh.db.serve.json")).as("the run file after a clean stop").doesNotExist();
    }

    @Test
    void toolsListShowsPiMessengerAndAgentTeamWithADescriptionAndAPortableSchema() throws Exception {
        long start = System.nanoTime();
        Result r = inspect(null, null, "--method", "tools/list", "--strict");
        System.out.printf("inspector tools/list: %d ms%n", (System.nanoTime() - start) / 1_000_000);

        assertThat(r.code).as(r.err).isZero();
        JsonNode tools = JSON.readTree(r.out).get("result").get("tools");
        assertThat(tools).extracting(t -> t.get("name").asString()).containsExactlyInAnyOrderElementsOf(java.util.stream.Stream.concat(java.util.stream.Stream.of("pi_messenger", "agent_team"), dev.agentmesh.api.OrchestratorTools.ALL.stream().map(dev.agentmesh.api.ToolSpec::name)).toList());
        JsonNode tool = java.util.stream.StreamSupport.stream(tools.spliterator(), false)
                .filter(t -> t.get("name").asString().equals("pi_messenger")).findFirst().orElseThrow();
        JsonNode team = java.util.stream.StreamSupport.stream(tools.spliterator(), false)
                .filter(t -> t.get("name").asString().equals("agent_team")).findFirst().orElseThrow();
        assertThat(team.at("/inputSchema/properties/action/enum")).extracting(JsonNode::asString)
                .containsExactly("catalog", "start", "run_status", "step_result", "message", "cancel", "cleanup");
        assertThat(tool.get("description").asString()).contains("agents").hasSizeGreaterThan(100);
        JsonNode schema = tool.get("inputSchema");
        assertThat(schema.at("/required/0").asString()).isEqualTo("action");
        assertThat(schema.at("/properties/action/enum")).extracting(JsonNode::asString)
                .contains("join", "send", "inbox", "reserve", "task.done");
        assertThat(schema.at("/properties/to/anyOf")).hasSize(2);
    }

    @Test
    void agentsJoinSendAndReadTheirInboxThroughSeparateServers() throws Exception {
        // Each inspector run is a new server whose join records the inspector's pid, so an agent counts as gone
        // once its run ends, and the next join reaps it. Bob joins first: a recipient only has to be known. Alice
        // joins last, so she is still present when she sends.
        Result bob = call(null, null, "--tool-arg", "action=join", "--tool-arg", "name=Bob");
        assertThat(text(bob)).startsWith("joined as Bob");
        assertThat(bob.out).as("a token never goes into a result a model reads").doesNotContain("token");
        Result alice = call(null, null, "--tool-arg", "action=join", "--tool-arg", "name=Alice");
        assertThat(text(alice)).startsWith("joined as Alice");
        // later servers act as them with the token a join hands the program that joined (here the CLI's --json)
        String bobToken = tokenOf("Bob");
        String aliceToken = tokenOf("Alice");

        Result sent = call("Alice", aliceToken, "--tool-arg", "action=send", "--tool-arg", "to=Bob", "--tool-arg", "message=hello Bob");
        assertThat(sent.code).as(sent.err).isZero();
        assertThat(text(sent)).isEqualTo("sent #1 to Bob");

        Result bad = call("Alice", aliceToken, "--tool-args-json", "{\"action\":\"send\",\"to\":[\"Bob\",\"Nobody\"],\"message\":\"lost\"}");
        assertThat(bad.code).as("inspector exit code for an isError result").isEqualTo(5);
        assertThat(JSON.readTree(bad.out).at("/result/isError").asBoolean()).isTrue();
        assertThat(text(bad)).doesNotContain("\n").contains("unknown agent 'Nobody'");

        Result forged = call("Bob", aliceToken, "--tool-arg", "action=inbox");
        assertThat(text(forged)).as("Alice's token does not read Bob's inbox").isEqualTo("the token given is not Bob's; an agent acts only as itself");
        Result inbox = call("Bob", bobToken, "--tool-arg", "action=inbox");
        assertThat(inbox.code).as(inbox.err).isZero();
        assertThat(text(inbox)).matches("1 message\\(s\\)\n#1 \\d\\d:\\d\\d:\\d\\d Alice: hello Bob");
        ProcessBuilder feed = new ProcessBuilder(root.resolve("bin/mesh").toString(), "feed");
        env(feed.environment());
        Result cli = run(feed, repo, 60);
        assertThat(cli.code).as(cli.err).isZero();
        assertThat(cli.out).contains("hello Bob").doesNotContain("lost");
    }

    @Test
    void closingStdinEndsTheServerWithExitCodeZero() throws Exception {
        Process p = mcp();
        try (OutputStream in = p.getOutputStream()) {
            in.write((initialize() + "\n").getBytes(StandardCharsets.UTF_8));
        }
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("exited within 30 s").isTrue();
        assertThat(p.exitValue()).isZero();
        assertThat(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).contains("\"serverInfo\"");
    }

    @Test
    void aLineThatIsNotJsonEndsTheServerWithOneLineAndExitCodeTwo() throws Exception {
        Process p = mcp();
        OutputStream in = p.getOutputStream();
        in.write((initialize() + "\nnot json at all\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
        // stdin stays open: the bad line alone must end the process.
        boolean exited = p.waitFor(30, TimeUnit.SECONDS);
        if (!exited) {
            p.destroyForcibly();
        }
        assertThat(exited).as("exited within 30 s").isTrue();
        in.close();
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).contains("\"serverInfo\"");
        assertThat(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip()).isEqualTo(
                "mesh: mcp input line 2 is not a JSON-RPC message: not json at all (MCP over stdio takes one JSON-RPC "
                        + "message per line); connection closed");
    }

    private String tokenOf(String agent) throws Exception {
        ProcessBuilder join = new ProcessBuilder(root.resolve("bin/mesh").toString(), "join", "--name", agent, "--json");
        env(join.environment());
        Result r = run(join, repo, 60);
        assertThat(r.code).as(r.err).isZero();
        return JSON.readTree(r.out).path("token").asString();
    }

    private Result call(String agent, String token, String... args) throws Exception {
        List<String> a = new ArrayList<>(List.of("--method", "tools/call", "--tool-name", "pi_messenger"));
        a.addAll(List.of(args));
        return inspect(agent, token, a.toArray(String[]::new));
    }

    /** Runs the inspector CLI against {@code bin/mesh mcp}; it hands the server only the env given with -e. */
    private Result inspect(String agent, String token, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(inspector.toString(), "--cli", "--format", "json",
                "-e", "MESH_STORE=" + store));
        if (agent != null) {
            cmd.addAll(List.of("-e", "MESH_AGENT=" + agent));
        }
        if (token != null) {
            cmd.addAll(List.of("-e", "MESH_AGENT_TOKEN=" + token));
        }
        cmd.addAll(List.of(root.resolve("bin/mesh").toString(), "mcp"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        env(pb.environment());
        pb.environment().put("MCP_CATALOG_PATH", tmp.resolve("inspector-catalog.json").toString());
        return run(pb, repo, 120);
    }

    private Process mcp() throws IOException {
        ProcessBuilder pb = new ProcessBuilder(root.resolve("bin/mesh").toString(), "mcp").directory(repo.toFile());
        env(pb.environment());
        return pb.start();
    }

    private void env(Map<String, String> env) {
        env.keySet().removeIf(k -> k.startsWith("MESH_"));
        env.put("MESH_STORE", store.toString());
    }

    private static String initialize() {
        return "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\","
                + "\"capabilities\":{},\"clientInfo\":{\"name\":\"McpServerIT\",\"version\":\"1\"}}}";
    }

    private static String text(Result r) {
        return JSON.readTree(r.out).at("/result/content/0/text").asString();
    }

    private record Result(int code, String out, String err) {
    }

    private static Result run(ProcessBuilder pb, Path dir, int timeoutSeconds) throws Exception {
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        Path out = Files.createTempFile("mcp-it", ".out");
        Path err = Files.createTempFile("mcp-it", ".err");
        try {
            Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            p.getOutputStream().close();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", pb.command()) + " did not finish in " + timeoutSeconds + " s");
            }
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
