package dev.agentmesh.cli;

import dev.agentmesh.cli.mcp.MeshMcpServer;
import picocli.CommandLine.Command;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * {@code mesh mcp}: serves the {@code pi_messenger} tool to one MCP client over stdio until the client closes
 * stdin, then exits 0; a line that is not JSON ends it with exit code 2 and a one-line error. Stdout carries
 * protocol frames only; everything else goes to stderr. The caller is {@code MESH_AGENT} until it joins; the pid
 * recorded on join is the client's (the parent process), the runtime {@code MESH_RUNTIME} or {@code mcp}. A join's
 * token is kept in the session file of the client's process (see {@code SessionTokens}), where the client's hooks
 * find it.
 */
@Command(name = "mcp", mixinStandardHelpOptions = true, versionProvider = MeshCommand.Version.class,
        description = {"Serve the pi_messenger tool over MCP (stdio) until stdin closes.",
                "Register it with an MCP client as the command: mesh mcp (MESH_AGENT names the agent, if already joined)."})
final class McpCommand implements Callable<Integer> {

    @Override
    public Integer call() throws InterruptedException {
        var session = Cli.caller(null, "mcp");
        // the supervisor is found (or started) at the first tool call, so initialize is answered at once; the token
        // of a join is kept for the client's process, so its hooks (mesh install claude) act as the agent
        dev.agentmesh.api.MeshApi api = (caller, args) -> {
            String name = caller.agent();
            String token = caller.token();
            var r = Cli.api().call(caller, args);
            Cli.remember(caller, name, token, args);
            return r;
        };
        String v = MeshCommand.class.getPackage().getImplementationVersion();
        PrintStream protocol = System.out;
        PrintWriter cliOut = Cli.out();
        // Anything printed by mistake must not corrupt the protocol stream.
        System.setOut(System.err);
        Cli.out(new PrintWriter(System.err, true));
        try {
            MeshMcpServer.serve(api, session, v == null ? "0.1.0" : v, System.in, protocol);
        } finally {
            System.setOut(protocol);
            Cli.out(cliOut);
        }
        return 0;
    }
}
