package dev.agentmesh.cli;

import dev.agentmesh.MeshException;
import dev.agentmesh.api.ApiResult;
import dev.agentmesh.api.Caller;
import dev.agentmesh.api.LocalMeshApi;
import dev.agentmesh.api.MeshApi;
import dev.agentmesh.cli.client.SupervisorClient;
import dev.agentmesh.project.MeshEnv;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What every command shares: the resolved environment, the {@link MeshApi} and the output conventions (text, or
 * JSON with {@code --json}). Opened lazily, once per process.
 */
final class Cli {
    static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private static Map<String, String> env = System.getenv();
    private static Path cwd = Path.of("").toAbsolutePath();
    private static PrintWriter out = new PrintWriter(System.out, true);
    private static MeshEnv meshEnv;
    private static LocalMeshApi local;
    private static MeshApi api;
    private static PrintWriter err = new PrintWriter(System.err, true);

    private Cli() {
    }

    /** Lets in-process tests run commands with their own environment and folder. */
    static void reset(Map<String, String> environment, Path workingDir) {
        env = environment;
        cwd = workingDir;
        meshEnv = null;
        local = null;
        api = null;
    }

    /** Lets in-process tests answer every action with an API of their own (call after {@link #reset}). */
    static synchronized void api(MeshApi replacement) {
        api = replacement;
    }

    /** @return where commands print their results */
    static PrintWriter out() {
        return out;
    }

    static void out(PrintWriter writer) {
        out = writer;
    }

    /** @return where commands print progress and notes meant for a person */
    static PrintWriter err() {
        return err;
    }

    static void err(PrintWriter writer) {
        err = writer;
    }

    static Map<String, String> env() {
        return env;
    }

    static Path cwd() {
        return cwd;
    }

    static synchronized MeshEnv meshEnv() {
        if (meshEnv == null) {
            meshEnv = MeshEnv.resolve(cwd, env);
        }
        return meshEnv;
    }

    /** @return the services of this process (the crew runner and the demo run them here) */
    static synchronized LocalMeshApi local() {
        if (local == null) {
            local = LocalMeshApi.open(meshEnv());
        }
        return local;
    }

    /**
     * @return the API every action goes through: the supervisor of the store (found, or started detached), or
     *         this process's services with {@code MESH_SERVE=off}
     * @throws MeshException (invalid input) for another MESH_SERVE value; (unexpected state) if no supervisor
     *                       can be started
     */
    static synchronized MeshApi api() {
        if (api == null) {
            String mode = env.getOrDefault("MESH_SERVE", "auto");
            api = switch (mode) {
                case "off" -> local();
                case "auto", "" -> SupervisorClient.findOrStart(meshEnv().storePath(), meshEnv().project().root(),
                        selfCommand(), env);
                default -> throw MeshException.invalidInput("MESH_SERVE=" + mode + " is not a mode; use auto (the default) or off");
            };
        }
        return api;
    }

    /** @return the command line that runs this CLI: bin/mesh when launched through it, else java with our classpath */
    static List<String> selfCommand() {
        String launcher = System.getProperty("mesh.launcher");
        if (launcher != null && !launcher.isBlank()) {
            return List.of(launcher);
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), MeshCommand.class.getName()));
        return cmd;
    }

    /** @return the caller of this CLI process: {@code --as} or {@code MESH_AGENT}, and the process facts */
    static Caller caller(String as, String defaultRuntime) {
        long pid = callerPid();
        String agent = agent(as, pid);
        // a person at a terminal is a participant of their own: runtime "human"; an agent's tool runs without a terminal
        String runtime = env.getOrDefault("MESH_RUNTIME", "cli".equals(defaultRuntime) && atATerminal() ? "human" : defaultRuntime);
        Caller c = new Caller(agent, cwd, pid, runtime, env.get("MESH_MODEL"));
        // MESH_AGENT_TOKEN is MESH_AGENT's token (or that of the one --as names when MESH_AGENT is unset)
        String envAgent = env.get("MESH_AGENT");
        String token = envAgent == null || envAgent.isBlank() || envAgent.equals(agent) ? env.get("MESH_AGENT_TOKEN") : null;
        if (agent != null && (token == null || token.isBlank())) {
            token = dev.agentmesh.project.SessionTokens.find(meshEnv().storePath(), pid,
                    meshEnv().project().root().toString(), agent).orElse(null);
        }
        return c.token(token);
    }

    private static boolean atATerminal() {
        java.io.Console console = System.console();
        return console != null && console.isTerminal();
    }

    /**
     * @return the caller's agent name: {@code --as}, else {@code MESH_AGENT}, else the agent this process (the
     *     agent's process or a person's shell, see {@link #callerPid}) joined last through the CLI, else null
     */
    private static String agent(String as, long pid) {
        if (as != null && !as.isBlank()) {
            return as;
        }
        String e = env.get("MESH_AGENT");
        if (e != null && !e.isBlank()) {
            return e;
        }
        try {
            return dev.agentmesh.project.SessionTokens.current(meshEnv().storePath(), pid,
                    meshEnv().project().root().toString()).orElse(null);
        } catch (MeshException outsideAProject) {
            return null;
        }
    }

    /**
     * @return the pid recorded for a join from the CLI: the agent's process above this one (see
     *         {@link dev.agentmesh.runtimes.AgentProcesses#agentOf}), so an agent whose tool runs
     *         {@code bash -c "mesh join"} is tied to the agent's process, not to the shell that ends at once; an
     *         interactive shell is kept, so a person's terminal is theirs
     */
    static long callerPid() {
        return dev.agentmesh.runtimes.AgentProcesses.agentOf(ProcessHandle.current().parent().orElse(ProcessHandle.current())).pid();
    }

    /** Runs a pi_messenger action as {@code as} and prints its text, or its data with {@code json}. */
    static int action(String as, boolean json, PrintWriter out, ObjectNode args) {
        // a join names the agent it joins as: its token (if this process holds it) goes with it
        boolean namedJoin = "join".equals(args.path("action").asString(null)) && args.path("name").isString();
        Caller c = caller(namedJoin ? args.path("name").asString() : as, "cli");
        String before = c.token();
        String name = c.agent();
        ApiResult r = api().call(c, args);
        remember(c, name, before, args);
        JsonNode data = r.data();
        if (json && c.token() != null && (namedJoin || "join".equals(args.path("action").asString(null)) || !c.token().equals(before))
                && data instanceof ObjectNode o) {
            // the new token of a join, for MESH_AGENT_TOKEN in another process (never in a result a model reads)
            data = o.deepCopy().put("token", c.token());
        }
        print(out, json, r.text(), data);
        return 0;
    }

    /**
     * After a call through the CLI: keeps a new token or name for this agent process, and forgets the agent when
     * it left (SessionTokens).
     */
    static void remember(Caller c, String nameBefore, String tokenBefore, JsonNode args) {
        rememberToken(c, nameBefore, tokenBefore);
        if (nameBefore != null && "leave".equals(args.path("action").asString(null))) {
            dev.agentmesh.project.SessionTokens.forget(meshEnv().storePath(), c.pid(), meshEnv().project().root().toString(), nameBefore);
        }
    }

    /**
     * Keeps the token of {@code c} for the later commands of this agent process (SessionTokens) when a join
     * handed it a new one or a rename gave it a new name.
     */
    private static void rememberToken(Caller c, String nameBefore, String tokenBefore) {
        if (c.agent() != null && c.token() != null && (!c.token().equals(tokenBefore) || !c.agent().equals(nameBefore))) {
            dev.agentmesh.project.SessionTokens.save(meshEnv().storePath(), c.pid(), meshEnv().project().root().toString(),
                    c.agent(), c.token());
        }
    }

    static ObjectNode args(String action) {
        return JSON.createObjectNode().put("action", action);
    }

    static void print(PrintWriter out, boolean json, String text, JsonNode data) {
        out.println(json ? JSON.writeValueAsString(data) : text);
        out.flush();
    }
}
