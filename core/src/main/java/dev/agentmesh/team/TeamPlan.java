package dev.agentmesh.team;

import dev.agentmesh.runtime.Capability;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A validated {@code agent_team} graph (seeds/002), ready to launch: made by {@link TeamPlanner#plan}, nothing in it
 * needs checking again except each step's cwd, rechecked right before its launch. Immutable and thread-safe.
 *
 * @param objective the graph's objective, never blank
 * @param authority the graph-wide authority every step's tools are capped by
 * @param limits    the run's limits, defaults applied
 * @param steps     the steps in graph order (sinks, not order, define the finals)
 * @param graph     the graph as given (the inline graph or the graph file's content), kept with the run
 */
public record TeamPlan(String objective, Authority authority, RunLimits limits, List<StepPlan> steps, JsonNode graph) {

    /** Copies the list. */
    public TeamPlan {
        steps = List.copyOf(steps);
    }

    /**
     * Graph-wide authority (seeds/002 "Authority is graph-wide").
     *
     * @param allowFilesystemRead read and discovery: {@code read, grep, find, ls}; required for every runnable graph
     * @param allowShellTools     {@code bash}
     * @param allowMutationTools  {@code edit} and {@code write}
     * @param allowExtensionCode  explicit callable extension tools ({@code extensionTools}); the mesh tool
     *                            {@code pi_messenger} is the one agentmesh offers
     */
    public record Authority(boolean allowFilesystemRead, boolean allowShellTools, boolean allowMutationTools,
                            boolean allowExtensionCode) {
        /** @return the capabilities this authority allows at most */
        public Set<Capability> allowed() {
            EnumSet<Capability> c = EnumSet.noneOf(Capability.class);
            if (allowFilesystemRead) {
                c.add(Capability.READ);
                c.add(Capability.SEARCH);
            }
            if (allowShellTools) {
                c.add(Capability.SHELL);
            }
            if (allowMutationTools) {
                c.add(Capability.EDIT);
                c.add(Capability.WRITE);
            }
            if (allowExtensionCode) {
                c.add(Capability.MESH);
            }
            return Set.copyOf(c);
        }
    }

    /**
     * A run's limits ({@code graph.limits}), each within {@link TeamLimits}.
     *
     * @param concurrency           steps running at once, 1 to 6 (default 6)
     * @param timeoutSecondsPerStep a step's wall time, 1 to 36000 s (default 7200)
     * @param maxRunSeconds         the run's wall time, 1 to 86400 s (default 86400)
     * @param retentionSeconds      how long a terminal run is kept, 1 to 604800 s (default 86400)
     */
    public record RunLimits(int concurrency, int timeoutSecondsPerStep, int maxRunSeconds, int retentionSeconds) {
        /** The defaults of the seed's table. */
        public static final RunLimits DEFAULT = new RunLimits(TeamLimits.MAX_CONCURRENCY, TeamLimits.DEFAULT_STEP_TIMEOUT_SECONDS,
                TeamLimits.MAX_RUN_SECONDS, TeamLimits.DEFAULT_RETENTION_SECONDS);
    }

    /**
     * One step, resolved.
     *
     * @param id             the step id: 1 to 63 lower-case letters, digits and '-', starting with a letter or digit
     * @param agentRef       the source-qualified ref it runs ({@code package:scout}), or null for an inline agent
     * @param agentSha       the agent file's sha-256 (provenance), or null for an inline agent
     * @param systemPrompt   the agent's prompt (the profile's body, or the inline {@code system}), never null
     * @param task           the delegated task, with the step's {@code outputContract} appended when it has one
     * @param needs          steps that must succeed before this one starts (success-gated)
     * @param after          steps that must end, however they end, before this one starts (terminal evidence)
     * @param cwd            its working folder relative to the invocation cwd, "" for the invocation cwd itself
     * @param capabilities   its effective tools as capabilities: read and search always, the rest as its agent's
     *                       tools capped by the authority
     * @param extensionTools the extension tools granted to it (only {@code pi_messenger} exists), possibly empty
     * @param runtime        the runtime it runs on: {@code pi}, {@code claude}, {@code codex} or {@code command}
     * @param model          {@code provider/model} it pins, or null for the run's default
     * @param thinking       the thinking level it pins, or null for the run's default
     */
    public record StepPlan(String id, String agentRef, String agentSha, String systemPrompt, String task, List<String> needs,
                           List<String> after, String cwd, Set<Capability> capabilities, List<String> extensionTools,
                           String runtime, String model, String thinking) {
        /** Copies the collections. */
        public StepPlan {
            needs = List.copyOf(needs);
            after = List.copyOf(after);
            capabilities = Set.copyOf(capabilities);
            extensionTools = List.copyOf(extensionTools);
        }

        /** @return every step this one waits for: its needs, then its afters */
        public List<String> dependencies() {
            List<String> all = new ArrayList<>(needs);
            after.stream().filter(a -> !needs.contains(a)).forEach(all::add);
            return all;
        }

        /**
         * @return its effective tools in the seed's vocabulary, in a fixed order: {@code read, grep, find, ls},
         *         then {@code bash}, {@code edit}, {@code write} as granted, then the extension tools
         */
        public List<String> tools() {
            List<String> t = new ArrayList<>();
            if (capabilities.contains(Capability.READ)) {
                t.add("read");
            }
            if (capabilities.contains(Capability.SEARCH)) {
                t.addAll(List.of("grep", "find", "ls"));
            }
            if (capabilities.contains(Capability.SHELL)) {
                t.add("bash");
            }
            if (capabilities.contains(Capability.EDIT)) {
                t.add("edit");
            }
            if (capabilities.contains(Capability.WRITE)) {
                t.add("write");
            }
            t.addAll(extensionTools);
            return List.copyOf(t);
        }
    }

    /** @return the sink steps (no other step needs or runs after them): the run's finals, in graph order */
    public List<StepPlan> sinks() {
        Set<String> upstream = new HashSet<>();
        steps.forEach(s -> upstream.addAll(s.dependencies()));
        return steps.stream().filter(s -> !upstream.contains(s.id())).toList();
    }

    /** @return the step {@code id}, or null */
    public StepPlan step(String id) {
        return steps.stream().filter(s -> s.id().equals(id)).findFirst().orElse(null);
    }
}
