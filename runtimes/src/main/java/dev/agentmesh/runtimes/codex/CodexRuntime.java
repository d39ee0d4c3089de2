package dev.agentmesh.runtimes.codex;

import dev.agentmesh.MeshException;
import dev.agentmesh.runtime.AgentRuntime;
import dev.agentmesh.runtime.AgentSession;
import dev.agentmesh.runtime.AgentSpec;
import dev.agentmesh.runtime.Capability;
import dev.agentmesh.runtimes.MeshLink;
import dev.agentmesh.runtimes.internal.AgentLaunch;
import dev.agentmesh.runtimes.internal.NpmTools;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The Codex runtime: one long-lived {@code codex app-server} per agent (reference/agent-cli-protocols.md), driven
 * by {@link CodexSession}. What agentmesh gives it:
 * <ul>
 *   <li>the allow-list: Codex has one shell tool and applies patches through it, and asks before either
 *       ({@code approvalPolicy: untrusted}); agentmesh answers: commands run with {@link Capability#SHELL}, file
 *       changes with {@link Capability#EDIT} or {@link Capability#WRITE}, and read-only commands Codex knows
 *       (cat, ls, grep, ...) run without asking, which is read and search; without {@link Capability#MESH} it has
 *       no mesh server;</li>
 *   <li>enforcement: a file change any of whose paths another agent holds is declined ({@link EditGuard}) and
 *       the holder named to the model;</li>
 *   <li>the mesh: the supervisor's {@code /mcp} as MCP server {@value #MCP_SERVER} (streamable HTTP), its secret and
 *       the agent's name and token in headers Codex reads from its environment (never the command line, and kept
 *       out of the shell's environment), or the {@code mesh mcp} bridge when no supervisor runs;</li>
 *   <li>sessions: the thread id is the session id, and {@link #resume} is {@code thread/resume}; threads live in
 *       {@code CODEX_HOME}, so a runtime keeps one.</li>
 * </ul>
 * Commands run with full disk access ({@code sandbox: danger-full-access}): Codex's own Linux sandbox needs
 * bubblewrap, which a container often lacks; a shell command can therefore write files, as Bash can for Claude
 * Code and pi. Thread-safe.
 */
public final class CodexRuntime implements AgentRuntime {
    /** The npm package of Codex. */
    public static final String PACKAGE = "@openai/codex";
    /** The pinned version installed when no {@code codex} is on PATH (reference/agent-cli-protocols.md). */
    public static final String VERSION = "0.169.0";
    /** The name of the mesh's MCP server in Codex's configuration; its tools are {@code mcp__mesh__TOOL}. */
    public static final String MCP_SERVER = "mesh";
    /** The environment variable carrying the supervisor's secret to Codex's MCP client. */
    static final String SECRET_ENV = "MESH_MCP_SECRET";
    /**
     * How long Codex waits for one call of a mesh tool, in seconds ({@code tool_timeout_sec}; Codex's default is
     * 60): a {@code wait_on_ack}, {@code ask_many} or {@code job_result} wait takes up to 600 s (seeds/004), plus the
     * call around it.
     */
    public static final int MCP_TOOL_TIMEOUT_S = 660;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * Decides whether an agent may change files, before Codex changes them. Called on a virtual thread; must be
     * thread-safe.
     */
    @FunctionalInterface
    public interface EditGuard {
        /** Lets every change through. */
        EditGuard NONE = (agent, cwd, paths) -> Optional.empty();

        /**
         * @param agent the agent's mesh name
         * @param cwd   its working directory
         * @param paths the absolute paths the change touches (1 or more)
         * @return the one-line reason to refuse, naming the holder; empty to allow
         */
        Optional<String> refusal(String agent, Path cwd, List<String> paths);
    }

    private final Path codex;
    private final Map<String, String> env;
    private final MeshLink mesh;
    private final EditGuard guard;

    private CodexRuntime(Path codex, Map<String, String> env, MeshLink mesh, EditGuard guard) {
        this.codex = codex;
        this.env = env;
        this.mesh = mesh;
        this.guard = guard;
    }

    /**
     * @param codex the {@code codex} executable
     * @param env   environment for every agent: {@code CODEX_HOME} and the model's key (see {@link #localModelEnv})
     * @param mesh  how its agents reach the mesh
     * @param guard decides file changes
     * @return the runtime
     */
    public static CodexRuntime create(Path codex, Map<String, String> env, MeshLink mesh, EditGuard guard) {
        return new CodexRuntime(codex, Map.copyOf(env), mesh, guard);
    }

    /**
     * Finds Codex: {@code MESH_CODEX}, else {@code codex} on PATH, else the pinned version in the cache folder,
     * installed there with npm when missing.
     *
     * @throws MeshException (invalid input) if {@code MESH_CODEX} is not executable; (unexpected state) if it is
     *                       missing and cannot be installed
     */
    public static Path locateOrInstall(Map<String, String> env, Consumer<String> log) {
        return NpmTools.locateOrInstall(env, "MESH_CODEX", "codex", PACKAGE, VERSION, log);
    }

    /**
     * Writes a {@code config.toml} into {@code codexHome} that points Codex at an OpenAI Responses endpoint (the
     * scripted model server), with retries off so a missing answer fails fast.
     *
     * @param baseUrl the endpoint with {@code /v1}, e.g. {@code http://127.0.0.1:PORT/v1}
     * @return the environment for it: {@code CODEX_HOME} and the (unused) key variable
     * @throws MeshException (unexpected state) if the file cannot be written
     */
    public static Map<String, String> localModelEnv(String baseUrl, Path codexHome) {
        String toml = """
                # written by agentmesh: Codex against a local OpenAI Responses endpoint
                model = "scripted"
                model_provider = "local"
                [model_providers.local]
                name = "local"
                base_url = %s
                wire_api = "responses"
                env_key = "LOCAL_API_KEY"
                request_max_retries = 0
                stream_max_retries = 0
                """.formatted(tomlString(baseUrl));
        try {
            Files.createDirectories(codexHome);
            Path file = codexHome.resolve("config.toml");
            if (!Files.exists(file) || !Files.readString(file).equals(toml)) {
                Files.writeString(file, toml);
            }
        } catch (IOException e) {
            throw MeshException.unexpectedState("cannot write Codex's configuration in " + codexHome + ": " + e.getMessage(), e);
        }
        return Map.of("CODEX_HOME", codexHome.toString(), "LOCAL_API_KEY", "none");
    }

    @Override
    public String name() {
        return "codex";
    }

    /**
     * Starts an agent on a new thread; it is idle when this returns.
     *
     * @throws MeshException (unexpected state) if Codex cannot be started or does not answer its handshake
     */
    @Override
    public AgentSession launch(AgentSpec spec) {
        return start(spec, null);
    }

    /**
     * @throws MeshException (invalid input) if Codex has no thread {@code sessionId}; (unexpected state) if it
     *                       cannot be started
     */
    @Override
    public AgentSession resume(AgentSpec spec, String sessionId) {
        if (sessionId == null || sessionId.isBlank() || sessionId.length() > 200 || !sessionId.matches("[A-Za-z0-9_-]+")) {
            throw MeshException.invalidInput("'" + dev.agentmesh.Texts.quote(String.valueOf(sessionId), 80)
                    + "' is not a Codex thread id");
        }
        return start(spec, sessionId);
    }

    private AgentSession start(AgentSpec spec, String threadId) {
        List<String> cmd = new ArrayList<>(List.of("setsid", codex.toString(), "app-server"));
        // the supervisor's secret reaches the MCP client only, never a command the model runs
        cmd.addAll(List.of("-c", "shell_environment_policy.exclude=[\"" + SECRET_ENV + "\"]"));
        // commands run in a plain shell: a login shell runs the user's profile first (pyenv init and the like), which
        // can take seconds or hang, and every command would wait for it; the start-up snapshot of that profile goes
        // too (killed at its 10 s timeout, it can leave the profile's locks behind)
        cmd.addAll(List.of("-c", "allow_login_shell=false", "-c", "features.shell_snapshot=false"));
        if (spec.capabilities().contains(Capability.MESH)) {
            cmd.addAll(mcpConfig(spec));
        }
        Map<String, String> own = new java.util.HashMap<>();
        own.put("MESH_MODEL", spec.model() == null ? "" : spec.model().toString());
        if (mesh.mcpUrl() != null && mesh.secret() != null) {
            own.put(SECRET_ENV, mesh.secret());
        }
        if (!spec.env().containsKey("MESH_AGENT_TOKEN")) {
            own.put("MESH_AGENT_TOKEN", "");
        }
        AgentLaunch launch = AgentLaunch.start(cmd, env, spec, "codex", mesh.store(), own, "Codex (" + codex + ")");
        Process process = launch.process();
        String mark = launch.mark();
        try {
            return new CodexSession(process, spec.transcript(), mark, spec.name(), spec.cwd(), spec.capabilities(), guard,
                    threadRequest(spec, threadId));
        } catch (IOException | RuntimeException ex) {
            launch.abort();
            throw ex instanceof MeshException m ? m : MeshException.unexpectedState("cannot start Codex (" + codex + "): " + ex.getMessage(), ex);
        }
    }

    private static ObjectNode threadRequest(AgentSpec spec, String threadId) {
        ObjectNode req = JSON.createObjectNode().put("method", threadId == null ? "thread/start" : "thread/resume");
        ObjectNode p = req.putObject("params").put("cwd", spec.cwd().toAbsolutePath().toString())
                .put("approvalPolicy", "untrusted").put("sandbox", "danger-full-access");
        if (threadId != null) {
            p.put("threadId", threadId);
        }
        if (spec.systemPrompt() != null) {
            p.put("developerInstructions", spec.systemPrompt());
        }
        if (spec.model() != null) {
            p.put("model", spec.model().model());
        }
        if (spec.thinkingLevel() != null) {
            p.putObject("config").put("model_reasoning_effort", effort(spec.thinkingLevel()));
        }
        return req;
    }

    /** Codex's reasoning effort for a thinking level: off is its minimal. */
    private static String effort(String thinking) {
        return switch (thinking) {
            case "off", "minimal" -> "minimal";
            case "low" -> "low";
            case "medium" -> "medium";
            case "high" -> "high";
            default -> "xhigh";
        };
    }

    /** The {@code -c} overrides that add the mesh server; who the agent is comes from the environment. */
    private List<String> mcpConfig(AgentSpec spec) {
        String prefix = "mcp_servers." + MCP_SERVER + ".";
        String timeout = prefix + "tool_timeout_sec=" + MCP_TOOL_TIMEOUT_S + ".0";
        if (mesh.mcpUrl() != null) {
            String url = mesh.mcpUrl() + "?project=" + URLEncoder.encode(mesh.project().toString(), StandardCharsets.UTF_8);
            return List.of("-c", prefix + "url=" + tomlString(url), "-c", timeout,
                    "-c", prefix + "bearer_token_env_var=" + tomlString(SECRET_ENV),
                    "-c", prefix + "env_http_headers={\"X-Mesh-Agent\"=\"MESH_AGENT\",\"X-Mesh-Token\"=\"MESH_AGENT_TOKEN\","
                            + "\"X-Mesh-Runtime\"=\"MESH_RUNTIME\",\"X-Mesh-Model\"=\"MESH_MODEL\"}");
        }
        List<String> args = new ArrayList<>(mesh.meshCommand().subList(1, mesh.meshCommand().size()));
        args.add("mcp");
        return List.of("-c", prefix + "command=" + tomlString(mesh.meshCommand().getFirst()), "-c", timeout,
                "-c", prefix + "args=[" + String.join(",", args.stream().map(CodexRuntime::tomlString).toList()) + "]",
                "-c", prefix + "env_vars=[\"MESH_AGENT\",\"MESH_AGENT_TOKEN\",\"MESH_STORE\",\"MESH_RUNTIME\"]");
    }

    /** A TOML basic string (JSON's escaping is a subset TOML accepts). */
    static String tomlString(String s) {
        return JSON.writeValueAsString(s);
    }
}
