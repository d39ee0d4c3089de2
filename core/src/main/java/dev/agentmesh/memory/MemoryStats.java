package dev.agentmesh.memory;

import java.util.List;

/**
 * What the memory of a project holds ({@code agents.memory.stats}, seed 000).
 *
 * @param total       memories in the project, all workstreams
 * @param workstreams one entry per workstream with at least one memory, by name
 */
public record MemoryStats(int total, List<Workstream> workstreams) {
    public MemoryStats {
        workstreams = List.copyOf(workstreams);
    }

    /**
     * @param workstream the workstream
     * @param count      memories in it, at least 1
     * @param agents     the agents that left them, by name, each once
     * @param oldestAt   when its oldest memory was remembered, epoch ms
     * @param newestAt   when its newest memory was remembered, epoch ms
     */
    public record Workstream(String workstream, int count, List<String> agents, long oldestAt, long newestAt) {
        public Workstream {
            agents = List.copyOf(agents);
        }
    }
}
