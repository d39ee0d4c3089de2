package dev.agentmesh.cli.mcp;

import dev.agentmesh.MeshException;
import dev.agentmesh.api.ApiResult;
import dev.agentmesh.api.Caller;
import dev.agentmesh.api.MeshApi;
import dev.agentmesh.server.mcp.AgentTeamTool;
import dev.agentmesh.server.mcp.PiMessengerTool;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.ServerCapabilities;
import io.modelcontextprotocol.spec.McpServerSession;
import io.modelcontextprotocol.spec.McpServerTransport;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The MCP server of {@code mesh mcp}: the tools {@code pi_messenger} and {@code agent_team} (whose actions are the
 * API's {@code team.*}, see {@link AgentTeamTool}), served over stdio (newline-delimited JSON-RPC, official MCP Java
 * SDK) for one client connection.
 *
 * <p>Every call of the connection shares one {@link Caller}, so {@code join} and {@code rename} carry over
 * to later calls. Results and errors are mapped as {@link PiMessengerTool} and {@link AgentTeamTool} say. Calls of the connection run one at
 * a time, in the order they arrive.
 */
public final class MeshMcpServer {

    private final MeshApi tool;
    private final Caller session;

    private MeshMcpServer(MeshApi tool, Caller session) {
        this.tool = tool;
        this.session = session;
    }

    /**
     * Serves one client until its input ends and returns, once the requests read have been answered (at most
     * {@code 30 s} after the end). Blank lines are skipped. Does not close {@code in} or {@code out}.
     *
     * @param tool    the tool to serve
     * @param session the caller: its agent name (from {@code MESH_AGENT}, or null until {@code join}), cwd and pid
     * @param version the server version reported on initialize
     * @param in      where requests arrive, one JSON-RPC message per line
     * @param out     where responses go; nothing else may write to it
     * @throws MeshException        (invalid input) when a line is not a JSON object: the requests before it are
     *                               answered, then the connection is closed; the message names the line
     * @throws InterruptedException if interrupted while serving
     */
    public static void serve(MeshApi tool, Caller session, String version, InputStream in,
                             OutputStream out) throws InterruptedException {
        McpJsonMapper mapper = new JacksonMcpJsonMapper(JsonMapper.builder().build());
        MeshMcpServer handler = new MeshMcpServer(tool, session);
        // The SDK's stdio threads are not daemons and outlive the end of input; the session closes its
        // transport when input ends (the guard also ends it at a bad line), which is when we stop.
        CountDownLatch closed = new CountDownLatch(1);
        StdioGuard guard = new StdioGuard();
        var transport = new StdioServerTransportProvider(mapper, guard.input(in), guard.output(out)) {
            @Override
            public void setSessionFactory(McpServerSession.Factory factory) {
                super.setSessionFactory(t -> factory.create(new ClosingTransport(t, closed)));
            }
        };
        McpSyncServer server = McpServer.sync(transport)
                .serverInfo("agentmesh", version)
                .capabilities(ServerCapabilities.builder().tools(false).logging().build())
                // The tool checks its arguments itself, leniently and with messages that say what to do.
                .validateToolInputs(false)
                // Calls run in the order they arrive, so a pipelined join is done before the next call.
                .immediateExecution(true)
                .tools(java.util.stream.Stream.concat(java.util.stream.Stream.of(
                        PiMessengerTool.specification(mapper, (exchange, args) -> handler.call(args)),
                        AgentTeamTool.specification(mapper, (exchange, args) -> handler.call(args))),
                        dev.agentmesh.server.mcp.OrchestratorTool.specifications(mapper, (exchange, args) -> handler.call(args)).stream()).toList())
                .build();
        try {
            closed.await();
        } finally {
            server.close();
        }
        if (guard.rejected() != null) {
            throw MeshException.invalidInput("mcp input " + guard.rejected()
                    + " (MCP over stdio takes one JSON-RPC message per line); connection closed");
        }
    }

    /** Runs one tool call; the lock guards the shared session should the SDK ever run calls in parallel. */
    private ApiResult call(JsonNode args) {
        synchronized (session) {
            return tool.call(session, args);
        }
    }

    /** Delegates to the session's transport and counts down {@code closed} once the session closes it. */
    private record ClosingTransport(McpServerTransport delegate, CountDownLatch closed) implements McpServerTransport {
        @Override
        public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
            return delegate.sendMessage(message);
        }

        @Override
        public <T> T unmarshalFrom(Object data, TypeRef<T> type) {
            return delegate.unmarshalFrom(data, type);
        }

        @Override
        public List<String> protocolVersions() {
            return delegate.protocolVersions();
        }

        @Override
        public Mono<Void> closeGracefully() {
            return delegate.closeGracefully().doFinally(s -> closed.countDown());
        }

        @Override
        public void close() {
            try {
                delegate.close();
            } finally {
                closed.countDown();
            }
        }
    }
}
