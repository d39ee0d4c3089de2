package dev.agentmesh.cli;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.agentmesh.api.Caller;
import dev.agentmesh.api.MeshApi;
import dev.agentmesh.cli.mcp.MeshMcpServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Runs the stdio server of {@code mesh mcp} in this process over a script of JSON-RPC lines, for the MCP tests. */
final class McpStdio {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private McpStdio() {
    }

    /** @return every frame the server wrote, after {@code initialize} and {@code notifications/initialized} and {@code requests} */
    static List<JsonNode> serve(MeshApi api, Caller caller, String... requests) {
        StringBuilder in = new StringBuilder()
                .append("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":")
                .append("\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"test\",\"version\":\"1\"}}}\n")
                .append("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n");
        for (String r : requests) {
            in.append(r).append('\n');
        }
        ByteArrayOutputStream protocol = new ByteArrayOutputStream();
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> MeshMcpServer.serve(api, caller, "test",
                new ByteArrayInputStream(in.toString().getBytes(StandardCharsets.UTF_8)), protocol));
        List<JsonNode> out = new ArrayList<>();
        protocol.toString(StandardCharsets.UTF_8).lines().forEach(l -> out.add(JSON.readTree(l)));
        return out;
    }

    /** @return a {@code tools/call} request line */
    static String call(int id, String tool, String arguments) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
                + "\",\"arguments\":" + arguments + "}}";
    }
}
