package dev.agentmesh.crew;

import dev.agentmesh.MeshException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A validated plan: tasks with dependencies forming an acyclic graph. Parsed from the planner's answer, which
 * holds a fenced {@code tasks-json} block (the pi-messenger crew's format, seeds/001): a JSON array of
 * {@code {"id", "title", "description", "dependsOn": [ids]}}; {@code id} defaults to {@code task-N} by position,
 * {@code depends_on} and {@code dependencies} are accepted for {@code dependsOn}.
 *
 * @param tasks the tasks in plan order
 */
public record Plan(List<TaskSpec> tasks) {
    /** Most tasks in one plan. */
    public static final int MAX_TASKS = 200;
    private static final Pattern FENCE = Pattern.compile("```tasks-json\\s*\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * Extracts and validates the plan in a planner's answer.
     *
     * @throws MeshException (invalid input) when there is no {@code tasks-json} block, it is not a JSON array
     *                       of tasks, or the graph is invalid (see {@link #validate})
     */
    public static Plan parse(String answer) {
        Matcher m = FENCE.matcher(answer == null ? "" : answer);
        if (!m.find()) {
            throw MeshException.invalidInput("the planner's answer has no ```tasks-json block");
        }
        JsonNode root;
        try {
            root = JSON.readTree(m.group(1));
        } catch (Exception e) {
            throw MeshException.invalidInput("the tasks-json block is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (root.isObject() && root.has("tasks")) {
            root = root.get("tasks");
        }
        if (!root.isArray()) {
            throw MeshException.invalidInput("the tasks-json block must be a JSON array of tasks");
        }
        List<TaskSpec> specs = new ArrayList<>();
        int n = 0;
        for (JsonNode t : root) {
            n++;
            if (!t.isObject()) {
                throw MeshException.invalidInput("task " + n + " of the plan is not a JSON object");
            }
            String id = text(t, "id", n, "task-" + n).strip();
            String title = text(t, "title", n, "").strip();
            String description = text(t, "description", n, "");
            JsonNode deps = t.has("dependsOn") ? t.get("dependsOn") : t.has("depends_on") ? t.get("depends_on") : t.get("dependencies");
            List<String> dependsOn = new ArrayList<>();
            if (deps != null && !deps.isNull()) {
                if (!deps.isArray()) {
                    throw MeshException.invalidInput(id + ": dependsOn must be an array of task ids");
                }
                for (JsonNode d : deps) {
                    if (!d.isString()) {
                        throw MeshException.invalidInput(id + ": dependsOn must hold task ids (strings), not " + d);
                    }
                    dependsOn.add(d.asString().strip());
                }
            }
            specs.add(new TaskSpec(id, title, description, List.copyOf(dependsOn)));
        }
        return validate(specs);
    }

    private static String text(JsonNode task, String field, int n, String dflt) {
        JsonNode v = task.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isString()) {
            throw MeshException.invalidInput("task " + n + " of the plan: '" + field + "' must be a string, not " + v);
        }
        return v.asString();
    }

    /**
     * Checks a plan: 1..{@value #MAX_TASKS} tasks, unique valid ids, a title each, every dependency a task of
     * the plan, no task depending on itself, no cycle. Nothing is ever dropped silently.
     *
     * @return the plan
     * @throws MeshException (invalid input) naming the offending tasks, e.g.
     *                       {@code task-7 depends on task-9, which does not exist} or
     *                       {@code the plan has a dependency cycle: task-1 -> task-2 -> task-1}
     */
    public static Plan validate(List<TaskSpec> specs) {
        if (specs.isEmpty()) {
            throw MeshException.invalidInput("the plan has no tasks");
        }
        if (specs.size() > MAX_TASKS) {
            throw MeshException.invalidInput("the plan has " + specs.size() + " tasks; the limit is " + MAX_TASKS);
        }
        Map<String, TaskSpec> byId = new LinkedHashMap<>();
        for (TaskSpec s : specs) {
            if (!ID.matcher(s.id()).matches()) {
                throw MeshException.invalidInput("task id '" + s.id() + "' is invalid: use letters, digits, '_', '.' or '-'");
            }
            if (byId.put(s.id(), s) != null) {
                throw MeshException.invalidInput("task id " + s.id() + " appears twice in the plan");
            }
            if (s.title().isBlank()) {
                throw MeshException.invalidInput(s.id() + " has no title");
            }
        }
        for (TaskSpec s : specs) {
            if (new java.util.HashSet<>(s.dependsOn()).size() != s.dependsOn().size()) {
                throw MeshException.invalidInput(s.id() + " lists a dependency twice: " + s.dependsOn());
            }
            for (String d : s.dependsOn()) {
                if (d.equals(s.id())) {
                    throw MeshException.invalidInput(s.id() + " depends on itself");
                }
                if (!byId.containsKey(d)) {
                    throw MeshException.invalidInput(s.id() + " depends on " + d + ", which does not exist");
                }
            }
        }
        List<String> cycle = findCycle(byId);
        if (!cycle.isEmpty()) {
            throw MeshException.invalidInput("the plan has a dependency cycle: " + String.join(" -> ", cycle));
        }
        return new Plan(List.copyOf(specs));
    }

    private static List<String> findCycle(Map<String, TaskSpec> byId) {
        Map<String, Integer> state = new HashMap<>();
        for (String start : byId.keySet()) {
            List<String> path = new ArrayList<>();
            List<String> c = dfs(start, byId, state, path, new HashSet<>());
            if (!c.isEmpty()) {
                return c;
            }
        }
        return List.of();
    }

    private static List<String> dfs(String id, Map<String, TaskSpec> byId, Map<String, Integer> state, List<String> path,
                                    Set<String> onPath) {
        Integer st = state.get(id);
        if (st != null && st == 2) {
            return List.of();
        }
        if (onPath.contains(id)) {
            List<String> cycle = new ArrayList<>(path.subList(path.indexOf(id), path.size()));
            cycle.add(id);
            return cycle;
        }
        onPath.add(id);
        path.add(id);
        for (String d : byId.get(id).dependsOn()) {
            List<String> c = dfs(d, byId, state, path, onPath);
            if (!c.isEmpty()) {
                return c;
            }
        }
        path.remove(path.size() - 1);
        onPath.remove(id);
        state.put(id, 2);
        return List.of();
    }
}
