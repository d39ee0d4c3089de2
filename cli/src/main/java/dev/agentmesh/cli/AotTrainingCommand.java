package dev.agentmesh.cli;

import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code mesh aot-training} (hidden): the training run from which {@code bin/mesh} builds the JDK's AOT cache
 * ({@code cli/target/mesh.aot}, JEP 483/514), so that a short command starts with its classes loaded and linked.
 * In a temporary folder it runs the commands agents run most (join, send, inbox, list, reserve, reservations check,
 * status, whois, leave) and an MCP session, through a supervisor the first command starts as its own process, as
 * it does for users; then it stops that supervisor. The supervisor runs apart so that the cache holds the classes
 * of a short command only: the JDK loads every class of the cache when a JVM starts, and the server's (Jetty,
 * Flyway, Jdbi, the MCP server) would cost each command more than they save. Prints nothing on success; exits 4
 * when a command failed.
 */
@Command(name = "aot-training", hidden = true, description = "Train the AOT cache (run by bin/mesh after a build).")
final class AotTrainingCommand implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("mesh-aot");
        Path repo = Files.createDirectories(dir.resolve("repo"));
        Files.createDirectories(repo.resolve(".git"));
        Path store = dir.resolve("mesh.db");
        Map<String, String> env = new HashMap<>(Cli.env());
        env.keySet().removeIf(k -> k.startsWith("MESH_"));
        env.put("MESH_STORE", store.toString());
        Map<String, String> savedEnv = Cli.env();
        int failed = 0;
        try {
            for (List<String> args : List.of(List.of("join", "--name", "Ann"), List.of("join", "--name", "Bob"),
                    List.of("send", "Bob", "hello", "--as", "Ann"), List.of("inbox", "--as", "Bob"), List.of("list"),
                    List.of("reserve", "src/a.ts", "--as", "Ann", "--reason", "training"),
                    List.of("reservations", "check", "src/a.ts", "--as", "Ann"), List.of("status", "--as", "Ann"),
                    List.of("whois", "Bob", "--json"), List.of("feed"), List.of("sned"), List.of("leave", "--as", "Bob"))) {
                Cli.reset(env, repo);
                StringWriter out = new StringWriter();
                StringWriter err = new StringWriter();
                int code = MeshCommand.run(args.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
                if (code != 0 && !args.getFirst().equals("sned")) {
                    failed++;
                    System.err.println("aot-training: mesh " + String.join(" ", args) + ": exit " + code + ": " + err.toString().strip());
                }
            }
            // and an MCP session as a client runs one: initialize, tools/list, a call, end of input
            Cli.reset(env, repo);
            String frames = String.join("\n",
                    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\","
                            + "\"capabilities\":{},\"clientInfo\":{\"name\":\"aot-training\",\"version\":\"1\"}}}",
                    "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
                    "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}",
                    "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"pi_messenger\","
                            + "\"arguments\":{\"action\":\"list\"}}}") + "\n";
            dev.agentmesh.cli.mcp.MeshMcpServer.serve(Cli.api(), Cli.caller(null, "mcp"), MeshCommand.version(),
                    new java.io.ByteArrayInputStream(frames.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                    new java.io.PrintStream(new java.io.ByteArrayOutputStream(), true, java.nio.charset.StandardCharsets.UTF_8));
        } finally {
            // the supervisor the first command started
            Cli.reset(env, repo);
            MeshCommand.run(new String[]{"serve", "--stop"}, new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
            Cli.reset(savedEnv, Path.of("").toAbsolutePath());
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return failed == 0 ? 0 : 4;
    }
}
