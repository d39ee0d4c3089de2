package dev.agentmesh.runtime;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * How to start one agent process.
 *
 * @param agentName    the mesh name of the agent (passed as {@code MESH_AGENT})
 * @param cwd          working directory (the project root)
 * @param provider     model provider as the runtime knows it, or null for the runtime's default
 * @param model        model id, or null for the runtime's default
 * @param thinking     thinking level ({@code off|minimal|low|medium|high|xhigh}), or null
 * @param tools        the tools the agent may use, as the runtime names them; the allow-list passed to it
 * @param systemPrompt appended to the runtime's own system prompt, or null
 * @param env          extra environment variables for the process
 * @param transcript   file receiving the event stream (one JSON object a line, streaming deltas left out), or null
 */
public record LaunchSpec(String agentName, Path cwd, String provider, String model, String thinking, List<String> tools,
                         String systemPrompt, Map<String, String> env, Path transcript) {
}
