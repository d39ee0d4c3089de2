package dev.agentmesh.cli;

import dev.agentmesh.api.Json;
import dev.agentmesh.model.Script;
import dev.agentmesh.model.ScriptedModelServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real Claude Code (pinned npm version, from the test cache) set up with {@code mesh install claude} as written in
 * the README, against a real supervisor and the scripted model server (Anthropic Messages): it joins through
 * {@code mesh mcp}, a message sent to it while its tool runs reaches the model as hook context without an inbox
 * call (once), and its edit of a file another agent holds is denied by the PreToolUse hook, naming the holder.
 * The Stop and UserPromptSubmit hooks are run as Claude Code runs them, with the event on stdin.
 */
class ClaudeOnTheMeshIT {
    static final String CLAUDE_CODE = "2.1.197";
    private static Path claude;

    @TempDir
    Path tmp;
    private Path repo;
    private Path store;
    private Map<String, String> env;
    private Process supervisor;

    @BeforeAll
    static void installClaudeCode() throws Exception {
        claude = ItSupport.npmTool("@anthropic-ai/claude-code", CLAUDE_CODE, "claude");
    }

    @BeforeEach
    void aSupervisedProjectWhereBossHoldsAFile() throws Exception {
        var s = ItSupport.supervised(tmp, Map.of("src/held.js", "original\n"));
        repo = s.repo();
        store = s.store();
        env = s.env();
        supervisor = s.supervisor();
        mesh("join", "--name", "Boss");
        mesh("reserve", "src/held.js", "--reason", "Boss is refactoring it");
    }

    @AfterEach
    void stopSupervisor() throws Exception {
        ItSupport.stopByPid(supervisor);
    }

    @Test
    void installIsIdempotentAndRemoveTakesOutOnlyItsOwn() throws Exception {
        Files.createDirectories(repo.resolve(".claude"));
        Files.writeString(repo.resolve(".claude/settings.local.json"), "{\"permissions\": {\"allow\": [\"Bash(ls:*)\"]}}");
        assertThat(mesh("install", "claude")).contains(".mcp.json: created with the MCP server 'mesh'")
                .contains("settings.local.json: updated with the agentmesh hooks");
        assertThat(mesh("install", "claude")).doesNotContain("created").doesNotContain("updated").contains(".mcp.json: unchanged");
        JsonNode settings = Json.MAPPER.readTree(Files.readString(repo.resolve(".claude/settings.local.json")));
        assertThat(settings.at("/hooks/PreToolUse/0/matcher").asString()).isEqualTo("Edit|Write|MultiEdit|NotebookEdit");
        assertThat(settings.at("/hooks/Stop/0/hooks/0/command").asString()).contains(InstallCommand.CLAUDE_HOOK);
        assertThat(settings.at("/hooks/PreToolUse")).as("one hook per event after two installs").hasSize(1);
        assertThat(settings.at("/enabledMcpjsonServers/0").asString()).isEqualTo("mesh");

        assertThat(mesh("install", "--remove", "claude")).contains(".mcp.json: removed the MCP server 'mesh'");
        assertThat(repo.resolve(".mcp.json")).doesNotExist();
        assertThat(Json.MAPPER.readTree(Files.readString(repo.resolve(".claude/settings.local.json"))))
                .as("the person's own settings stay").isEqualTo(Json.MAPPER.readTree("{\"permissions\": {\"allow\": [\"Bash(ls:*)\"]}}"));

        Files.writeString(repo.resolve(".mcp.json"), "{\"mcpServers\": {\"mesh\": {\"command\": \"other\"}}}");
        var refused = ItSupport.mesh(repo, env, Duration.ofSeconds(60), "install", "claude");
        assertThat(refused.exitCode()).isEqualTo(3);
        assertThat(refused.err()).startsWith("mesh: ").contains("MCP server named 'mesh' that agentmesh did not write");
        Files.delete(repo.resolve(".mcp.json"));
        Files.delete(repo.resolve(".claude/settings.local.json"));
        mesh("install", "claude");
        assertThat(mesh("install", "--remove", "claude")).contains("settings.local.json: removed the agentmesh hooks (and the file");
        assertThat(repo.resolve(".claude")).as("the folder it created, empty again").doesNotExist();
        var unknown = ItSupport.mesh(repo, env, Duration.ofSeconds(60), "install", "vim");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).isEqualTo("mesh: unknown client 'vim'; mesh install takes pi, claude or codex\n");
    }

    @Test
    void claudeCodeIsWokenByAMessageMidTurnAndRefusedAnEditOfAHeldFile() throws Exception {
        assertThat(mesh("install", "claude")).contains("created with the MCP server 'mesh'");
        String held = repo.resolve("src/held.js").toString();
        String script = """
                rules:
                  - match: "[claude] join, wait, then write the held file"
                    steps:
                      - tool: mcp__mesh__pi_messenger
                        args: {action: join, name: Claudia}
                      - tool: Bash
                        args: {command: "sleep 8; echo slept", description: "wait"}
                      - tool: Read
                        args: {file_path: "HELD"}
                      - tool: Write
                        args: {file_path: "HELD", content: "overwritten"}
                      - text: "tried"
                """.replace("HELD", held);
        try (ScriptedModelServer server = ScriptedModelServer.start(Script.parse(script, "claude-mesh-it"), 0)) {
            Path out = tmp.resolve("claude.jsonl");
            ProcessBuilder pb = new ProcessBuilder(claude.toString(), "-p", "[claude] join, wait, then write the held file",
                    "--model", "scripted", "--output-format", "stream-json", "--verbose",
                    "--allowedTools", "Bash,Read,Write,Edit,mcp__mesh__pi_messenger")
                    .directory(repo.toFile()).redirectOutput(out.toFile()).redirectError(tmp.resolve("claude.err").toFile());
            pb.environment().putAll(env);
            pb.environment().putAll(Map.of("ANTHROPIC_BASE_URL", "http://127.0.0.1:" + server.port(), "ANTHROPIC_API_KEY", "any",
                    "CLAUDE_CONFIG_DIR", tmp.resolve("claude-config").toString(), "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1",
                    "DISABLE_AUTOUPDATER", "1", "NO_PROXY", "127.0.0.1,localhost"));
            Process p = pb.start();
            p.getOutputStream().close();
            // once Claudia is on the mesh (her first tool call), Boss tells her something while her Bash tool runs
            long deadline = System.currentTimeMillis() + 90_000;
            while (!mesh("list").contains("Claudia") && System.currentTimeMillis() < deadline && p.isAlive()) {
                Thread.sleep(200);
            }
            assertThat(mesh("send", "Claudia", "change of plan: leave held.js alone")).startsWith("sent #1 to Claudia");
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("claude finished").isTrue();
            String transcript = Files.readString(out);
            assertThat(p.exitValue()).as(transcript + Files.readString(tmp.resolve("claude.err"))).isZero();

            assertThat(transcript).as("connected to mesh mcp").contains("\"name\":\"mesh\",\"status\":\"connected\"")
                    .as("the token stays out of the model's context").doesNotContain("\"token\"");
            assertThat(mesh("list", "--all")).as("joined through mesh mcp").containsPattern("Claudia.*claude");
            assertThat(Files.readString(repo.resolve("src/held.js"))).isEqualTo("original\n");
            assertThat(transcript).as("the tool result Claude Code gave the model")
                    .contains("mesh: src/held.js is reserved by Boss (src/held.js) since").contains("Boss is refactoring it");
            List<String> requests = server.recentRequests();
            String last = requests.getLast();
            assertThat(last.split("from Boss: change of plan", -1)).as("the message reached the model once, as hook context")
                    .hasSize(2);
            assertThat(last).contains("PostToolUse:Bash hook additional context: [mesh] 1 new message(s) for Claudia");
            assertThat(transcript).as("the agent never called inbox").doesNotContain("\"action\":\"inbox\"");
        }
    }

    @Test
    void theStopHookHoldsTheStopWhileMessagesWaitAndThePromptHookAddsThem() throws Exception {
        assertThat(mesh("install", "claude")).contains("created with the MCP server 'mesh'");
        Path hook = store.resolveSibling("clients").resolve(InstallCommand.CLAUDE_HOOK);
        // this test process joins Carol, so a hook run by it (as Claude Code runs hooks, a child of the agent) is Carol
        mesh("join", "--name", "Carol");
        String bossToken = Json.MAPPER.readTree(mesh("join", "--name", "Boss", "--json")).path("token").asString();
        mesh("join", "--name", "Carol");
        Map<String, String> asBoss = new java.util.HashMap<>(env);
        asBoss.put("MESH_AGENT", "Boss");
        asBoss.put("MESH_AGENT_TOKEN", bossToken);
        assertThat(ItSupport.mesh(repo, asBoss, Duration.ofSeconds(60), "send", "Carol", "wait for the review\u001b[2J").exitCode()).isZero();

        String stop = hook(hook, "{\"hook_event_name\":\"Stop\",\"session_id\":\"s1\",\"cwd\":\"" + repo + "\",\"stop_hook_active\":false}");
        JsonNode decision = Json.MAPPER.readTree(stop);
        assertThat(decision.path("decision").asString()).isEqualTo("block");
        assertThat(decision.path("reason").asString()).contains("[mesh] 1 new message(s) for Carol").contains("from Boss: wait for the review\\u001b[2J")
                .doesNotContain("\u001b");
        assertThat(hook(hook, "{\"hook_event_name\":\"Stop\",\"session_id\":\"s1\",\"cwd\":\"" + repo + "\",\"stop_hook_active\":false}"))
                .as("handed out once: the next stop goes through").isEmpty();

        assertThat(ItSupport.mesh(repo, asBoss, Duration.ofSeconds(60), "send", "Carol", "and then merge").exitCode()).isZero();
        assertThat(hook(hook, "{\"hook_event_name\":\"Stop\",\"session_id\":\"s1\",\"cwd\":\"" + repo + "\",\"stop_hook_active\":true}"))
                .as("a stop that is already a hook's continuation is never held").isEmpty();
        JsonNode prompt = Json.MAPPER.readTree(hook(hook, "{\"hook_event_name\":\"UserPromptSubmit\",\"session_id\":\"s1\",\"cwd\":\""
                + repo + "\",\"prompt\":\"go on\"}"));
        assertThat(prompt.at("/hookSpecificOutput/hookEventName").asString()).isEqualTo("UserPromptSubmit");
        assertThat(prompt.at("/hookSpecificOutput/additionalContext").asString()).contains("from Boss: and then merge")
                .doesNotContain("wait for the review");
        assertThat(mesh("inbox", "--as", "Carol")).as("what the hooks handed out is acknowledged").isEqualTo("no new messages\n");

        String free = hook(hook, "{\"hook_event_name\":\"PreToolUse\",\"session_id\":\"s1\",\"cwd\":\"" + repo
                + "\",\"tool_name\":\"Edit\",\"tool_input\":{\"file_path\":\"" + repo.resolve("src/free.js") + "\"}}");
        assertThat(free).as("a free file is not held up").isEmpty();
    }

    @Test
    void theHookEndpointActsOnlyForTheProcessThatOwnsTheConnection() throws Exception {
        var rf = dev.agentmesh.server.RunFile.read(store).orElseThrow();
        var http = java.net.http.HttpClient.newHttpClient();
        String event = "{\"hook_event_name\":\"PreToolUse\",\"cwd\":\"" + repo + "\",\"tool_input\":{\"file_path\":\"src/held.js\"}}";
        java.util.function.BiFunction<String, String, java.net.http.HttpResponse<String>> post = (pid, body) -> {
            var b = java.net.http.HttpRequest.newBuilder(java.net.URI.create(rf.url() + "/api/v1/hooks/claude"))
                    .header("Authorization", "Bearer " + rf.secret()).POST(java.net.http.HttpRequest.BodyPublishers.ofString(body));
            if (pid != null) {
                b.header("X-Mesh-Pid", pid);
            }
            try {
                return http.send(b.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        };
        // a process naming another's pid (here the supervisor's, which holds Boss's session... or anyone's) is refused
        var forged = post.apply(Long.toString(supervisor.pid()), event);
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(forged.body()).contains("does not own this connection");
        var noPid = post.apply(null, event);
        assertThat(noPid.statusCode()).isEqualTo(400);
        assertThat(noPid.body()).contains("X-Mesh-Pid");
        var notJson = post.apply(Long.toString(ProcessHandle.current().pid()), "{\"hook_event_name\": ");
        assertThat(notJson.statusCode()).isEqualTo(400);
        var relative = post.apply(Long.toString(ProcessHandle.current().pid()), event.replace(repo.toString(), "repo"));
        assertThat(relative.statusCode()).isEqualTo(400);
        assertThat(relative.body()).contains("absolute 'cwd'");
        // this test process owns its connection and joined Boss, who holds the file: its own edit is free
        assertThat(post.apply(Long.toString(ProcessHandle.current().pid()), event).statusCode()).isEqualTo(204);
        assertThat(mesh("list")).as("the supervisor survived").contains("Boss");
    }

    /** Runs the hook as Claude Code does: the event JSON on stdin, the command line from the settings. @return stdout */
    private String hook(Path hook, String event) throws Exception {
        Process p = new ProcessBuilder("sh", hook.toString(), store.toString()).directory(repo.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (var in = p.getOutputStream()) {
            in.write(event.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("a hook never fails the agent's turn").isZero();
        return out.strip();
    }

    private String mesh(String... args) throws Exception {
        var r = ItSupport.mesh(repo, env, Duration.ofSeconds(90), args);
        assertThat(r.exitCode()).as("mesh %s: %s", String.join(" ", args), r.err()).isZero();
        return r.out();
    }
}
