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
 */
public record MeshConfig(String store, Crew crew) {

    /**
     * Crew settings; names and defaults follow the pi-messenger crew configuration (seeds/001).
     *
     * @param concurrency        workers at once, 1..10, default 2
     * @param maxAttemptsPerTask worker runs of one task before it is blocked, default 5
     * @param reviewMaxIterations reviews of one task before a NEEDS_WORK blocks it, default 3
     * @param maxWaves           waves before a run stops, default 50
     * @param workerTimeoutSeconds wall time one worker or reviewer run may take, default 900
     * @param models             model per role ({@code planner}, {@code worker}, {@code reviewer}), as
     *                           {@code provider/model}; empty for pi's default
     */
    public record Crew(int concurrency, int maxAttemptsPerTask, int reviewMaxIterations, int maxWaves,
                       int workerTimeoutSeconds, Map<String, String> models) {
        /** @return pi-messenger's defaults */
        public static Crew defaults() {
            return new Crew(2, 5, 3, 50, 900, Map.of());
        }
    }

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    /** @return the built-in defaults */
    public static MeshConfig defaults() {
        return new MeshConfig(null, Crew.defaults());
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
            cfg = new MeshConfig(Path.of(storeBase).resolve(cfg.store()).normalize().toString(), cfg.crew());
        }
        if (cfg.crew().concurrency() < 1 || cfg.crew().concurrency() > 10) {
            throw MeshException.invalidInput("config crew.concurrency " + cfg.crew().concurrency() + " is out of range 1..10");
        }
        return cfg;
    }

    private static JsonNode merge(JsonNode base, JsonNode over) {
        if (base instanceof ObjectNode b && over instanceof ObjectNode o) {
            for (var e : o.properties()) {
                JsonNode existing = b.get(e.getKey());
                if (existing instanceof ObjectNode && e.getValue() instanceof ObjectNode && !e.getKey().equals("models")) {
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
