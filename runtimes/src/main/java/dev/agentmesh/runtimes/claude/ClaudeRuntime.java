package dev.agentmesh.runtimes.claude;

import dev.agentmesh.MeshException;
import dev.agentmesh.project.SessionTokens;
import dev.agentmesh.runtime.AgentRuntime;
import dev.agentmesh.runtime.AgentSession;
import dev.agentmesh.runtime.AgentSpec;
import dev.agentmesh.runtime.Capability;
import dev.agentmesh.runtimes.MeshLink;
import dev.agentmesh.runtimes.internal.AgentLaunch;
import dev.agentmesh.runtimes.internal.NpmTools;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The Claude Code runtime: one long-lived {@code claude -p --input-format stream-json --output-format stream-json}
 * process per agent (reference/agent-cli-protocols.md), driven by {@link ClaudeSession}. What agentmesh gives it:
 * <ul>
 *   <li>the allow-list: capabilities map to Claude's tools (read → {@code Read}, search → {@code Grep,Glob}, edit →
 *       {@code Edit,NotebookEdit}, write → {@code Write}, shell → {@code Bash}, mesh →
 *       {@code mcp__mesh__pi_messenger,mcp__mesh__agent_team}, the mesh server's two tools); the built-in ones are the only tools it has ({@code --tools}) and all of them
 *       run without asking ({@code --allowedTools}), so a tool outside the capabilities is neither offered nor run;</li>
 *   <li>the mesh: the supervisor's {@code /mcp} as its only MCP server ({@code --strict-mcp-config}), as the agent
 *       (its name and token in the headers), or the {@code mesh mcp} bridge when no supervisor runs; the
 *       configuration is a file only its owner reads, since it holds the secret and the token;</li>
 *   <li>enforcement: agentmesh's hooks ({@code PreToolUse} on {@value #EDIT_MATCHER} denies an edit of a file another
 *       agent holds; {@code PostToolUse}, {@code UserPromptSubmit} and {@code Stop} hand it new messages), from
 *       {@code --settings}, with the project's and user's own settings files left out so no second copy of the hooks
 *       runs; the process is registered for the hooks ({@link SessionTokens}) under its pid;</li>
 *   <li>a session id of agentmesh's choosing ({@code --session-id}), so {@link #resume} ({@code --resume}) continues it.</li>
 * </ul>
 * Thread-safe.
 */
public final class ClaudeRuntime implements AgentRuntime {
    /** The npm package of Claude Code. */
    public static final String PACKAGE = "@anthropic-ai/claude-code";
    /** The pinned version installed when no {@code claude} is on PATH (reference/agent-cli-protocols.md). */
    public static final String VERSION = "2.1.197";
    /** The name of agentmesh's hook script for Claude Code. */
    public static final String HOOK_SCRIPT = "agentmesh-claude-hook.sh";
    /** The {@code PreToolUse} matcher of the edit tools whose paths the hook checks against reservations. */
    public static final String EDIT_MATCHER = "Edit|Write|MultiEdit|NotebookEdit";
    /** The hook events agentmesh hooks into, in the order they are written. */
    public static final List<String> HOOK_EVENTS = List.of("PreToolUse", "PostToolUse", "UserPromptSubmit", "Stop");
    /** The name of the mesh's MCP server in Claude's configuration. */
    public static final String MCP_SERVER = "mesh";
    /** The mesh tool as Claude Code names it. */
    public static final String MESH_TOOL = "mcp__" + MCP_SERVER + "__pi_messenger";
    /** The team tool (seeds/002) as Claude Code names it. */
    public static final String TEAM_TOOL = "mcp__" + MCP_SERVER + "__agent_team";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Path claude;
    private final Map<String, String> env;
    private final MeshLink mesh;
    private final Path hook;

    private ClaudeRuntime(Path claude, Map<String, String> env, MeshLink mesh, Path hook) {
        this.claude = claude;
        this.env = env;
        this.mesh = mesh;
        this.hook = hook;
    }

    /**
     * @param claude the {@code claude} executable
     * @param env    environment for every agent: the model endpoint and config folder (see {@link #localModelEnv}), keys
     * @param mesh   how its agents reach the mesh
     * @return the runtime, with the hook script written beside the store
     * @throws MeshException (unexpected state) if the hook script cannot be written
     */
    public static ClaudeRuntime create(Path claude, Map<String, String> env, MeshLink mesh) {
        Path hook = hookFile(mesh.store());
        try {
            Files.createDirectories(hook.getParent());
            byte[] bytes = hookScript();
            if (!Files.exists(hook) || !java.util.Arrays.equals(Files.readAllBytes(hook), bytes)) {
                Files.write(hook, bytes);
            }
        } catch (IOException e) {
            throw MeshException.unexpectedState("cannot write the Claude Code hook " + hook + ": " + e.getMessage(), e);
        }
        return new ClaudeRuntime(claude, Map.copyOf(env), mesh, hook);
    }

    /**
     * Finds Claude Code: {@code MESH_CLAUDE}, else {@code claude} on PATH, else the pinned version in the cache folder,
     * installed there with npm when missing.
     *
     * @throws MeshException (invalid input) if {@code MESH_CLAUDE} is not executable; (unexpected state) if it is
     *                       missing and cannot be installed
     */
    public static Path locateOrInstall(Map<String, String> env, Consumer<String> log) {
        return NpmTools.locateOrInstall(env, "MESH_CLAUDE", "claude", PACKAGE, VERSION, log);
    }

    /**
     * @param baseUrl   an Anthropic Messages endpoint without {@code /v1}, e.g. the scripted model server's
     *                  {@code http://127.0.0.1:PORT}
     * @param configDir Claude Code's config folder ({@code CLAUDE_CONFIG_DIR}), kept apart from the user's
     * @return the environment that points Claude Code at it, with its telemetry and updater off
     */
    public static Map<String, String> localModelEnv(String baseUrl, Path configDir) {
        return Map.of("ANTHROPIC_BASE_URL", baseUrl, "ANTHROPIC_API_KEY", "none", "CLAUDE_CONFIG_DIR", configDir.toString(),
                "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1", "DISABLE_AUTOUPDATER", "1");
    }

    /** @return where the hook script of {@code store} lives: {@code clients/} beside it */
    public static Path hookFile(Path store) {
        return store.toAbsolutePath().resolveSibling("clients").resolve(HOOK_SCRIPT);
    }

    /** @return the hook's command line for Claude's settings: {@code sh 'HOOK' 'STORE'} */
    public static String hookCommand(Path hook, Path store) {
        return "sh " + shellQuote(hook.toString()) + " " + shellQuote(store.toString());
    }

    /**
     * @return the bundled hook script (sh, with curl or node for its one HTTP call)
     * @throws MeshException (internal) if it is missing from the jar
     */
    public static byte[] hookScript() {
        try (InputStream in = ClaudeRuntime.class.getResourceAsStream(HOOK_SCRIPT)) {
            if (in == null) {
                throw MeshException.internal("the bundled " + HOOK_SCRIPT + " is missing from the agentmesh jar", null);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw MeshException.internal("cannot read the bundled " + HOOK_SCRIPT + ": " + e.getMessage(), e);
        }
    }

    /** @return Claude Code's tool names for {@code capabilities} (built-in ones and the mesh server's tools), in a fixed order */
    public static List<String> tools(Set<Capability> capabilities) {
        Set<String> tools = new LinkedHashSet<>();
        for (Capability c : new TreeSet<>(capabilities)) {
            switch (c) {
                case READ -> tools.add("Read");
                case SEARCH -> tools.addAll(List.of("Grep", "Glob"));
                case EDIT -> tools.addAll(List.of("Edit", "NotebookEdit"));
                case WRITE -> tools.add("Write");
                case SHELL -> tools.add("Bash");
                case MESH -> {
                    tools.addAll(List.of(MESH_TOOL, TEAM_TOOL));
                    dev.agentmesh.api.OrchestratorTools.ALL.forEach(t -> tools.add("mcp__" + MCP_SERVER + "__" + t.name()));
                }
            }
        }
        return List.copyOf(tools);
    }

    @Override
    public String name() {
        return "claude";
    }

    /**
     * Starts an agent with a new session; it is idle when this returns.
     *
     * @throws MeshException (unexpected state) if Claude Code cannot be started or does not answer its handshake
     */
    @Override
    public AgentSession launch(AgentSpec spec) {
        return start(spec, UUID.randomUUID().toString(), false);
    }

    /**
     * @throws MeshException (invalid input) if {@code sessionId} is not a UUID; (unexpected state) if Claude Code
     *                       cannot be started (its stderr says when it has no such session)
     */
    @Override
    public AgentSession resume(AgentSpec spec, String sessionId) {
        try {
            UUID.fromString(String.valueOf(sessionId));
        } catch (IllegalArgumentException e) {
            throw MeshException.invalidInput("'" + dev.agentmesh.Texts.quote(String.valueOf(sessionId), 80)
                    + "' is not a Claude Code session id (a UUID)");
        }
        return start(spec, sessionId, true);
    }

    private AgentSession start(AgentSpec spec, String sessionId, boolean resume) {
        List<String> tools = tools(spec.capabilities());
        List<String> builtIn = tools.stream().filter(t -> !t.startsWith("mcp__")).toList();
        List<String> cmd = new ArrayList<>(List.of("setsid", claude.toString(), "-p", "--input-format", "stream-json",
                "--output-format", "stream-json", "--verbose", "--permission-mode", "default",
                "--setting-sources", "", "--settings", settings().toString(),
                "--strict-mcp-config", "--mcp-config", mcpConfigFile(spec).toString(),
                "--tools", String.join(",", builtIn)));
        if (!tools.isEmpty()) {
            cmd.addAll(List.of("--allowedTools", String.join(",", tools)));
        }
        cmd.addAll(resume ? List.of("--resume", sessionId) : List.of("--session-id", sessionId));
        if (spec.model() != null) {
            cmd.addAll(List.of("--model", spec.model().model()));
        }
        if (spec.thinkingLevel() != null) {
            cmd.addAll(List.of("--effort", effort(spec.thinkingLevel())));
        }
        if (spec.systemPrompt() != null) {
            cmd.addAll(List.of("--append-system-prompt", spec.systemPrompt()));
        }
        AgentLaunch launch = AgentLaunch.start(cmd, env, spec, "claude", mesh.store(), Map.of(), "Claude Code (" + claude + ")");
        Process process = launch.process();
        String mark = launch.mark();
        String token = spec.env().get("MESH_AGENT_TOKEN");
        try {
            if (token != null) {
                // the hooks act for the process that runs them: this one is the agent
                SessionTokens.save(mesh.store(), process.pid(), mesh.project().toString(), spec.name(), token);
            }
            return new ClaudeSession(process, spec.transcript(), mark, sessionId,
                    () -> SessionTokens.forget(mesh.store(), process.pid(), mesh.project().toString(), spec.name()));
        } catch (IOException | RuntimeException ex) {
            launch.abort();
            SessionTokens.forget(mesh.store(), process.pid(), mesh.project().toString(), spec.name());
            throw ex instanceof MeshException m ? m : MeshException.unexpectedState("cannot start Claude Code (" + claude + "): " + ex.getMessage(), ex);
        }
    }

    /** Claude's {@code --effort} for a thinking level: off and minimal are its low. */
    private static String effort(String thinking) {
        return switch (thinking) {
            case "off", "minimal", "low" -> "low";
            case "medium" -> "medium";
            default -> "high";
        };
    }

    private ObjectNode settings() {
        ObjectNode settings = JSON.createObjectNode();
        ObjectNode hooks = settings.putObject("hooks");
        String command = hookCommand(hook, mesh.store());
        for (String event : HOOK_EVENTS) {
            ObjectNode group = hooks.putArray(event).addObject();
            if (event.equals("PreToolUse")) {
                group.put("matcher", EDIT_MATCHER);
            }
            group.putArray("hooks").addObject().put("type", "command").put("command", command).put("timeout", 10);
        }
        return settings;
    }

    /**
     * Writes the agent's MCP configuration to a file only its owner reads ({@code .mesh/claude/NAME.mcp.json}, 0600):
     * it holds the supervisor's secret and the agent's token, which a command line would show every local user.
     */
    private Path mcpConfigFile(AgentSpec spec) {
        Path dir = mesh.project().resolve(".mesh/claude");
        Path file = dir.resolve(spec.name() + ".mcp.json");
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, spec.name(), ".tmp", java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, mcpConfig(spec).toString());
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return file;
        } catch (IOException e) {
            throw MeshException.unexpectedState("cannot write Claude Code's MCP configuration " + file + ": " + e.getMessage(), e);
        }
    }

    private ObjectNode mcpConfig(AgentSpec spec) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode server = root.putObject("mcpServers").putObject(MCP_SERVER);
        Map<String, String> who = new HashMap<>();
        who.put("MESH_AGENT", spec.name());
        if (spec.env().containsKey("MESH_AGENT_TOKEN")) {
            who.put("MESH_AGENT_TOKEN", spec.env().get("MESH_AGENT_TOKEN"));
        }
        if (mesh.mcpUrl() != null) {
            server.put("type", "http").put("url", mesh.mcpUrl() + "?project="
                    + URLEncoder.encode(mesh.project().toString(), StandardCharsets.UTF_8));
            ObjectNode headers = server.putObject("headers").put("Authorization", "Bearer " + mesh.secret())
                    .put("X-Mesh-Agent", spec.name()).put("X-Mesh-Runtime", "claude");
            if (spec.model() != null) {
                headers.put("X-Mesh-Model", spec.model().toString());
            }
            if (who.containsKey("MESH_AGENT_TOKEN")) {
                headers.put("X-Mesh-Token", who.get("MESH_AGENT_TOKEN"));
            }
        } else {
            server.put("type", "stdio").put("command", mesh.meshCommand().getFirst());
            ArrayNode args = server.putArray("args");
            mesh.meshCommand().subList(1, mesh.meshCommand().size()).forEach(args::add);
            args.add("mcp");
            ObjectNode env = server.putObject("env").put("MESH_STORE", mesh.store().toString()).put("MESH_RUNTIME", "claude");
            who.forEach(env::put);
        }
        return root;
    }

    private static String shellQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
