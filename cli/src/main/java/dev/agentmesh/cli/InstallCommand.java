package dev.agentmesh.cli;

import dev.agentmesh.MeshException;
import dev.agentmesh.api.Json;
import dev.agentmesh.api.PiMessengerSchema;
import dev.agentmesh.runtimes.claude.ClaudeRuntime;
import dev.agentmesh.runtimes.pi.PiRuntime;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code mesh install pi|claude|codex [--remove]}: sets up a coding-agent client so it is a peer on the mesh
 * (issue 5, part 4). Idempotent: a second run changes nothing and says so; every file it touches is named with what
 * changed; {@code --remove} takes out only what it put in (a file it created and left empty is deleted).
 *
 * <ul>
 *   <li>{@code claude}: in the project, {@code .mcp.json} gets the server {@code mesh} ({@code mesh mcp}, stdio) and
 *       {@code .claude/settings.local.json} (not committed) approves it and adds hooks: {@code PreToolUse} on
 *       {@code Edit|Write|MultiEdit|NotebookEdit} denies edits of files another agent holds, {@code UserPromptSubmit}
 *       and {@code PostToolUse} add new messages as context, {@code Stop} blocks the stop while messages wait. The
 *       hooks run {@code sh STORE_DIR/clients/agentmesh-claude-hook.sh STORE}, which hands the event to the
 *       supervisor with {@code curl} (or node) in one HTTP call.</li>
 *   <li>{@code codex}: {@code $CODEX_HOME/config.toml} (default {@code ~/.codex}) gets a marked
 *       {@code [mcp_servers.mesh]} block ({@code required = true}, {@code tool_timeout_sec} 660 for the orchestrator's waits); Codex has no hooks for edits or prompts, so
 *       its agent learns of messages from the notice on each tool result, and the git guard stops commits.</li>
 *   <li>{@code pi}: agentmesh's extension goes to {@code $PI_CODING_AGENT_DIR/extensions/agentmesh.ts}
 *       (default {@code ~/.pi/agent}), where pi loads it in every session.</li>
 * </ul>
 * Errors: an unknown client (invalid input); a settings file that is not valid JSON or TOML, or a {@code mesh}
 * entry there that agentmesh did not write (unexpected state, nothing changed).
 */
@Command(name = "install", mixinStandardHelpOptions = true, description = {
        "Set up a coding-agent client as a peer on the mesh: pi, claude or codex.",
        "claude: .mcp.json and hooks in .claude/settings.local.json (edits of held files denied, messages as context);",
        "codex: the MCP server in $CODEX_HOME/config.toml; pi: the extension in ~/.pi/agent/extensions.",
        "Run it again to update; --remove takes out what it added."})
final class InstallCommand implements Callable<Integer> {
    /** The name of agentmesh's MCP server entry in every client. */
    static final String SERVER = "mesh";
    /** The file name of the Claude Code hook; a hook whose command contains it is agentmesh's. */
    static final String CLAUDE_HOOK = ClaudeRuntime.HOOK_SCRIPT;
    /** The lines that fence agentmesh's block in a Codex config.toml. */
    static final String TOML_BEGIN = "# >>> agentmesh (mesh install codex; mesh install --remove codex takes it out)";
    static final String TOML_END = "# <<< agentmesh";
    /** A line of agentmesh's pi extension, by which --remove knows the file is its own. */
    static final String PI_MARK = "agentmesh extension for pi";

    @Parameters(paramLabel = "CLIENT", description = "pi, claude or codex")
    String client;

    @Option(names = "--remove", description = "Take out what mesh install added for CLIENT.")
    boolean remove;

    @Override
    public Integer call() throws IOException {
        switch (client) {
            case "claude" -> claude();
            case "codex" -> codex();
            case "pi" -> pi();
            default -> throw MeshException.invalidInput("unknown client '" + client + "'; mesh install takes pi, claude or codex");
        }
        return 0;
    }

    // ---- Claude Code -------------------------------------------------------------------------------------------

    private void claude() throws IOException {
        Path root = Cli.meshEnv().project().root();
        Path store = Cli.meshEnv().storePath();
        Path hook = ClaudeRuntime.hookFile(store);
        Path mcpJson = root.resolve(".mcp.json");
        Path settings = root.resolve(".claude").resolve("settings.local.json");

        // both files are read (and refused if broken) before either is written
        ObjectNode mcp = readJson(mcpJson);
        ObjectNode local = readJson(settings);
        ObjectNode servers = object(mcp, "mcpServers", mcpJson);
        JsonNode existing = servers.get(SERVER);
        if (existing != null && !ours(existing)) {
            throw MeshException.unexpectedState(mcpJson + " has an MCP server named '" + SERVER + "' that agentmesh did not write; "
                    + "rename or remove it, then run mesh install claude again");
        }
        servers.remove(SERVER);
        if (!remove) {
            List<String> cmd = Cli.selfCommand();
            ObjectNode server = servers.putObject(SERVER).put("type", "stdio").put("command", cmd.getFirst());
            ArrayNode args = server.putArray("args");
            cmd.subList(1, cmd.size()).forEach(args::add);
            args.add("mcp");
            server.putObject("env").put("MESH_STORE", store.toString()).put("MESH_RUNTIME", "claude");
        }
        if (servers.isEmpty()) {
            mcp.remove("mcpServers");
        }
        ObjectNode hooks = object(local, "hooks", settings);
        String command = ClaudeRuntime.hookCommand(hook, store);
        for (String event : ClaudeRuntime.HOOK_EVENTS) {
            ArrayNode groups = array(hooks, event, settings);
            for (int i = groups.size() - 1; i >= 0; i--) {
                if (groups.get(i).path("hooks") instanceof ArrayNode hs) {
                    for (int j = hs.size() - 1; j >= 0; j--) {
                        if (hs.get(j).path("command").asString("").contains(CLAUDE_HOOK)) {
                            hs.remove(j);
                        }
                    }
                    if (hs.isEmpty()) {
                        groups.remove(i);
                    }
                }
            }
            if (!remove) {
                ObjectNode group = groups.addObject();
                if (event.equals("PreToolUse")) {
                    group.put("matcher", ClaudeRuntime.EDIT_MATCHER);
                }
                group.putArray("hooks").addObject().put("type", "command").put("command", command).put("timeout", 10);
            }
            if (groups.isEmpty()) {
                hooks.remove(event);
            }
        }
        if (hooks.isEmpty()) {
            local.remove("hooks");
        }
        ArrayNode enabled = array(local, "enabledMcpjsonServers", settings);
        for (int i = enabled.size() - 1; i >= 0; i--) {
            if (SERVER.equals(enabled.get(i).asString(null))) {
                enabled.remove(i);
            }
        }
        if (!remove) {
            enabled.add(SERVER);
        }
        if (enabled.isEmpty()) {
            local.remove("enabledMcpjsonServers");
        }
        write(mcpJson, mcp, "the MCP server '" + SERVER + "'");
        write(settings, local, "the agentmesh hooks");

        if (remove) {
            Cli.out().println("left " + hook + " in place (other projects' hooks may use it)");
        } else {
            writeBytes(hook, ClaudeRuntime.hookScript(), hook.getFileName().toString());
            if (!onPath("curl") && !onPath("node")) {
                Cli.out().println("warning: neither curl nor node is on PATH; the hooks need one of them");
            }
        }
    }

    private static boolean ours(JsonNode server) {
        return server.path("args") instanceof ArrayNode a && !a.isEmpty() && "mcp".equals(a.get(a.size() - 1).asString(null))
                && server.path("env").has("MESH_STORE");
    }

    // ---- Codex -------------------------------------------------------------------------------------------------

    private void codex() throws IOException {
        String home = Cli.env().get("CODEX_HOME");
        Path dir = home != null && !home.isBlank() ? Path.of(home) : Path.of(System.getProperty("user.home"), ".codex");
        Path config = dir.resolve("config.toml");
        String before = Files.isRegularFile(config) ? Files.readString(config) : null;
        String rest = before == null ? "" : withoutBlock(before, config);
        if (before != null) {
            JsonNode parsed = parseToml(rest, config);
            if (parsed.path("mcp_servers").has(SERVER)) {
                throw MeshException.unexpectedState(config + " has [mcp_servers." + SERVER + "] that agentmesh did not write; "
                        + "rename or remove it, then run mesh install codex again");
            }
        }
        String after = rest;
        if (!remove) {
            Path store = Cli.meshEnv().storePath();
            List<String> cmd = Cli.selfCommand();
            List<String> args = new ArrayList<>(cmd.subList(1, cmd.size()));
            args.add("mcp");
            String block = TOML_BEGIN + "\n[mcp_servers." + SERVER + "]\ncommand = " + tomlString(cmd.getFirst())
                    + "\nargs = [" + String.join(", ", args.stream().map(InstallCommand::tomlString).toList()) + "]"
                    + "\nenv = { MESH_STORE = " + tomlString(store.toString()) + ", MESH_RUNTIME = \"codex\" }"
                    + "\nenv_vars = [\"MESH_AGENT\", \"MESH_AGENT_TOKEN\", \"MESH_PROJECT\"]"
                    + "\ntool_timeout_sec = " + dev.agentmesh.runtimes.codex.CodexRuntime.MCP_TOOL_TIMEOUT_S + ".0"
                    + "\nrequired = true\n" + TOML_END + "\n";
            after = rest.isEmpty() ? block : rest.stripTrailing() + "\n\n" + block;
            parseToml(after, config);
        }
        String now = before == null ? "" : before;
        if (after.equals(now)) {
            Cli.out().println(config + ": unchanged");
        } else if (after.isBlank()) {
            Files.delete(config);
            Cli.out().println(config + ": removed [mcp_servers." + SERVER + "] (and the file, which held nothing else)");
        } else {
            Files.createDirectories(dir);
            writeAtomically(config, after.getBytes(StandardCharsets.UTF_8));
            Cli.out().println(config + ": " + (remove ? "removed" : now.contains(TOML_BEGIN) ? "updated" : "added")
                    + " [mcp_servers." + SERVER + "]");
        }
    }

    /** @return {@code toml} without agentmesh's fenced block */
    private static String withoutBlock(String toml, Path file) {
        int begin = toml.indexOf(TOML_BEGIN);
        if (begin < 0) {
            return toml;
        }
        int end = toml.indexOf(TOML_END, begin);
        if (end < 0) {
            throw MeshException.unexpectedState(file + " has the line '" + TOML_BEGIN + "' without its end '" + TOML_END
                    + "'; mend the file by hand");
        }
        String head = toml.substring(0, begin).stripTrailing();
        String tail = toml.substring(end + TOML_END.length()).stripLeading();
        return head.isEmpty() ? tail : tail.isEmpty() ? head + "\n" : head + "\n\n" + tail;
    }

    private static JsonNode parseToml(String text, Path file) {
        try {
            return new tools.jackson.dataformat.toml.TomlMapper().readTree(text);
        } catch (tools.jackson.core.JacksonException e) {
            throw MeshException.unexpectedState(file + " is not valid TOML: " + e.getOriginalMessage().lines().findFirst().orElse("")
                    + "; nothing changed");
        }
    }

    /** A TOML basic string. */
    private static String tomlString(String s) {
        StringBuilder b = new StringBuilder("\"");
        s.codePoints().forEach(c -> {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        b.append(String.format("\\u%04X", c));
                    } else {
                        b.appendCodePoint(c);
                    }
                }
            }
        });
        return b.append('"').toString();
    }

    // ---- pi ----------------------------------------------------------------------------------------------------

    private void pi() throws IOException {
        String agentDir = Cli.env().get("PI_CODING_AGENT_DIR");
        Path dir = (agentDir != null && !agentDir.isBlank() ? Path.of(agentDir) : Path.of(System.getProperty("user.home"), ".pi", "agent"))
                .resolve("extensions");
        Path ext = dir.resolve("agentmesh.ts");
        if (remove) {
            if (!Files.exists(ext)) {
                Cli.out().println(ext + ": not there; nothing changed");
            } else if (!Files.readString(ext).contains(PI_MARK)) {
                throw MeshException.unexpectedState(ext + " is not agentmesh's extension; nothing changed");
            } else {
                Files.delete(ext);
                Cli.out().println(ext + ": removed");
            }
            return;
        }
        if (Files.isRegularFile(ext) && !Files.readString(ext).contains(PI_MARK)) {
            throw MeshException.unexpectedState(ext + " exists and is not agentmesh's extension; move it away, nothing changed");
        }
        byte[] bytes = PiRuntime.extensionSource(PiMessengerSchema.descriptor(),
                dev.agentmesh.server.mcp.AgentTeamTool.descriptor(), Cli.selfCommand()).getBytes(StandardCharsets.UTF_8);
        writeBytes(ext, bytes, "the agentmesh extension");
    }

    // ---- files -------------------------------------------------------------------------------------------------

    private static ObjectNode readJson(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return Json.MAPPER.createObjectNode();
        }
        String text = Files.readString(file);
        if (text.isBlank()) {
            return Json.MAPPER.createObjectNode();
        }
        try {
            return Json.parseObject(text, file.toString());
        } catch (MeshException e) {
            throw MeshException.unexpectedState(e.getMessage() + "; nothing changed");
        }
    }

    /** @return {@code parent.key} as an object, created when missing; a value of another type is refused */
    private static ObjectNode object(ObjectNode parent, String key, Path file) {
        return child(parent, key, file, ObjectNode.class, () -> parent.putObject(key), "an object");
    }

    /** @return {@code parent.key} as an array, created when missing; a value of another type is refused */
    private static ArrayNode array(ObjectNode parent, String key, Path file) {
        return child(parent, key, file, ArrayNode.class, () -> parent.putArray(key), "an array");
    }

    private static <T extends JsonNode> T child(ObjectNode parent, String key, Path file, Class<T> type,
                                                java.util.function.Supplier<T> create, String what) {
        JsonNode v = parent.get(key);
        if (v == null || v.isNull()) {
            return create.get();
        }
        if (type.isInstance(v)) {
            return type.cast(v);
        }
        throw MeshException.unexpectedState(file + ": '" + key + "' is not " + what + "; mend it by hand, nothing changed");
    }

    /** Writes {@code bytes} to a temporary file beside {@code file} and moves it over, so a crash leaves the old one. */
    private static void writeAtomically(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp");
        try {
            Files.write(tmp, bytes);
            if (Files.exists(file)) {
                Files.setPosixFilePermissions(tmp, Files.getPosixFilePermissions(file));
            }
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Writes {@code json} to {@code file} if it differs, and says what happened; an empty object deletes the file. */
    private void write(Path file, ObjectNode json, String what) throws IOException {
        String before = Files.isRegularFile(file) ? Files.readString(file) : null;
        JsonNode old = before == null || before.isBlank() ? null : Json.MAPPER.readTree(before);
        if (old != null ? old.equals(json) : json.isEmpty()) {
            Cli.out().println(file + ": unchanged");
        } else if (json.isEmpty()) {
            Files.delete(file);
            Cli.out().println(file + ": removed " + what + " (and the file, which held nothing else)");
            try (var left = Files.list(file.getParent())) {
                if (left.findAny().isEmpty() && !file.getParent().equals(Cli.meshEnv().project().root())) {
                    Files.delete(file.getParent());
                }
            }
        } else {
            writeAtomically(file, (Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(json) + "\n")
                    .getBytes(StandardCharsets.UTF_8));
            Cli.out().println(file + ": " + (remove ? "removed " : before == null ? "created with " : "updated with ") + what);
        }
    }

    private static void writeBytes(Path file, byte[] bytes, String what) throws IOException {
        if (Files.isRegularFile(file) && java.util.Arrays.equals(Files.readAllBytes(file), bytes)) {
            Cli.out().println(file + ": unchanged");
            return;
        }
        boolean existed = Files.exists(file);
        writeAtomically(file, bytes);
        Cli.out().println(file + ": " + (existed ? "updated " : "wrote ") + what);
    }


    private static boolean onPath(String program) {
        String path = Cli.env().getOrDefault("PATH", "");
        for (String d : path.split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, program))) {
                return true;
            }
        }
        return false;
    }
}
