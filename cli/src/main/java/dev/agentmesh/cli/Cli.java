package dev.agentmesh.cli;

import dev.agentmesh.api.ApiResult;
import dev.agentmesh.api.Caller;
import dev.agentmesh.api.LocalMeshApi;
import dev.agentmesh.api.MeshApi;
import dev.agentmesh.project.MeshEnv;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.io.PrintWriter;
import java.nio.file.Path;
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

    private Cli() {
    }

    /** Lets in-process tests run commands with their own environment and folder. */
    static void reset(Map<String, String> environment, Path workingDir) {
        env = environment;
        cwd = workingDir;
        meshEnv = null;
        local = null;
    }

    /** @return where commands print their results */
    static PrintWriter out() {
        return out;
    }

    static void out(PrintWriter writer) {
        out = writer;
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

    /** @return the API every action goes through */
    static MeshApi api() {
        return local();
    }

    /** @return the caller of this CLI process: {@code --as} or {@code MESH_AGENT}, and the process facts */
    static Caller caller(String as, String defaultRuntime) {
        return new Caller(agent(as), cwd, callerPid(), env.getOrDefault("MESH_RUNTIME", defaultRuntime), env.get("MESH_MODEL"));
    }

    /** @return the caller's agent name: {@code --as}, else {@code MESH_AGENT}, else null */
    static String agent(String as) {
        if (as != null && !as.isBlank()) {
            return as;
        }
        String e = env.get("MESH_AGENT");
        return e == null || e.isBlank() ? null : e;
    }

    /** @return the pid recorded for a join from the CLI: the parent (the shell or the agent that ran us) */
    static long callerPid() {
        return ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(ProcessHandle.current().pid());
    }

    /** Runs a pi_messenger action as {@code as} and prints its text, or its data with {@code json}. */
    static int action(String as, boolean json, PrintWriter out, ObjectNode args) {
        ApiResult r = api().call(caller(as, "cli"), args);
        print(out, json, r.text(), r.data());
        return 0;
    }

    static ObjectNode args(String action) {
        return JSON.createObjectNode().put("action", action);
    }

    static void print(PrintWriter out, boolean json, String text, JsonNode data) {
        out.println(json ? JSON.writeValueAsString(data) : text);
        out.flush();
    }
}
