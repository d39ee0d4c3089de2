package dev.agentmesh.runtimes.pi;

import dev.agentmesh.MeshException;
import dev.agentmesh.runtime.AgentRuntime;
import dev.agentmesh.runtime.AgentSession;
import dev.agentmesh.runtime.AgentSpec;
import dev.agentmesh.runtime.Capability;
import dev.agentmesh.runtime.ToolDescriptor;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import dev.agentmesh.runtimes.internal.NpmTools;
import dev.agentmesh.runtimes.ProcessGroups;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The pi runtime: starts {@code pi --mode rpc} agents (reference/agent-cli-protocols.md) with a provider, model,
 * thinking level, tool allow-list and system prompt, plus agentmesh's extension (the tools {@code pi_messenger} and
 * {@code agent_team}) so the agent reaches the mesh from inside pi. Each agent runs in its own process group
 * ({@code setsid}) so stopping it leaves no orphan. Capabilities map to pi's tools: read → {@code read}, search →
 * {@code grep,find,ls}, edit → {@code edit}, write → {@code write}, shell → {@code bash}, mesh →
 * {@code pi_messenger,agent_team} (seeds/001 and 002); pi gets exactly those
 * ({@code --tools}). With a session folder, pi keeps its sessions there and {@link #resume} continues one by id;
 * without, it runs with {@code --no-session}. Thread-safe.
 */
public final class PiRuntime implements AgentRuntime {
    /** The npm package of pi. */
    public static final String PACKAGE = "@mariozechner/pi-coding-agent";
    /** The pinned version installed when no pi is on PATH. */
    public static final String VERSION = "0.73.1";
    /** Name of the mesh tool the extension registers. */
    public static final String MESH_TOOL = "pi_messenger";
    /** Name of the team tool the extension registers (seeds/002); its actions are the API's {@code team.*}. */
    public static final String TEAM_TOOL = "agent_team";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Path pi;
    private final Path agentDir;
    private final Path extension;
    private final Map<String, String> meshEnv;
    private final Path sessionDir;

    private PiRuntime(Path pi, Path agentDir, Path extension, Map<String, String> meshEnv, Path sessionDir) {
        this.pi = pi;
        this.agentDir = agentDir;
        this.extension = extension;
        this.meshEnv = meshEnv;
        this.sessionDir = sessionDir;
    }

    /**
     * @return a runtime like this one whose agents keep their pi sessions in {@code dir} (so they can be resumed)
     */
    public PiRuntime withSessions(Path dir) {
        return new PiRuntime(pi, agentDir, extension, meshEnv, dir);
    }

    /** @return pi's tool names for {@code capabilities}, in a fixed order */
    public static List<String> tools(Set<Capability> capabilities) {
        Set<String> tools = new LinkedHashSet<>();
        for (Capability c : new java.util.TreeSet<>(capabilities)) {
            switch (c) {
                case READ -> tools.add("read");
                case SEARCH -> tools.addAll(List.of("grep", "find", "ls"));
                case EDIT -> tools.add("edit");
                case WRITE -> tools.add("write");
                case SHELL -> tools.add("bash");
                case MESH -> {
                    tools.addAll(List.of(MESH_TOOL, TEAM_TOOL));
                    dev.agentmesh.api.OrchestratorTools.ALL.forEach(t -> tools.add(t.name()));
                }
            }
        }
        return List.copyOf(tools);
    }

    /**
     * @param pi        the pi executable
     * @param agentDir  pi's config folder ({@code PI_CODING_AGENT_DIR}), or null for the user's own
     * @param workDir   folder where the extension file is written
     * @param tool      the mesh tool the extension registers ({@value #MESH_TOOL})
     * @param team      the team tool the extension registers ({@value #TEAM_TOOL})
     * @param meshEnv   environment the extension needs to reach the mesh: {@code MESH_CMD} (JSON array, the
     *                  mesh command line), {@code MESH_STORE}, {@code MESH_PROJECT}
     * @throws MeshException (unexpected state) if the extension cannot be written
     * @throws IllegalArgumentException if a tool is not named as the extension names it
     */
    public static PiRuntime create(Path pi, Path agentDir, Path workDir, ToolDescriptor tool, ToolDescriptor team,
                                   Map<String, String> meshEnv) {
        try {
            Files.createDirectories(workDir);
            Path ext = workDir.resolve("agentmesh-pi-extension.ts");
            byte[] bytes = extensionSource(tool, team, List.of("mesh")).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            if (!Files.exists(ext) || !java.util.Arrays.equals(Files.readAllBytes(ext), bytes)) {
                Files.write(ext, bytes);
            }
            return new PiRuntime(pi, agentDir, ext, Map.copyOf(meshEnv), null);
        } catch (IOException e) {
            throw MeshException.unexpectedState("cannot write the pi extension into " + workDir + ": " + e.getMessage(), e);
        }
    }

    /**
     * The source of agentmesh's pi extension (TypeScript, loaded by pi with {@code -e} or from its extensions folder).
     *
     * @param tool       the mesh tool it registers, {@value #MESH_TOOL} (description and JSON Schema filled in)
     * @param team       the team tool it registers, {@value #TEAM_TOOL}; its schema's {@code action} enum is the
     *                   list of actions the extension sends (as {@code team.ACTION})
     * @param defaultCmd the mesh command line it runs when {@code MESH_CMD} is unset and no supervisor answers
     * @return the file's text
     * @throws IOException if the bundled resource cannot be read
     * @throws IllegalArgumentException if a tool is not named as the extension names it
     */
    public static String extensionSource(ToolDescriptor tool, ToolDescriptor team, List<String> defaultCmd) throws IOException {
        if (!MESH_TOOL.equals(tool.name()) || !TEAM_TOOL.equals(team.name())) {
            throw new IllegalArgumentException("the pi extension registers " + MESH_TOOL + " and " + TEAM_TOOL + ", not "
                    + tool.name() + " and " + team.name());
        }
        try (InputStream in = PiRuntime.class.getResourceAsStream("agentmesh-pi-extension.ts")) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                    .replace("__ORCHESTRATOR_TOOLS__", orchestratorTools())
                    .replace("__TEAM_DESCRIPTION__", JSON.writeValueAsString(team.description()))
                    .replace("__TEAM_PARAMETERS__", team.inputSchema())
                    .replace("__DESCRIPTION__", JSON.writeValueAsString(tool.description()))
                    .replace("__PARAMETERS__", tool.inputSchema())
                    .replace("process.env.MESH_CMD ?? '[\"mesh\"]'",
                            "process.env.MESH_CMD ?? " + JSON.writeValueAsString(JSON.writeValueAsString(defaultCmd)));
        }
    }

    /** @return the orchestrator tools (seeds/004) as a JSON array of {name, description, parameters}, for the extension */
    private static String orchestratorTools() {
        tools.jackson.databind.node.ArrayNode a = JSON.createArrayNode();
        for (dev.agentmesh.api.ToolSpec t : dev.agentmesh.api.OrchestratorTools.ALL) {
            a.addObject().put("name", t.name()).put("description", t.description()).set("parameters", t.inputSchema());
        }
        return a.toString();
    }

    /**
     * Finds pi: {@code MESH_PI}, else {@code pi} on PATH, else the pinned version in the cache folder
     * ({@code MESH_CACHE}, default {@code ~/.cache/agentmesh}), installing it there with npm when missing
     * ({@code MESH_NPM} names another npm).
     *
     * @param log receives one line before a slow install
     * @return the pi executable
     * @throws MeshException (invalid input) if {@code MESH_PI} is not executable; (unexpected state) if pi is
     *                       missing and cannot be installed, naming the package and why
     */
    public static Path locateOrInstall(Map<String, String> env, Consumer<String> log) {
        return NpmTools.locateOrInstall(env, "MESH_PI", "pi", PACKAGE, VERSION, log);
    }

    /** @return the cache folder: {@code MESH_CACHE}, else {@code ~/.cache/agentmesh} */
    public static Path cacheDir(Map<String, String> env) {
        return NpmTools.cacheDir(env);
    }

    /**
     * Writes a pi config folder whose provider {@code mesh} (model {@code scripted}) is an OpenAI-compatible
     * endpoint, e.g. agentmesh's scripted model server, with pi's automatic retries off so a model error ends a
     * run at once.
     *
     * @param dir     the folder to write {@code models.json} and {@code settings.json} into
     * @param baseUrl the endpoint, e.g. {@code http://127.0.0.1:8080/v1}
     * @return {@code dir}
     */
    public static Path writeLocalModelConfig(Path dir, String baseUrl) {
        ObjectNode model = JSON.createObjectNode().put("id", "scripted").put("reasoning", false)
                .put("contextWindow", 128000).put("maxTokens", 4096);
        model.putArray("input").add("text");
        ObjectNode provider = JSON.createObjectNode().put("baseUrl", baseUrl).put("api", "openai-completions").put("apiKey", "none");
        provider.putObject("compat").put("supportsDeveloperRole", false).put("supportsReasoningEffort", false);
        provider.putArray("models").add(model);
        ObjectNode models = JSON.createObjectNode();
        models.putObject("providers").set("mesh", provider);
        ObjectNode settings = JSON.createObjectNode();
        settings.putObject("retry").put("enabled", false).putObject("provider").put("maxRetries", 0);
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("models.json"), JSON.writeValueAsString(models));
            Files.writeString(dir.resolve("settings.json"), JSON.writeValueAsString(settings));
        } catch (IOException e) {
            throw MeshException.unexpectedState("cannot write the pi config into " + dir + ": " + e.getMessage(), e);
        }
        return dir;
    }

    @Override
    public String name() {
        return "pi";
    }

    /**
     * Starts an agent; it is idle (ready for {@link AgentSession#prompt}) when this returns.
     *
     * @return the running agent
     * @throws MeshException (unexpected state) if pi cannot be started or does not answer
     */
    @Override
    public AgentSession launch(AgentSpec spec) {
        return start(spec, null);
    }

    /**
     * @throws MeshException (invalid input) if this runtime keeps no sessions, or the id is not a pi session id;
     *                       (unexpected state) if pi cannot be started
     */
    @Override
    public AgentSession resume(AgentSpec spec, String sessionId) {
        if (sessionDir == null) {
            throw MeshException.invalidInput("this pi runtime runs without sessions (--no-session); nothing to resume");
        }
        if (sessionId == null || !sessionId.matches("[0-9A-Za-z-]{1,64}")) {
            throw MeshException.invalidInput("'" + dev.agentmesh.Texts.quote(String.valueOf(sessionId), 80) + "' is not a pi session id");
        }
        return start(spec, sessionId);
    }

    private AgentSession start(AgentSpec spec, String resumeId) {
        List<String> cmd = new ArrayList<>(List.of("setsid", pi.toString(), "--mode", "rpc",
                "--no-extensions", "--no-skills", "--no-context-files", "-e", extension.toString()));
        if (sessionDir == null) {
            cmd.add("--no-session");
        } else {
            cmd.addAll(List.of("--session-dir", sessionDir.toString()));
            if (resumeId != null) {
                cmd.addAll(List.of("--session", resumeId));
            }
        }
        if (spec.model() != null) {
            if (spec.model().provider() != null) {
                cmd.addAll(List.of("--provider", spec.model().provider()));
            }
            cmd.addAll(List.of("--model", spec.model().model()));
        }
        if (spec.thinkingLevel() != null) {
            cmd.addAll(List.of("--thinking", spec.thinkingLevel()));
        }
        List<String> tools = tools(spec.capabilities());
        if (tools.isEmpty()) {
            cmd.add("--no-tools");
        } else {
            cmd.addAll(List.of("--tools", String.join(",", tools)));
        }
        if (spec.systemPrompt() != null) {
            cmd.addAll(List.of("--append-system-prompt", spec.systemPrompt()));
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(spec.cwd().toFile());
        Map<String, String> env = pb.environment();
        env.putAll(meshEnv);
        env.putAll(spec.env());
        env.put("MESH_AGENT", spec.name());
        env.put("MESH_RUNTIME", "pi");
        env.put("PI_OFFLINE", "1");
        String mark = ProcessGroups.newTreeMark();
        env.put(ProcessGroups.TREE_ENV, mark);
        env.merge("NO_PROXY", "127.0.0.1,localhost", (a, b) -> a + ",127.0.0.1,localhost");
        if (agentDir != null) {
            env.put("PI_CODING_AGENT_DIR", agentDir.toString());
        }
        Process process;
        try {
            if (sessionDir != null) {
                Files.createDirectories(sessionDir);
            }
            process = pb.start();
        } catch (IOException e) {
            throw MeshException.unexpectedState("cannot start pi (" + pi + "): " + e.getMessage(), e);
        }
        try {
            return new PiSession(process, spec.transcript(), mark);
        } catch (IOException | RuntimeException e) {
            ProcessGroups.stop(process, process.descendants().toList(), 500, mark);
            throw e instanceof MeshException m ? m : MeshException.unexpectedState("cannot start pi (" + pi + "): " + e.getMessage(), e);
        }
    }
}
