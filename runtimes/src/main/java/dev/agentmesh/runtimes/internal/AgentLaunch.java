package dev.agentmesh.runtimes.internal;

import dev.agentmesh.MeshException;
import dev.agentmesh.runtime.AgentSpec;
import dev.agentmesh.runtimes.ProcessGroups;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Starting an agent CLI's process the way every runtime does: in the agent's folder, with the runtime's environment,
 * then the spec's, then who it is on the mesh ({@code MESH_AGENT}, {@code MESH_RUNTIME}, {@code MESH_STORE}), a
 * fresh tree mark ({@link ProcessGroups#TREE_ENV}, so its whole tree can be found and stopped), and the loopback
 * kept off any proxy. Static and thread-safe.
 *
 * @param process the started process
 * @param mark    the mark its tree carries
 */
public record AgentLaunch(Process process, String mark) {

    /**
     * @param cmd     the command line
     * @param base    the runtime's environment for every agent
     * @param spec    the agent
     * @param runtime the runtime's name, for {@code MESH_RUNTIME}
     * @param store   the store, for {@code MESH_STORE}
     * @param extra   variables of this runtime's own, set last
     * @param what    names the CLI in the error, e.g. {@code Claude Code (/path/claude)}
     * @throws MeshException (unexpected state) if the process cannot be started
     */
    public static AgentLaunch start(List<String> cmd, Map<String, String> base, AgentSpec spec, String runtime, Path store,
                                    Map<String, String> extra, String what) {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(spec.cwd().toFile());
        Map<String, String> e = pb.environment();
        e.putAll(base);
        e.putAll(spec.env());
        e.put("MESH_AGENT", spec.name());
        e.put("MESH_RUNTIME", runtime);
        e.put("MESH_STORE", store.toString());
        e.putAll(extra);
        String mark = ProcessGroups.newTreeMark();
        e.put(ProcessGroups.TREE_ENV, mark);
        e.merge("NO_PROXY", "127.0.0.1,localhost", (a, b) -> a + ",127.0.0.1,localhost");
        try {
            return new AgentLaunch(pb.start(), mark);
        } catch (IOException ex) {
            throw MeshException.unexpectedState("cannot start " + what + ": " + ex.getMessage(), ex);
        }
    }

    /** Stops the process and its tree at once (a start that failed after the process began). */
    public void abort() {
        ProcessGroups.stop(process, process.descendants().toList(), 500, mark);
    }
}
