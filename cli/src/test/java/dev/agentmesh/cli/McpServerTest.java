package dev.agentmesh.cli;

import dev.agentmesh.MeshException;
import dev.agentmesh.cli.mcp.MeshMcpServer;
import dev.agentmesh.mesh.Agent;
import dev.agentmesh.mesh.Mesh;
import dev.agentmesh.mesh.Presence;
import dev.agentmesh.project.Project;
import dev.agentmesh.store.Store;
import dev.agentmesh.api.Caller;
import dev.agentmesh.api.MeshApi;
import dev.agentmesh.api.LocalMeshApi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The MCP server in-process: JSON-RPC lines in, responses out, over a real SQLite store. Input ends right after
 * the last request, as with {@code printf '...' | mesh mcp}, so these also prove that every request read is
 * answered before the server stops.
 */
class McpServerTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration BOUND = Duration.ofSeconds(30);

    @TempDir
    Path tmp;
    private Store store;
    private Mesh mesh;

    @BeforeEach
    void openStore() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("repo/.git")).getParent().toRealPath();
        store = Store.openSqlite(tmp.resolve("mesh.db"));
        mesh = Mesh.create(store, Project.locate(root));
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Test
    void pipelinedCallsShareOneSessionAndAreAllAnsweredInOrder() {
        List<JsonNode> out = serve((String) null,
                call(2, args("join").put("name", "Alice")),
                call(3, args("send").put("to", "Alice").put("message", "note to self")),
                call(4, args("inbox").put("limit", "5")),
                call(5, args("status")));

        assertThat(out).extracting(r -> r.get("id").asInt()).containsExactly(1, 2, 3, 4, 5);
        assertThat(text(out.get(1))).startsWith("joined as Alice");
        // The join of call 2 made this connection Alice: no MESH_AGENT, no name passed again.
        assertThat(text(out.get(2))).startsWith("sent #1 to Alice");
        assertThat(text(out.get(3))).matches("1 message\\(s\\)\n#1 \\d\\d:\\d\\d:\\d\\d Alice: note to self");
        assertThat(text(out.get(4))).startsWith("you are Alice");
        assertThat(out.subList(1, 5)).allSatisfy(r -> assertThat(r.at("/result/isError").asBoolean()).isFalse());
    }

    @Test
    void theAgentGivenAtStartIsTheCallerUntilItRenames() {
        String token = mesh.presence().joinWithToken(new Presence.JoinRequest("Bob", ProcessHandle.current().pid(),
                null, "test", null, null), null).token();
        List<JsonNode> out = serve(session("Bob").token(token),
                call(2, args("set_status").put("message", "reviewing")),
                call(3, args("rename").put("name", "Robert")),
                call(4, args("whois").put("name", "Robert")));

        assertThat(text(out.get(1))).isEqualTo("status: reviewing");
        assertThat(text(out.get(2))).isEqualTo("you are now Robert");
        assertThat(text(out.get(3))).contains("Robert").contains("reviewing");
    }

    @Test
    void aSessionThatKnowsOnlyAnotherAgentsNameCannotActAsIt() {
        mesh.presence().join(new Presence.JoinRequest("Bob", ProcessHandle.current().pid(), null, "test", null, null));
        List<JsonNode> out = serve(session("Bob"), call(2, args("inbox")), call(3, args("leave")));
        assertThat(out.get(1).at("/result/isError").asBoolean()).isTrue();
        assertThat(text(out.get(1))).isEqualTo("acting as Bob needs its token: the token its join returned "
                + "(MESH_AGENT_TOKEN for the CLI; the CLI keeps it for the agent process that joined)");
        assertThat(text(serve(session("Bob").token("forged"), call(2, args("leave"))).get(1)))
                .isEqualTo("the token given is not Bob's; an agent acts only as itself");
        assertThat(mesh.presence().whois("Bob").present()).as("Bob did not leave").isTrue();
    }

    @Test
    void unknownActionIsAnErrorResultListingTheKnownOnes() {
        JsonNode r = serve((String) null, call(2, args("nope"))).get(1);

        assertThat(r.at("/result/isError").asBoolean()).isTrue();
        assertThat(text(r)).isEqualTo("unknown action 'nope'; known actions: "
                + String.join(", ", MeshApi.ACTIONS));
    }

    @Test
    void missingActionAndBadParameterAreOneLineErrorResults() {
        List<JsonNode> out = serve((String) null,
                call(2, JSON.createObjectNode().put("name", "Alice")),
                call(3, args("feed").put("limit", "many")),
                call(4, args("send").put("to", "Bob").put("message", "hi")));

        assertThat(out.subList(1, 4)).allSatisfy(r -> {
            assertThat(r.at("/result/isError").asBoolean()).isTrue();
            assertThat(text(r)).doesNotContain("\n").doesNotContain("Exception");
        });
        assertThat(text(out.get(1))).isEqualTo("parameter 'action' is required");
        assertThat(text(out.get(2))).isEqualTo("parameter 'limit' must be an integer, not \"many\"");
        assertThat(text(out.get(3))).contains("join");
    }

    @Test
    void aLineThatIsNotJsonEndsTheConnectionAfterAnsweringWhatCameBefore() {
        ByteArrayOutputStream protocol = new ByteArrayOutputStream();
        String in = lines(call(2, args("join").put("name", "Alice"))) + "this is not json\n"
                + call(3, args("list")) + "\n";

        assertThatThrownBy(() -> assertTimeoutPreemptively(BOUND, () -> MeshMcpServer.serve(LocalMeshApi.create(store, mesh.project()),
                session(null), "test", new ByteArrayInputStream(in.getBytes(StandardCharsets.UTF_8)), protocol)))
                .isInstanceOf(MeshException.class)
                .hasMessage("mcp input line 4 is not a JSON-RPC message: this is not json (MCP over stdio takes one "
                        + "JSON-RPC message per line); connection closed");
        List<JsonNode> out = parse(protocol);
        assertThat(out).extracting(r -> r.get("id").asInt()).containsExactly(1, 2);
        assertThat(text(out.get(1))).startsWith("joined as Alice");
        assertThat(mesh.presence().list(false)).extracting(Agent::name).containsExactly("Alice");
    }

    @Test
    void blankLinesAndALastLineWithoutNewlineAreAccepted() {
        ByteArrayOutputStream protocol = new ByteArrayOutputStream();
        String in = lines() + "\n  \r\n" + call(2, args("feed"));

        assertTimeoutPreemptively(BOUND, () -> MeshMcpServer.serve(LocalMeshApi.create(store, mesh.project()), session(null), "test",
                new ByteArrayInputStream(in.getBytes(StandardCharsets.UTF_8)), protocol));
        List<JsonNode> out = parse(protocol);
        assertThat(out).extracting(r -> r.get("id").asInt()).containsExactly(1, 2);
        assertThat(out.get(1).at("/result/isError").asBoolean()).isFalse();
    }

    /** Serves initialize, initialized and {@code calls}, then the end of input; returns the parsed responses. */
    private List<JsonNode> serve(String agent, String... calls) {
        return serve(session(agent), calls);
    }

    private List<JsonNode> serve(Caller session, String... calls) {
        ByteArrayOutputStream protocol = new ByteArrayOutputStream();
        byte[] in = lines(calls).getBytes(StandardCharsets.UTF_8);
        assertTimeoutPreemptively(BOUND, () -> MeshMcpServer.serve(LocalMeshApi.create(store, mesh.project()), session, "test",
                new ByteArrayInputStream(in), protocol));
        return parse(protocol);
    }

    private Caller session(String agent) {
        return new Caller(agent, mesh.project().root(), ProcessHandle.current().pid(), "mcp", null);
    }

    private static String lines(String... calls) {
        StringBuilder sb = new StringBuilder()
                .append("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":")
                .append("\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"test\",\"version\":\"1\"}}}\n")
                .append("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n");
        for (String c : calls) {
            sb.append(c).append('\n');
        }
        return sb.toString();
    }

    private static String call(int id, ObjectNode arguments) {
        ObjectNode req = JSON.createObjectNode().put("jsonrpc", "2.0").put("id", id).put("method", "tools/call");
        req.putObject("params").put("name", MeshApi.TOOL).set("arguments", arguments);
        return JSON.writeValueAsString(req);
    }

    private static ObjectNode args(String action) {
        return JSON.createObjectNode().put("action", action);
    }

    private static List<JsonNode> parse(ByteArrayOutputStream protocol) {
        List<JsonNode> out = new ArrayList<>();
        protocol.toString(StandardCharsets.UTF_8).lines().forEach(l -> out.add(JSON.readTree(l)));
        return out;
    }

    private static String text(JsonNode response) {
        return response.at("/result/content/0/text").asString();
    }
}
