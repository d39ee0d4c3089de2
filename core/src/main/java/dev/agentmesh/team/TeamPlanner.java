package dev.agentmesh.team;

import dev.agentmesh.agents.AgentProfile.Source;
import dev.agentmesh.agents.AgentProfiles;
import dev.agentmesh.runtime.AgentRuntime;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import static dev.agentmesh.team.TeamFields.quote;

/**
 * Validates an {@code agent_team} graph (seeds/002) into a {@link TeamPlan} before anything launches, and checks the
 * arguments of the {@code catalog} and {@code start} actions. Every problem is one {@link TeamErrors#invalid}
 * ({@code PROBLEM Repair: REPAIR}) naming the bad key or value, quoted with control characters escaped; the first
 * problem found is the one reported.
 *
 * <p>A graph is a JSON object with exactly these keys (any other is refused, naming it and the allowed ones):
 * <ul>
 *   <li>{@code objective}: required non-blank text, at most {@value #MAX_OBJECTIVE_CHARS} characters;</li>
 *   <li>{@code authority}: {@code allowFilesystemRead} (required true: every child keeps read, grep, find, ls),
 *       {@code allowShellTools}, {@code allowMutationTools}, {@code allowExtensionCode}, booleans, default false;</li>
 *   <li>{@code library}: {@code sources}, a non-empty subset of {@code package, user, project} (default
 *       {@code package, user}); {@code library.query} is catalog-only and refused;</li>
 *   <li>{@code limits}: JSON integers {@code concurrency} 1..6 (6), {@code timeoutSecondsPerStep} 1..36000 (7200),
 *       {@code maxRunSeconds} 1..86400 (86400), {@code retentionSeconds} 1..604800 (86400);</li>
 *   <li>{@code runtime} (agentmesh's extension): one of {@link AgentRuntime#KNOWN}, default the context's;</li>
 *   <li>{@code steps}: 1 to {@value TeamLimits#MAX_STEPS} steps, each {@code id} (unique, {@link TeamSteps#ID}),
 *       {@code agent} (exactly one of a source-qualified {@code ref} or an inline {@code system} prompt up to 64 KiB;
 *       optional {@code tools}, {@code extensionTools}, {@code model}, {@code thinking}, {@code runtime}; never
 *       {@code skills}), {@code task} (required, up to 64 KiB), {@code outputContract}, {@code needs}, {@code after}
 *       (step ids, together at most {@value TeamLimits#MAX_DEPENDENCIES_PER_STEP}, no cycle) and {@code cwd}.</li>
 * </ul>
 * A control field ({@code action}, {@code runId}, {@code graphFile}, read controls) inside a graph has its own error.
 * Effective tools follow seeds/002 "Graph and authority boundaries": see {@link TeamTools}.
 *
 * <p>Stateless and thread-safe; the library and the file system are read on each call.
 */
public final class TeamPlanner {
    /** Longest objective, in characters. */
    public static final int MAX_OBJECTIVE_CHARS = 4000;
    /** Longest inline system prompt, task or output contract, in bytes of UTF-8 (64 KiB). */
    public static final int MAX_PROMPT_BYTES = TeamSteps.MAX_PROMPT_BYTES;
    /** The actions of {@code agent_team} (seeds/002). */
    public static final List<String> ACTIONS = List.of("catalog", "start", "run_status", "step_result", "message", "cancel", "cleanup");
    /** Read controls, which belong to {@code run_status} and {@code step_result} only. */
    public static final List<String> READ_CONTROLS = List.of("cursor", "waitSeconds", "maxBytes", "preview", "debugEvents");

    private static final List<String> GRAPH_KEYS = List.of("objective", "authority", "library", "limits", "runtime", "steps");
    private static final List<String> AUTHORITY_KEYS = List.of("allowFilesystemRead", "allowShellTools", "allowMutationTools", "allowExtensionCode");
    private static final List<String> LIMIT_KEYS = List.of("concurrency", "timeoutSecondsPerStep", "maxRunSeconds", "retentionSeconds");

    private TeamPlanner() {
    }

    /**
     * What a graph is planned against.
     *
     * @param root           the invocation cwd: absolute, ideally its real path (symlinks are refused below it, not in it)
     * @param profiles       the agent library refs resolve in
     * @param defaultRuntime the runtime of steps that pin none and a graph that names none, one of
     *                       {@link AgentRuntime#KNOWN}, e.g. {@code pi}
     * @throws NullPointerException     for a null value
     * @throws IllegalArgumentException for a relative root or an unknown runtime
     */
    public record Context(Path root, AgentProfiles profiles, String defaultRuntime) {
        /** Checks the values and normalizes the root. */
        public Context {
            Objects.requireNonNull(root, "root");
            Objects.requireNonNull(profiles, "profiles");
            Objects.requireNonNull(defaultRuntime, "defaultRuntime");
            if (!root.isAbsolute()) {
                throw new IllegalArgumentException("the invocation cwd must be absolute: " + root);
            }
            if (!AgentRuntime.KNOWN.contains(defaultRuntime)) {
                throw new IllegalArgumentException("unknown runtime " + defaultRuntime + "; known: " + AgentRuntime.KNOWN);
            }
            root = root.normalize();
        }
    }

    /**
     * Pushed-notice settings of a run ({@code start.notices}; seeds/002 limits table).
     *
     * @param mode               {@code none}, {@code final} or {@code milestones} (default)
     * @param maxNotices         most non-terminal notices, 0 to 100 (default 12)
     * @param minIntervalSeconds least seconds between milestone notices, 1 to 3600 (default 10)
     */
    public record Notices(String mode, int maxNotices, int minIntervalSeconds) {
        /** The modes. */
        public static final List<String> MODES = List.of("none", "final", "milestones");
        /** The defaults: milestones, 12 notices, 10 seconds apart. */
        public static final Notices DEFAULT = new Notices("milestones", TeamLimits.DEFAULT_MILESTONE_NOTICES,
                TeamLimits.DEFAULT_NOTICE_INTERVAL_SECONDS);

        /**
         * @param notices absent or null (the defaults), a mode string, or {@code {mode, maxNotices, minIntervalSeconds}}
         *                (each optional; unknown keys refused; integers only)
         * @return the settings, defaults applied
         * @throws dev.agentmesh.MeshException (invalid input) for another shape, an unknown mode or a value out of range
         */
        public static Notices parse(JsonNode notices) {
            if (notices == null || notices.isNull() || notices.isMissingNode()) {
                return DEFAULT;
            }
            if (notices.isString()) {
                return new Notices(mode(notices.asString()), DEFAULT.maxNotices, DEFAULT.minIntervalSeconds);
            }
            if (!notices.isObject()) {
                throw TeamErrors.invalid("start notices must be a mode or an object, not " + TeamFields.describe(notices),
                        "send notices as \"milestones\", \"final\" or \"none\", or {\"mode\": ..., \"maxNotices\": ..., \"minIntervalSeconds\": ...}");
            }
            TeamFields.onlyKeys(notices, "start notices", List.of("mode", "maxNotices", "minIntervalSeconds"));
            String mode = TeamFields.string(notices, "mode", "start notices", false);
            return new Notices(mode == null ? DEFAULT.mode : mode(mode),
                    TeamFields.integer(notices, "maxNotices", "start notices", 0, TeamLimits.MAX_MILESTONE_NOTICES, DEFAULT.maxNotices),
                    TeamFields.integer(notices, "minIntervalSeconds", "start notices", 1, TeamLimits.MAX_NOTICE_INTERVAL_SECONDS,
                            DEFAULT.minIntervalSeconds));
        }

        private static String mode(String mode) {
            if (!MODES.contains(mode)) {
                throw TeamErrors.invalid("start notices mode '" + quote(mode) + "' is not a notice mode",
                        "use none, final or milestones (the default)");
            }
            return mode;
        }
    }

    /**
     * @param graph the graph: the inline {@code start.graph} or {@link #readGraphFile}'s result
     * @param ctx   the invocation cwd, library and default runtime
     * @return the validated plan; its {@code graph} is a copy of {@code graph}
     * @throws dev.agentmesh.MeshException (invalid input) for the first problem found, as {@code PROBLEM Repair: REPAIR}
     */
    public static TeamPlan plan(JsonNode graph, Context ctx) {
        if (graph == null || !graph.isObject()) {
            throw TeamErrors.invalid("the graph must be a JSON object, not " + TeamFields.describe(graph),
                    "send graph as an object with objective, authority and steps (seeds/002 \"Minimum read-only run\")");
        }
        TeamFields.noControlFields(graph, "graph");
        TeamFields.onlyKeys(graph, "graph", GRAPH_KEYS);
        String objective = objective(graph);
        TeamPlan.Authority authority = authority(graph);
        List<Source> sources = library(graph);
        TeamPlan.RunLimits limits = limits(graph);
        String runtime = Objects.requireNonNullElse(TeamFields.runtime(graph, "graph"), ctx.defaultRuntime());
        JsonNode steps = steps(graph);
        List<String> ids = ids(steps);
        TeamSteps.Scope scope = new TeamSteps.Scope(ctx.root(), ctx.profiles(), sources, authority, runtime, ids);
        List<TeamPlan.StepPlan> plans = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            plans.add(TeamSteps.read(steps.get(i), ids.get(i), scope));
        }
        checkAcyclic(plans);
        return new TeamPlan(objective, authority, limits, plans, graph.deepCopy());
    }

    /**
     * Resolves a step's cwd (seeds/002: "A step cwd narrows launch working context to an existing directory inside the
     * invocation cwd"); called when planning and again right before the step launches.
     *
     * @param root the invocation cwd, absolute
     * @param cwd  the folder relative to {@code root} ('/'-separated; '.' parts dropped), or null or "" for the root
     * @return {@code root} with {@code cwd} resolved: an existing directory reached from {@code root} without a symlink
     *         in any component
     * @throws dev.agentmesh.MeshException (invalid input) for a control character, an absolute path, a '..' part, a
     *                                     missing or non-directory component, or a symlink
     */
    public static Path resolveCwd(Path root, String cwd) {
        return TeamPaths.resolveCwd(root, cwd, "cwd");
    }

    /**
     * Refuses a bash-enabled step whose cwd tree holds its runtime's project settings (seeds/002: "Bash-enabled steps
     * are refused when the effective cwd tree contains .pi/settings.json"): {@code cwd} and each folder above it up to
     * and including {@code root} are checked for pi's {@code .pi/settings.json}, claude's {@code .claude/settings.json}
     * and {@code .claude/settings.local.json}, or codex's {@code .codex/config.toml}. Other runtimes have none.
     *
     * @param root    the invocation cwd, absolute
     * @param cwd     the step's resolved cwd, inside {@code root}
     * @param runtime the step's runtime
     * @throws dev.agentmesh.MeshException (invalid input) naming the settings file found, or for a cwd outside root
     */
    public static void checkSettingsTree(Path root, Path cwd, String runtime) {
        TeamPaths.checkSettingsTree(root, cwd, runtime, "a bash-enabled step");
    }

    /**
     * Reads {@code start.graphFile} (seeds/002 "First successful graphFile run"): a relative {@code .json} path inside
     * {@code root}, reached without a symlink in any component, naming a regular file of at most
     * {@value TeamLimits#MAX_GRAPH_FILE_BYTES} bytes holding one JSON object (no duplicate keys, nesting at most
     * {@value TeamPaths#MAX_GRAPH_DEPTH} deep) that is a graph body, not an action wrapper.
     *
     * @param root      the invocation cwd, absolute
     * @param graphFile the path as given
     * @return the graph, still to be {@link #plan planned}
     * @throws dev.agentmesh.MeshException (invalid input) for a bad path, a symlink, a file that is too big (naming its
     *                                     size), JSON that does not parse (naming line and column) or a control field
     */
    public static JsonNode readGraphFile(Path root, String graphFile) {
        return TeamPaths.readGraphFile(root, graphFile);
    }

    /**
     * Checks the shape of an action's arguments before it runs. {@code catalog} takes only {@code library}
     * ({@code query} at most 1000 characters, {@code sources}); {@code start} takes {@code graph} or {@code graphFile}
     * (exactly one) and {@code notices}. Neither takes a read control ({@link #READ_CONTROLS}; seeds/002: "Do not send
     * read controls ... to catalog or start"). {@code run} is refused as intentionally absent. The other actions' own
     * arguments are checked where they run.
     *
     * @param action the action name
     * @param args   the call's arguments (they may include {@code action} itself), or null for none
     * @throws dev.agentmesh.MeshException (invalid input) for an unknown action or a bad argument
     */
    public static void checkActionArgs(String action, JsonNode args) {
        JsonNode a = args == null || args.isNull() || args.isMissingNode() ? JsonNodeFactory.instance.objectNode() : args;
        checkAction(action);
        if (!a.isObject()) {
            throw TeamErrors.invalid(action + " arguments must be a JSON object, not " + TeamFields.describe(a),
                    "send the arguments as one JSON object");
        }
        switch (action) {
            case "catalog" -> catalogArgs(a);
            case "start" -> startArgs(a);
            default -> {
            }
        }
    }

    /** @return {@code library.sources} of catalog arguments, default package, user; the arguments are checked first */
    static List<Source> catalogSources(JsonNode args) {
        checkActionArgs("catalog", args);
        return TeamFields.sources(args == null ? null : TeamFields.value(args, "library"), "catalog library");
    }

    private static void checkAction(String action) {
        if (action == null || action.isBlank()) {
            throw TeamErrors.invalid("agent_team got no action", "set action to one of " + String.join(", ", ACTIONS));
        }
        if (action.equals("run")) {
            throw TeamErrors.invalid("action 'run' is rejected: run is intentionally absent", "use start, then run_status");
        }
        if (!ACTIONS.contains(action)) {
            throw TeamErrors.invalid("unknown action '" + quote(action) + "'", "use one of " + String.join(", ", ACTIONS));
        }
    }

    private static void catalogArgs(JsonNode args) {
        noReadControls(args, "catalog", "narrow catalog with library.query");
        TeamFields.onlyKeys(args, "catalog", List.of("action", "library"));
        JsonNode library = TeamFields.object(args, "library", "catalog");
        if (library != null) {
            TeamFields.onlyKeys(library, "catalog library", List.of("query", "sources"));
            String query = TeamFields.string(library, "query", "catalog library", false);
            if (query != null && query.length() > AgentProfiles.MAX_QUERY_CHARS) {
                throw TeamErrors.invalid("catalog library.query is " + query.length() + " characters; the limit is " + AgentProfiles.MAX_QUERY_CHARS,
                        "use a few routing words such as \"review tests\"");
            }
            if (query != null) {
                TeamFields.plainText(query, "catalog library.query", false);
            }
            TeamFields.sources(library, "catalog library");
        }
    }

    private static void startArgs(JsonNode args) {
        noReadControls(args, "start", "start returns a runId; then read it with run_status (waitSeconds, cursor, debugEvents) or step_result (preview)");
        if (args.has("library")) {
            throw TeamErrors.invalid("start takes no library", "set graph.library.sources inside the graph, e.g. [\"project\"]");
        }
        TeamFields.onlyKeys(args, "start", List.of("action", "graph", "graphFile", "notices"));
        boolean graph = TeamFields.object(args, "graph", "start") != null;
        boolean file = TeamFields.string(args, "graphFile", "start", false) != null;
        if (graph == file) {
            throw TeamErrors.invalid(graph ? "start got both graph and graphFile" : "start needs a graph or a graphFile",
                    "send exactly one: an inline graph object, or graphFile with a relative .json path inside the cwd");
        }
        Notices.parse(args.get("notices"));
    }

    private static void noReadControls(JsonNode args, String action, String repair) {
        for (String key : READ_CONTROLS) {
            if (args.has(key)) {
                throw TeamErrors.invalid(action + " takes no read control '" + key + "'", repair);
            }
        }
    }

    private static String objective(JsonNode graph) {
        String objective = TeamFields.string(graph, "objective", "graph", true);
        if (objective.isBlank()) {
            throw TeamErrors.invalid("graph.objective is blank", "say in one sentence what the run is for");
        }
        if (objective.length() > MAX_OBJECTIVE_CHARS) {
            throw TeamErrors.invalid("graph.objective is " + objective.length() + " characters; the limit is " + MAX_OBJECTIVE_CHARS,
                    "keep the objective short; put details in the step tasks");
        }
        return TeamFields.plainText(objective, "graph.objective", true);
    }

    private static TeamPlan.Authority authority(JsonNode graph) {
        JsonNode a = TeamFields.object(graph, "authority", "graph");
        if (a != null) {
            TeamFields.onlyKeys(a, "graph.authority", AUTHORITY_KEYS);
        }
        JsonNode auth = a == null ? JsonNodeFactory.instance.objectNode() : a;
        String where = "graph.authority";
        TeamPlan.Authority authority = new TeamPlan.Authority(TeamFields.bool(auth, "allowFilesystemRead", where),
                TeamFields.bool(auth, "allowShellTools", where), TeamFields.bool(auth, "allowMutationTools", where),
                TeamFields.bool(auth, "allowExtensionCode", where));
        if (!authority.allowFilesystemRead()) {
            throw TeamErrors.invalid("graph.authority.allowFilesystemRead is " + (auth.has("allowFilesystemRead") ? "false" : "missing")
                            + "; every child keeps read, grep, find and ls",
                    "set authority.allowFilesystemRead: true (seeds/002 \"Built-in tool is rejected\")");
        }
        return authority;
    }

    private static List<Source> library(JsonNode graph) {
        JsonNode library = TeamFields.object(graph, "library", "graph");
        if (library != null && library.has("query")) {
            throw TeamErrors.invalid("graph.library.query is catalog-only",
                    "drop library.query from the graph; call catalog with library.query to choose refs");
        }
        if (library != null) {
            TeamFields.onlyKeys(library, "graph.library", List.of("sources"));
        }
        return TeamFields.sources(library, "graph.library");
    }

    private static TeamPlan.RunLimits limits(JsonNode graph) {
        JsonNode limits = TeamFields.object(graph, "limits", "graph");
        if (limits == null) {
            return TeamPlan.RunLimits.DEFAULT;
        }
        TeamFields.onlyKeys(limits, "graph.limits", LIMIT_KEYS);
        String w = "graph.limits";
        return new TeamPlan.RunLimits(
                TeamFields.integer(limits, "concurrency", w, TeamLimits.MIN_CONCURRENCY, TeamLimits.MAX_CONCURRENCY, TeamLimits.MAX_CONCURRENCY),
                TeamFields.integer(limits, "timeoutSecondsPerStep", w, TeamLimits.MIN_STEP_TIMEOUT_SECONDS, TeamLimits.MAX_STEP_TIMEOUT_SECONDS,
                        TeamLimits.DEFAULT_STEP_TIMEOUT_SECONDS),
                TeamFields.integer(limits, "maxRunSeconds", w, 1, TeamLimits.MAX_RUN_SECONDS, TeamLimits.MAX_RUN_SECONDS),
                TeamFields.integer(limits, "retentionSeconds", w, 1, TeamLimits.MAX_RETENTION_SECONDS, TeamLimits.DEFAULT_RETENTION_SECONDS));
    }

    private static JsonNode steps(JsonNode graph) {
        JsonNode steps = TeamFields.value(graph, "steps");
        if (steps == null) {
            throw TeamErrors.invalid("graph has no steps", "add steps: [{\"id\": \"inspect\", \"agent\": {\"ref\": \"package:scout\"}, \"task\": \"...\"}]");
        }
        if (!steps.isArray()) {
            throw TeamErrors.invalid("graph.steps must be an array, not " + TeamFields.describe(steps), "give steps as a JSON array of step objects");
        }
        if (steps.isEmpty()) {
            throw TeamErrors.invalid("graph.steps is empty", "add at least one step");
        }
        if (steps.size() > TeamLimits.MAX_STEPS) {
            throw TeamErrors.invalid("graph.steps has " + steps.size() + " steps; the limit is " + TeamLimits.MAX_STEPS + " (seeds/002)",
                    "merge small steps, or split the work into several runs");
        }
        return steps;
    }

    /** @return each step's id, checked: an object's {@link TeamSteps#ID}, unique in the graph */
    private static List<String> ids(JsonNode steps) {
        Map<String, Integer> seen = new HashMap<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            String at = "graph.steps[" + i + "]";
            if (!steps.get(i).isObject()) {
                throw TeamErrors.invalid(at + " must be an object, not " + TeamFields.describe(steps.get(i)), "give each step as a JSON object");
            }
            String id = TeamFields.string(steps.get(i), "id", at, true);
            if (!TeamSteps.ID.matcher(id).matches()) {
                throw TeamErrors.invalid(at + ".id '" + quote(id) + "' is not a step id",
                        "use 1 to 63 lower-case letters, digits and '-', starting with a letter or digit, e.g. inspect");
            }
            Integer before = seen.putIfAbsent(id, i);
            if (before != null) {
                throw TeamErrors.invalid(at + ".id '" + id + "' repeats graph.steps[" + before + "].id", "give every step its own id");
            }
            ids.add(id);
        }
        return ids;
    }

    /** Refuses a cycle of needs/after, naming its path: {@code a → b → a} reads "a waits for b, which waits for a". */
    private static void checkAcyclic(List<TeamPlan.StepPlan> steps) {
        Map<String, TeamPlan.StepPlan> byId = new HashMap<>();
        steps.forEach(s -> byId.put(s.id(), s));
        Set<String> done = new HashSet<>();
        for (TeamPlan.StepPlan s : steps) {
            List<String> cycle = cycleFrom(s.id(), byId, done, new ArrayList<>());
            if (cycle != null) {
                throw TeamErrors.invalid("steps form a cycle: " + String.join(" \u2192 ", cycle),
                        "a graph is a static DAG; remove one of these needs/after links");
            }
        }
    }

    /** @return the cycle reached from {@code id}, or null; {@code done} marks finished steps, {@code path} the open ones */
    private static List<String> cycleFrom(String id, Map<String, TeamPlan.StepPlan> byId, Set<String> done, List<String> path) {
        int open = path.indexOf(id);
        if (open >= 0) {
            List<String> cycle = new ArrayList<>(path.subList(open, path.size()));
            cycle.add(id);
            return cycle;
        }
        if (done.contains(id)) {
            return null;
        }
        path.add(id);
        for (String dep : byId.get(id).dependencies()) {
            List<String> cycle = cycleFrom(dep, byId, done, path);
            if (cycle != null) {
                return cycle;
            }
        }
        path.removeLast();
        done.add(id);
        return null;
    }
}
