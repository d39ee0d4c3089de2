package dev.agentmesh.server;

import dev.agentmesh.MeshException;
import dev.agentmesh.api.PiMessengerSchema;
import dev.agentmesh.mesh.Mesh;
import dev.agentmesh.runtime.AgentRuntime;
import dev.agentmesh.runtimes.claude.ClaudeRuntime;
import dev.agentmesh.runtimes.codex.CodexRuntime;
import dev.agentmesh.runtimes.pi.PiRuntime;

import java.util.List;
import java.util.Map;

/** Builds the runtimes crews and spawned agents run on, pointed at the model and the mesh. Static and thread-safe. */
public final class RuntimeFactory {
    private RuntimeFactory() {
    }

    /**
     * @param name       {@code pi}, {@code claude} or {@code codex}
     * @param store      the store (Claude Code reaches its supervisor's {@code /mcp}, or {@code mesh mcp} without one)
     * @param modelUrl   an OpenAI-compatible endpoint (the scripted model server), or null for each CLI's own config
     * @param processEnv the agents' environment below the mesh's variables (PATH, provider keys)
     * @param selfCommand the mesh command line, for pi's extension and the stdio bridge
     * @param log        receives a line before a slow install
     * @param sessions   true for persistent agents: pi keeps its sessions in {@code .mesh/pi-sessions} to resume them
     * @return the runtime {@code name}, found (or installed) and pointed at the model and the mesh
     * @throws MeshException (invalid input) for a runtime that cannot run crews yet; (unexpected state) if its CLI is
     *                       missing and cannot be installed
     */
    public static AgentRuntime create(String name, java.nio.file.Path store, Mesh mesh, String modelUrl,
                                      Map<String, String> processEnv, List<String> selfCommand,
                                      java.util.function.Consumer<String> log, boolean sessions) {
        switch (name) {
            case "pi" -> {
                var pi = PiRuntime.locateOrInstall(processEnv, log);
                java.nio.file.Path agentDir = modelUrl == null ? null
                        : PiRuntime.writeLocalModelConfig(mesh.project().meshDir().resolve("pi-agent"), modelUrl);
                Map<String, String> agentEnv = new java.util.HashMap<>(processEnv);
                agentEnv.put("MESH_CMD", dev.agentmesh.api.Json.MAPPER.writeValueAsString(selfCommand));
                agentEnv.put("MESH_STORE", store.toString());
                agentEnv.put("MESH_PROJECT", mesh.project().root().toString());
                PiRuntime runtime = PiRuntime.create(pi, agentDir, mesh.project().meshDir().resolve("pi"), PiMessengerSchema.descriptor(),
                        dev.agentmesh.server.mcp.AgentTeamTool.descriptor(), agentEnv);
                return sessions ? runtime.withSessions(mesh.project().meshDir().resolve("pi-sessions")) : runtime;
            }
            case "claude" -> {
                var claude = ClaudeRuntime.locateOrInstall(processEnv, log);
                Map<String, String> agentEnv = new java.util.HashMap<>(processEnv);
                if (modelUrl != null) {
                    // Claude Code speaks Anthropic Messages at BASE/v1/messages: the base is the URL without /v1
                    agentEnv.putAll(ClaudeRuntime.localModelEnv(modelUrl.replaceAll("/v1/?$", ""),
                            mesh.project().meshDir().resolve("claude-config")));
                }
                return ClaudeRuntime.create(claude, agentEnv, meshLink(store, mesh, selfCommand));
            }
            case "codex" -> {
                var codex = CodexRuntime.locateOrInstall(processEnv, log);
                Map<String, String> agentEnv = new java.util.HashMap<>(processEnv);
                if (modelUrl != null) {
                    agentEnv.putAll(CodexRuntime.localModelEnv(modelUrl, mesh.project().meshDir().resolve("codex-home")));
                }
                return CodexRuntime.create(codex, agentEnv, meshLink(store, mesh, selfCommand), reservationGuard(mesh));
            }
            case "command" -> {
                // the program and its arguments from MESH_COMMAND_ARGV (a JSON array); this environment is its whole base
                Map<String, String> agentEnv = new java.util.HashMap<>(processEnv);
                agentEnv.put("MESH_CMD", dev.agentmesh.api.Json.MAPPER.writeValueAsString(selfCommand));
                agentEnv.put("MESH_STORE", store.toString());
                agentEnv.put("MESH_PROJECT", mesh.project().root().toString());
                return dev.agentmesh.runtimes.command.CommandRuntime.fromEnv(agentEnv);
            }
            default -> throw MeshException.invalidInput("the " + name + " runtime cannot run " + (sessions ? "spawned agents" : "a crew")
                    + "; use pi, claude, codex or command" + (sessions ? "" : " (--runtime, crew.runtime, crew.runtimes)"));
        }
    }

    /**
     * The store's supervisor's {@code /mcp} while one runs (this process, or the one {@code mesh demo} started); else
     * the {@code mesh mcp} bridge.
     */
    private static dev.agentmesh.runtimes.MeshLink meshLink(java.nio.file.Path store, Mesh mesh, List<String> selfCommand) {
        var served = RunFile.read(store).filter(r -> ProcessHandle.of(r.pid()).map(ProcessHandle::isAlive).orElse(false));
        return new dev.agentmesh.runtimes.MeshLink(store, mesh.project().root(), served.map(r -> r.url() + "/mcp").orElse(null),
                served.map(RunFile::secret).orElse(null), selfCommand);
    }

    /** Codex's file changes are checked as pi's and Claude's edits are: against the other agents' exclusive leases. */
    private static CodexRuntime.EditGuard reservationGuard(Mesh mesh) {
        return (agent, cwd, paths) -> {
            for (String path : paths) {
                try {
                    var conflict = mesh.reservations().check(agent, cwd, List.of(path)).stream().findFirst();
                    if (conflict.isPresent()) {
                        return conflict.map(dev.agentmesh.mesh.Reservations.Conflict::refusal);
                    }
                } catch (MeshException outside) {
                    // a path outside the project is no one's to hold
                }
            }
            return java.util.Optional.empty();
        };
    }

}
