package dev.agentmesh.project;

import dev.agentmesh.MeshException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Configuration merged from defaults, the user's {@code ~/.mesh/config.json} and the project's
 * {@code .mesh/config.json} (project wins), validated on load: an unknown key or a wrong type is an error
 * naming the file and the key (DESIGN.md, "Where things live").
 *
 * @param store where the store lives: a file path (relative paths are relative to the config file's project),
 *              or null for the default
 * @param crew  crew settings
 * @param data  the data policy of the corpus (seed 000)
 */
public record MeshConfig(String store, Crew crew, Data data) {
    /** A missing data section is {@link Data#defaults()}. */
    public MeshConfig {
        data = data == null ? Data.defaults() : data;
    }

    /**
     * The data policy of the corpus of spawned agents' sessions (seed 000, issue 6 part 5).
     *
     * @param training      whether this project is on the training allow-list: its production sessions are
     *                      training-eligible and {@code data.export} writes them (default false: nothing is eligible
     *                      until the project says so)
     * @param retentionDays how long conversations are kept, 0..36500 (default 90)
     */
    public record Data(boolean training, int retentionDays) {
        /** @return not on the allow-list, 90 days */
        public static Data defaults() {
            return new Data(false, 90);
        }
    }

    /**
     * Crew settings; names and defaults follow the pi-messenger crew configuration (seeds/001).
     *
     * @param concurrency        workers at once, 1..10, default 2
     * @param maxAttemptsPerTask worker runs of one task before it is blocked, default 5
     * @param reviewMaxIterations reviews of one task before a NEEDS_WORK blocks it, default 3
     * @param maxWaves           waves before a run stops, default 50
     * @param workerTimeoutSeconds wall time one worker or reviewer run may take, default 900
     * @param models             model per role ({@code planner}, {@code worker}, {@code reviewer}), as
     *                           {@code provider/model[:thinking]}; empty for the runtime's default
     * @param runtime            the runtime of every role without one in {@code runtimes}: {@code pi} (default),
     *                           {@code claude} or {@code codex} (issue 6)
     * @param runtimes           runtime per role, e.g. {@code {"reviewer": "claude"}}
     */
    public record Crew(int concurrency, int maxAttemptsPerTask, int reviewMaxIterations, int maxWaves,
                       int workerTimeoutSeconds, Map<String, String> models, String runtime, Map<String, String> runtimes) {
        /** A missing runtime is pi; missing maps are empty. */
        public Crew {
            models = models == null ? Map.of() : Map.copyOf(models);
            runtime = runtime == null ? "pi" : runtime;
            runtimes = runtimes == null ? Map.of() : Map.copyOf(runtimes);
        }

        /** @return pi-messenger's defaults, every role on pi */
        public static Crew defaults() {
            return new Crew(2, 5, 3, 50, 900, Map.of(), "pi", Map.of());
        }
    }

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    /** @return the built-in defaults */
    public static MeshConfig defaults() {
        return new MeshConfig(null, Crew.defaults(), Data.defaults());
    }

    /**
     * Loads and merges the config files that exist.
     *
     * @param userHome the user's home ({@code ~/.mesh/config.json} is read from it)
     * @param project  the project ({@code .mesh/config.json} is read from its root)
     * @throws MeshException (invalid input) on malformed JSON, an unknown key or a wrong type, naming the file
     */
    public static MeshConfig load(Path userHome, Project project) {
        ObjectNode merged = (ObjectNode) JSON.valueToTree(defaults());
        Path userFile = userHome.resolve(".mesh/config.json");
        Path projectFile = project.meshDir().resolve("config.json");
        String storeBase = null;
        for (Path f : new Path[]{userFile, projectFile}) {
            if (!Files.isRegularFile(f)) {
                continue;
            }
            JsonNode node;
            try {
                node = JSON.readTree(Files.readString(f));
                JSON.treeToValue(merge(JSON.valueToTree(defaults()), node), MeshConfig.class);
            } catch (Exception e) {
                throw MeshException.invalidInput("config " + f + " is invalid: " + firstLine(e.getMessage()));
            }
            if (node.has("store")) {
                storeBase = f.getParent().getParent().toString();
            }
            merge(merged, node);
        }
        MeshConfig cfg = JSON.treeToValue(merged, MeshConfig.class);
        if (cfg.store() != null && storeBase != null && !cfg.store().startsWith("jdbc:")
                && !Path.of(cfg.store()).isAbsolute()) {
            cfg = new MeshConfig(Path.of(storeBase).resolve(cfg.store()).normalize().toString(), cfg.crew(), cfg.data());
        }
        if (cfg.crew().concurrency() < 1 || cfg.crew().concurrency() > 10) {
            throw MeshException.invalidInput("config crew.concurrency " + cfg.crew().concurrency() + " is out of range 1..10");
        }
        if (cfg.data().retentionDays() < 0 || cfg.data().retentionDays() > 36_500) {
            throw MeshException.invalidInput("config data.retentionDays " + cfg.data().retentionDays() + " is out of range 0..36500");
        }
        java.util.List<String> known = dev.agentmesh.runtime.AgentRuntime.KNOWN;
        if (!known.contains(cfg.crew().runtime())) {
            throw MeshException.invalidInput("config crew.runtime '" + dev.agentmesh.Texts.quote(cfg.crew().runtime(), 40)
                    + "' is not a runtime; runtimes: " + String.join(", ", known));
        }
        for (var e : cfg.crew().runtimes().entrySet()) {
            if (!java.util.List.of("planner", "worker", "reviewer").contains(e.getKey()) || !known.contains(e.getValue())) {
                throw MeshException.invalidInput("config crew.runtimes." + dev.agentmesh.Texts.quote(e.getKey(), 40) + " = '"
                        + dev.agentmesh.Texts.quote(String.valueOf(e.getValue()), 40) + "': roles are planner, worker, reviewer; runtimes: "
                        + String.join(", ", known));
            }
        }
        return cfg;
    }

    private static JsonNode merge(JsonNode base, JsonNode over) {
        if (base instanceof ObjectNode b && over instanceof ObjectNode o) {
            for (var e : o.properties()) {
                JsonNode existing = b.get(e.getKey());
                if (existing instanceof ObjectNode && e.getValue() instanceof ObjectNode && !e.getKey().equals("models")
                        && !e.getKey().equals("runtimes")) {
                    merge(existing, e.getValue());
                } else {
                    b.set(e.getKey(), e.getValue());
                }
            }
            return b;
        }
        return over;
    }

    private static String firstLine(String s) {
        return dev.agentmesh.Texts.firstLine(s).replaceAll(" ?\\(class [\\w.$]+\\)", "").replaceAll("\\s+$", "");
    }
}
