package dev.agentmesh.cli;

import dev.agentmesh.api.PiMessengerSchema;
import dev.agentmesh.model.Script;
import dev.agentmesh.model.ScriptedModelServer;
import dev.agentmesh.runtime.AgentSession;
import dev.agentmesh.runtime.AgentSpec;
import dev.agentmesh.runtime.Capability;
import dev.agentmesh.runtime.ModelRef;
import dev.agentmesh.runtime.RunResult;
import dev.agentmesh.runtimes.pi.PiRuntime;
import dev.agentmesh.server.RunFile;
import dev.agentmesh.server.mcp.AgentTeamTool;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code agent_team} adapters (seeds/002) against a real supervisor ({@code bin/mesh serve}, stopped by pid):
 * real pi with agentmesh's extension playing scripted {@code team} steps, the supervisor's {@code /mcp} through the
 * Java SDK's client, and {@code mesh team} / {@code mesh tool agent_team}. Each reaches the supervisor as a
 * {@code team.*} action; {@code run} never leaves the adapter. Written so it holds before the backend answers the
 * {@code team.*} actions (they are then unknown actions, rendered as the error block) and after.
 */
class AgentTeamAdaptersIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String RUN_REFUSED = "# agent_team error\n\nrun is intentionally absent\n\nRepair: use start, then run_status";
    private static final String SCRIPT = """
            rules:
              - match: "[team] delegate"
                steps:
                  - team: {action: run, graph: {objective: x}}
                  - team: {action: catalog, library: {query: scout}}
                  - team: {action: run_status, runId: r1, waitSeconds: 1}
                  - text: "delegated"
            """;

    @TempDir
    Path tmp;
    private Path repo;
    private Path store;
    private Map<String, String> env;
    private Process supervisor;
    private String leadToken;

    @BeforeEach
    void aSupervisedProjectWithALead() throws Exception {
        var s = ItSupport.supervised(tmp, Map.of("src/a.js", "a\n"));
        repo = s.repo();
        store = s.store();
        env = s.env();
        supervisor = s.supervisor();
        leadToken = JSON.readTree(mesh(0, "join", "--name", "Lead", "--json")).path("token").asString();
    }

    @AfterEach
    void stopSupervisor() throws Exception {
        ItSupport.stopByPid(supervisor);
    }

    /** @return whether the supervisor answers team.catalog (the backend landed) rather than naming it unknown */
    private boolean backendAnswers() throws Exception {
        var r = ItSupport.mesh(repo, env, Duration.ofSeconds(60), "tool", "pi_messenger", "{\"action\":\"team.catalog\"}");
        return !r.err().contains("unknown action 'team.catalog'");
    }

    @Test
    void piCallsAgentTeamThroughTheSupervisorAndGetsTheErrorBlockAsAToolError() throws Exception {
        boolean backend = backendAnswers();
        try (ScriptedModelServer server = ScriptedModelServer.start(Script.parse(SCRIPT, "team-it"), 0)) {
            Path pi = PiRuntime.locateOrInstall(System.getenv(), line -> { });
            Path agentDir = PiRuntime.writeLocalModelConfig(tmp.resolve("pi-agent"), server.baseUrl());
            Map<String, String> meshEnv = new HashMap<>();
            // no CLI fallback: every answer below came over HTTP from the supervisor
            meshEnv.put("MESH_CMD", "[\"false\"]");
            meshEnv.put("MESH_STORE", store.toString());
            meshEnv.put("MESH_PROJECT", repo.toString());
            meshEnv.put("MESH_AGENT", "Lead");
            meshEnv.put("MESH_AGENT_TOKEN", leadToken);
            PiRuntime runtime = PiRuntime.create(pi, agentDir, tmp.resolve("ext"), PiMessengerSchema.descriptor(),
                    AgentTeamTool.descriptor(), meshEnv);
            Path transcript = tmp.resolve("lead.jsonl");
            try (AgentSession agent = runtime.launch(new AgentSpec("Lead", "lead", ModelRef.parse("mesh/scripted:off"), null,
                    Set.of(Capability.READ, Capability.SEARCH, Capability.MESH), repo, Map.of(), transcript))) {
                agent.prompt("[team] delegate");
                RunResult r = agent.awaitEnd(Duration.ofSeconds(120));
                assertThat(r.ok()).as(String.valueOf(r.error())).isTrue();
                assertThat(r.finalText()).isEqualTo("delegated");
            }
            assertThat(server.recentRequests().getFirst()).as("pi offered the tool (--tools from the mesh capability)")
                    .contains("\"name\":\"agent_team\"").contains("\"name\":\"pi_messenger\"");
            List<JsonNode> ends = new ArrayList<>();
            for (String line : Files.readAllLines(transcript)) {
                if (line.startsWith("{") && line.contains("\"tool_execution_end\"")) {
                    JsonNode e = JSON.readTree(line);
                    if ("agent_team".equals(e.path("toolName").asString())) {
                        ends.add(e);
                    }
                }
            }
            assertThat(ends).hasSize(3);
            assertThat(ends.get(0).path("isError").asBoolean()).isTrue();
            assertThat(ends.get(0).at("/result/content/0/text").asString()).isEqualTo(RUN_REFUSED);
            if (!backend) {
                assertThat(ends.get(1).path("isError").asBoolean()).isTrue();
                assertThat(ends.get(1).at("/result/content/0/text").asString())
                        .as("the call reached the supervisor as team.catalog").startsWith("# agent_team error\n\nunknown action 'team.catalog'");
                assertThat(ends.get(2).at("/result/content/0/text").asString()).startsWith("# agent_team error\n\nunknown action 'team.run_status'");
            } else {
                assertThat(ends.get(1).path("isError").asBoolean()).as(ends.get(1).toString()).isFalse();
            }
        }
    }

    @Test
    void theSupervisorsMcpAndTheCliOfferAgentTeam() throws Exception {
        boolean backend = backendAnswers();
        RunFile runFile = RunFile.read(store).orElseThrow();
        var transport = HttpClientStreamableHttpTransport.builder(runFile.url())
                .endpoint("/mcp?project=" + URLEncoder.encode(repo.toString(), StandardCharsets.UTF_8))
                .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + runFile.secret())
                        .header("X-Mesh-Agent", "Lead").header("X-Mesh-Token", leadToken))
                .build();
        try (McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(90)).build()) {
            client.initialize();
            assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name).containsExactlyElementsOf(java.util.stream.Stream.concat(java.util.stream.Stream.of("pi_messenger", "agent_team"), dev.agentmesh.api.OrchestratorTools.ALL.stream().map(dev.agentmesh.api.ToolSpec::name)).toList());
            McpSchema.CallToolResult run = client.callTool(new McpSchema.CallToolRequest("agent_team", Map.of("action", "run")));
            assertThat(run.isError()).isTrue();
            assertThat(((McpSchema.TextContent) run.content().getFirst()).text()).isEqualTo(RUN_REFUSED);
            McpSchema.CallToolResult catalog = client.callTool(new McpSchema.CallToolRequest("agent_team", Map.of("action", "catalog")));
            String text = ((McpSchema.TextContent) catalog.content().getFirst()).text();
            if (!backend) {
                assertThat(catalog.isError()).isTrue();
                assertThat(text).startsWith("# agent_team error\n\nunknown action 'team.catalog'");
            } else {
                assertThat(catalog.isError()).as(text).isFalse();
            }
        }

        var cli = ItSupport.mesh(repo, env, Duration.ofSeconds(60), "team", "catalog", "--query", "scout");
        if (!backend) {
            assertThat(cli.exitCode()).isEqualTo(2);
            assertThat(cli.err()).startsWith("mesh: unknown action 'team.catalog'");
        } else {
            assertThat(cli.exitCode()).as(cli.err()).isZero();
        }
        var tool = ItSupport.mesh(repo, env, Duration.ofSeconds(60), "tool", "agent_team", "{\"action\":\"run\"}");
        assertThat(tool.exitCode()).isEqualTo(2);
        assertThat(tool.err()).isEqualTo("mesh: run is intentionally absent Repair: use start, then run_status\n");
        assertThat(supervisor.isAlive()).isTrue();
    }

    private String mesh(int code, String... args) throws Exception {
        var r = ItSupport.mesh(repo, env, Duration.ofSeconds(90), args);
        assertThat(r.exitCode()).as("mesh %s: %s", String.join(" ", args), r.err()).isEqualTo(code);
        return r.out();
    }
}
