package dev.agentmesh.agents;

import dev.agentmesh.MeshException;
import dev.agentmesh.Texts;
import dev.agentmesh.agents.internal.SpawnedTable;
import dev.agentmesh.mesh.Presence;
import dev.agentmesh.runtime.AgentRuntime;
import dev.agentmesh.runtime.ModelRef;
import dev.agentmesh.store.Store;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The registry of persistent named agents of one project (issue 6, parts 2 and 3; seed 003), kept in the store,
 * and the checks of what may be spawned and assigned. The agents' processes belong to an {@link AgentHost} (the
 * supervisor); this class only records them. Thread-safe.
 */
public final class Agents {
    /** Longest assignment text, in characters. */
    public static final int MAX_TASK_CHARS = 64 * 1024;
    /** Longest system prompt addition at spawn, in characters. */
    public static final int MAX_PROMPT_CHARS = 64 * 1024;
    /** Longest workstream tag, in characters. */
    public static final int MAX_WORKSTREAM_CHARS = 64;
    /** Longest {@code agents.done} summary, in characters. */
    public static final int MAX_SUMMARY_CHARS = 16 * 1024;

    private static final tools.jackson.databind.json.JsonMapper JSON = tools.jackson.databind.json.JsonMapper.builder().build();

    private final Store store;
    private final String project;

    /**
     * @param store   the store
     * @param project the project key
     */
    public Agents(Store store, String project) {
        this.store = store;
        this.project = project;
    }

    /** @return the agent named {@code name}, if it was ever spawned in this project */
    public Optional<SpawnedAgent> find(String name) {
        return store.read(tx -> SpawnedTable.of(tx).byName(project, name));
    }

    /**
     * @return the agent named {@code name}
     * @throws MeshException (invalid input) when no agent of that name was spawned here, naming the known ones
     */
    public SpawnedAgent get(String name) {
        return find(name).orElseThrow(() -> MeshException.invalidInput("no spawned agent is named '" + Texts.quote(name, 80)
                + "'" + known()));
    }

    private String known() {
        List<String> names = list().stream().map(SpawnedAgent::name).toList();
        return names.isEmpty() ? "; nobody was spawned in this project (action spawn)" : "; spawned: " + String.join(", ", names);
    }

    /** @return the project's spawned agents by name, stopped ones too */
    public List<SpawnedAgent> list() {
        return store.read(tx -> SpawnedTable.of(tx).list(project));
    }

    /** Writes {@code a} (a new name or a change of a known one). */
    public void save(SpawnedAgent a) {
        store.write(tx -> {
            SpawnedTable.of(tx).save(project, a);
            return null;
        });
    }

    /**
     * Changes the agent {@code name} in one transaction.
     *
     * @return the agent after {@code change}
     * @throws MeshException (invalid input) for an unknown name
     */
    public SpawnedAgent update(String name, UnaryOperator<SpawnedAgent> change) {
        return store.write(tx -> {
            SpawnedAgent a = SpawnedTable.of(tx).byName(project, name).orElseThrow(() ->
                    MeshException.invalidInput("no spawned agent is named '" + Texts.quote(name, 80) + "'"));
            SpawnedAgent after = change.apply(a);
            SpawnedTable.of(tx).save(project, after);
            return after;
        });
    }

    /** Sets the session label of {@code name} (seed 003: the registry is session-scoped). */
    public void setSession(String name, String session) {
        store.write(tx -> {
            SpawnedTable.of(tx).setSession(project, name, session);
            return null;
        });
    }

    /** @return the session label of {@code name}, or null when it has none */
    public String session(String name) {
        return store.read(tx -> SpawnedTable.of(tx).session(project, name).orElse(null));
    }

    /** @return the names of the agents of {@code session}, by name */
    public List<String> inSession(String session) {
        return store.read(tx -> SpawnedTable.of(tx).namesInSession(project, session));
    }

    /**
     * Removes {@code name} from the registry (seed 003, Delete). Its memory folder and transcript stay on disk.
     *
     * @return whether it was there
     */
    public boolean delete(String name) {
        return store.write(tx -> SpawnedTable.of(tx).delete(project, name));
    }

    /**
     * The registry in seed 003's {@code subagents.json} shape, for tools that read it: {@code {"session": S,
     * "agents": [{"name", "id" (the runtime's session id), "type" (the profile, else the runtime), "provider"
     * ({@code only:PROVIDER} from the pinned model, else the runtime), "status" (running | completed), "created"
     * (ISO-8601 UTC)}]}}.
     *
     * @param session the file's {@code session}; agents of other named sessions are left out, those of none kept
     */
    public tools.jackson.databind.node.ObjectNode subagentsJson(String session) {
        var root = JSON.createObjectNode().put("session", session);
        var list = root.putArray("agents");
        for (SpawnedAgent a : list()) {
            String s = session(a.name());
            if (s != null && !s.equals(session)) {
                continue;
            }
            ModelRef m = a.model() == null ? null : ModelRef.parse(a.model());
            list.addObject().put("name", a.name()).put("id", a.sessionId() == null ? "" : a.sessionId())
                    .put("type", a.profile() != null ? a.profile() : a.runtime())
                    .put("provider", "only:" + (m != null && m.provider() != null ? m.provider() : a.runtime()))
                    .put("status", a.status().equals(SpawnedAgent.STOPPED) ? "completed" : "running")
                    .put("created", java.time.Instant.ofEpochMilli(a.createdAt()).toString());
        }
        return root;
    }

    /**
     * Adds a feed event about the spawned agent {@code name} (spawn, assignment, done, kill, exit).
     *
     * @param kind   e.g. {@code agents.done}
     * @param detail one line, or null
     */
    public void event(String name, String kind, String detail) {
        store.write(tx -> {
            dev.agentmesh.mesh.Feed.append(tx, project, System.currentTimeMillis(), name, kind, name, detail);
            return null;
        });
    }

    /**
     * Marks every agent of every project that is not stopped as stopped: what a supervisor does when it starts, since
     * the processes of the one before it are gone (their trees are killed by their marks).
     *
     * @return the agents marked, as project and name
     */
    public static List<Map.Entry<String, String>> stopAll(Store store) {
        return store.write(tx -> {
            long now = System.currentTimeMillis();
            List<Map.Entry<String, String>> marked = new java.util.ArrayList<>();
            for (var e : SpawnedTable.of(tx).running()) {
                SpawnedTable.of(tx).save(e.getKey(), e.getValue().withStatus(SpawnedAgent.STOPPED, now));
                marked.add(Map.entry(e.getKey(), e.getValue().name()));
            }
            return marked;
        });
    }

    /**
     * Checks a spawn request before anything starts.
     *
     * @return the model reference it asks for (thinking applied), or null for the runtime's default (then a thinking
     *         level applies to the default model)
     * @throws MeshException (invalid input) for a missing or invalid name, an unknown runtime, a bad model or thinking
     *                       level, or a prompt over {@value #MAX_PROMPT_CHARS} characters
     */
    public static ModelRef check(AgentHost.SpawnRequest r) {
        if (r.name() == null || r.name().isBlank()) {
            throw MeshException.invalidInput("spawn needs a name: spawned agents are never given a generated one (seed 003)");
        }
        Presence.checkName(r.name());
        if (r.runtime() != null && !AgentRuntime.KNOWN.contains(r.runtime())) {
            throw MeshException.invalidInput("runtime '" + Texts.quote(r.runtime(), 40) + "' is not a runtime; runtimes: "
                    + String.join(", ", AgentRuntime.KNOWN));
        }
        ModelRef model = ModelRef.parse(r.model());
        if (r.thinking() != null) {
            if (!ModelRef.THINKING_LEVELS.contains(r.thinking())) {
                throw MeshException.invalidInput("unknown thinking level '" + Texts.quote(r.thinking(), 40) + "'; known: "
                        + String.join(", ", ModelRef.THINKING_LEVELS));
            }
            // without a model it applies to the runtime's default one (the host's to pick)
            model = model == null ? null : model.withThinking(r.thinking());
        }
        if (r.prompt() != null && r.prompt().length() > MAX_PROMPT_CHARS) {
            throw MeshException.invalidInput("prompt is " + r.prompt().length() + " characters; the limit is " + MAX_PROMPT_CHARS);
        }
        return model;
    }

    /**
     * @throws MeshException (invalid input) for an empty or too long task, or a workstream that is too long or has a
     *                       control character
     */
    public static void checkAssignment(String task, String workstream) {
        if (task == null || task.isBlank()) {
            throw MeshException.invalidInput("agents.assign needs a task");
        }
        if (task.length() > MAX_TASK_CHARS) {
            throw MeshException.invalidInput("task is " + task.length() + " characters; the limit is " + MAX_TASK_CHARS);
        }
        if (workstream != null && (workstream.isBlank() || workstream.length() > MAX_WORKSTREAM_CHARS
                || workstream.codePoints().anyMatch(Character::isISOControl))) {
            throw MeshException.invalidInput("workstream '" + Texts.quote(workstream, 80) + "' must be 1.." + MAX_WORKSTREAM_CHARS
                    + " characters without control characters");
        }
    }
}
