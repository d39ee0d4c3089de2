package dev.agentmesh.model;

import dev.agentmesh.MeshException;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A model script: rules that pick scripted tool calls and final texts by a phrase in the user's prompt, played by
 * {@link ScriptedModelServer}. Loaded from YAML (JSON is valid YAML too):
 *
 * <pre>{@code
 * rules:                                  # tried in order; the first whose phrases all occur in the prompt wins
 *   - match: "[crew planner]"             # a string, or a list of strings that must ALL occur
 *     steps:
 *       - tool: read                      # a tool call: tool name + args mapping (args optional, default {})
 *         args: {path: PRD.md}
 *       - text: Plan below.               # a final text
 *       - shell: "npm test"               # runtime-neutral steps, each played as the runtime's own tool:
 *       - read: src/a.ts                  #   pi: bash, read, write, edit, pi_messenger, agent_team; Claude Code:
 *       - write: {path: a.txt, content: hi}   # Bash, Read, Write, Edit, mcp__mesh__pi_messenger,
 *       - edit: {path: a.txt, old: hi, new: ho}  # mcp__mesh__agent_team; Codex: exec_command (read is cat, write
 *       - mesh: {action: status}                 # and edit are apply_patch: edit's old and new are whole lines
 *       - team: {action: run_status, runId: r1}  # there), mcp__mesh__pi_messenger, mcp__mesh__agent_team
 *       - call: {tool: ask, peer: Scout, brief: hi}  # another mesh tool: pi: ask; Claude Code, Codex: mcp__mesh__ask
 * default: "No script rule matches."      # optional; the text for prompts no rule matches
 * }</pre>
 *
 * <p>The runtime-neutral steps:
 * <table>
 *   <caption>Runtime-neutral steps and the tool call each runtime gets</caption>
 *   <tr><th>step</th><th>value</th><th>pi (Chat Completions)</th><th>Claude Code (Messages)</th><th>Codex (Responses)</th></tr>
 *   <tr><td>{@code shell}</td><td>a command</td><td>{@code bash}</td><td>{@code Bash}</td><td>{@code exec_command}</td></tr>
 *   <tr><td>{@code read}</td><td>a path</td><td>{@code read}</td><td>{@code Read}</td><td>{@code exec_command} ({@code cat})</td></tr>
 *   <tr><td>{@code write}</td><td>{@code {path, content}}</td><td>{@code write}</td><td>{@code Write}</td><td>{@code exec_command} ({@code apply_patch})</td></tr>
 *   <tr><td>{@code edit}</td><td>{@code {path, old, new}}</td><td>{@code edit}</td><td>{@code Edit}</td><td>{@code exec_command} ({@code apply_patch})</td></tr>
 *   <tr><td>{@code mesh}</td><td>{@code pi_messenger} arguments, with {@code action}</td><td>{@code pi_messenger}</td>
 *       <td>{@code mcp__mesh__pi_messenger}</td><td>{@code pi_messenger} in namespace {@code mcp__mesh}</td></tr>
 *   <tr><td>{@code team}</td><td>{@code agent_team} arguments (seeds/002), with {@code action}, e.g.
 *       {@code {action: start, graph: {...}}}</td><td>{@code agent_team}</td><td>{@code mcp__mesh__agent_team}</td>
 *       <td>{@code agent_team} in namespace {@code mcp__mesh}</td></tr>
 *   <tr><td>{@code call}</td><td>{@code tool} (a mesh tool's name, e.g. {@code ask}, {@code job_update}) and its
 *       arguments</td><td>the tool</td><td>{@code mcp__mesh__TOOL}</td><td>{@code TOOL} in namespace {@code mcp__mesh}</td></tr>
 * </table>
 * A {@code mesh} or {@code team} step's arguments go into the call as written (nested mappings and lists too); the
 * tool, not the script, checks them, so a script can play a bad call on purpose.
 *
 * <p>Phrases match case-sensitively as substrings. Every rule needs at least one non-empty phrase and one step.
 *
 * @param source      where the script came from (a file name), for messages
 * @param rules       the rules in the order they are tried; never empty
 * @param defaultText the text for prompts no rule matches; {@link #BUILT_IN_DEFAULT} when the script gives none
 */
public record Script(String source, List<Rule> rules, String defaultText) {
    /** The text for unmatched prompts when the script has no {@code default}. */
    public static final String BUILT_IN_DEFAULT = "No script rule matches this prompt.";

    private static final Set<String> TOP_KEYS = Set.of("rules", "default");
    private static final Set<String> RULE_KEYS = Set.of("match", "steps");
    private static final Set<String> STEP_KEYS = Set.of("tool", "args", "text", "shell", "read", "write", "edit", "mesh", "team", "call");
    /**
     * The runtime-neutral step kinds (issue 6, part 1; {@code team} is seeds/002's {@code agent_team}; {@code call} is one
     * of the mesh server's other tools, e.g. the orchestrator's {@code ask} of seeds/004).
     */
    static final List<String> ACTIONS = List.of("shell", "read", "write", "edit", "mesh", "team", "call");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Copies {@code rules}; a null {@code defaultText} becomes {@link #BUILT_IN_DEFAULT}. No other check: use {@link #parse}. */
    public Script {
        rules = List.copyOf(rules);
        defaultText = defaultText == null ? BUILT_IN_DEFAULT : defaultText;
    }

    /**
     * One rule: when all its phrases occur in the prompt, its steps are played one per model request.
     *
     * @param match the phrases, at least one, none empty
     * @param steps the steps in order, at least one
     */
    public record Rule(List<String> match, List<Step> steps) {
        /** Copies both lists; no other check (see {@link Script#parse}). */
        public Rule {
            match = List.copyOf(match);
            steps = List.copyOf(steps);
        }

        /** @return whether every phrase of this rule occurs in {@code prompt} (case-sensitive substring) */
        public boolean matches(String prompt) {
            return match.stream().allMatch(prompt::contains);
        }
    }

    /** One step of a rule: an answer as written, or a runtime-neutral {@link Action}. */
    public sealed interface Step permits Answer, Action {
    }

    /** One model answer: either a tool call or a final text. */
    public sealed interface Answer extends Step permits ToolCall, Text {
    }

    /** The tool dialect of an agent CLI, told apart by the wire format it speaks. */
    public enum Dialect {
        /** pi over OpenAI Chat Completions */
        PI,
        /** Claude Code over Anthropic Messages */
        CLAUDE,
        /** Codex over OpenAI Responses */
        CODEX
    }

    /**
     * A runtime-neutral step, played as the runtime's own tool call ({@link #toolCall}).
     *
     * @param kind one of shell, read, write, edit, mesh, team, call
     * @param args shell: {@code command}; read: {@code path}; write: {@code path, content}; edit: {@code path, old, new};
     *             mesh: the {@code pi_messenger} arguments; team: the {@code agent_team} arguments; call: {@code tool}
     *             (the mesh tool's name) and its arguments
     */
    public record Action(String kind, Map<String, Object> args) implements Step {
        /** Copies {@code args}, keeping their order (the order of the call's JSON). */
        public Action {
            args = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(args));
        }

        /** @return the tool call {@code dialect}'s agent CLI makes for this step, paths as given */
        public ToolCall toolCall(Dialect dialect) {
            return toolCall(dialect, null);
        }

        /**
         * @param cwd the agent's working directory, or null; Claude Code's file tools take absolute paths only, so a
         *            relative path is resolved against it for Claude
         * @return the tool call {@code dialect}'s agent CLI makes for this step
         */
        public ToolCall toolCall(Dialect dialect, String cwd) {
            Map<String, Object> call = new java.util.LinkedHashMap<>();
            String tool;
            String path = (String) args.get("path");
            if (dialect == Dialect.CLAUDE && path != null && cwd != null && !path.startsWith("/")) {
                path = java.nio.file.Path.of(cwd).resolve(path).normalize().toString();
            }
            switch (kind) {
                case "shell" -> {
                    tool = switch (dialect) {
                        case PI -> "bash";
                        case CLAUDE -> "Bash";
                        case CODEX -> "exec_command";
                    };
                    call.put(dialect == Dialect.CODEX ? "cmd" : "command", args.get("command"));
                    if (dialect == Dialect.CLAUDE) {
                        call.put("description", "run a command");
                    }
                }
                case "read" -> {
                    if (dialect == Dialect.CODEX) {
                        return new Action("shell", Map.of("command", "cat -- " + shellQuote(path))).toolCall(dialect);
                    }
                    tool = dialect == Dialect.PI ? "read" : "Read";
                    call.put(dialect == Dialect.PI ? "path" : "file_path", path);
                }
                case "write" -> {
                    if (dialect == Dialect.CODEX) {
                        return applyPatch("*** Add File: " + path + "\n" + lines("+", (String) args.get("content")));
                    }
                    tool = dialect == Dialect.PI ? "write" : "Write";
                    call.put(dialect == Dialect.PI ? "path" : "file_path", path);
                    call.put("content", args.get("content"));
                }
                case "edit" -> {
                    if (dialect == Dialect.CODEX) {
                        return applyPatch("*** Update File: " + path + "\n@@\n" + lines("-", (String) args.get("old"))
                                + lines("+", (String) args.get("new")));
                    }
                    if (dialect == Dialect.PI) {
                        tool = "edit";
                        call.put("path", path);
                        Map<String, Object> edit = new java.util.LinkedHashMap<>();
                        edit.put("oldText", args.get("old"));
                        edit.put("newText", args.get("new"));
                        call.put("edits", List.of(edit));
                    } else {
                        tool = "Edit";
                        call.put("file_path", path);
                        call.put("old_string", args.get("old"));
                        call.put("new_string", args.get("new"));
                    }
                }
                case "team" -> {
                    tool = dialect == Dialect.PI ? "agent_team" : "mcp__mesh__agent_team";
                    call.putAll(args);
                }
                case "call" -> {
                    String name = (String) args.get("tool");
                    tool = dialect == Dialect.PI ? name : "mcp__mesh__" + name;
                    args.forEach((k, v) -> {
                        if (!k.equals("tool")) {
                            call.put(k, v);
                        }
                    });
                }
                default -> {
                    tool = dialect == Dialect.PI ? "pi_messenger" : "mcp__mesh__pi_messenger";
                    call.putAll(args);
                }
            }
            try {
                return new ToolCall(tool, JSON.writeValueAsString(call));
            } catch (JacksonException e) {
                throw new IllegalStateException(e);
            }
        }

        /**
         * Codex applies patches through its shell tool: a command {@code apply_patch} with the patch in a here-document,
         * which Codex intercepts and turns into a file change it asks approval for (Codex 0.169.0 offers no patch tool to
         * a model it has no metadata for).
         */
        private static ToolCall applyPatch(String body) {
            String patch = "*** Begin Patch\n" + body + "*** End Patch\n";
            String end = "AGENTMESH_PATCH";
            while (patch.contains(end)) {
                end += "_";
            }
            return new Action("shell", Map.of("command", "apply_patch <<'" + end + "'\n" + patch + end + "\n")).toolCall(Dialect.CODEX);
        }

        /** Each line of {@code text} with {@code prefix}; a last line without a newline gets one (patches are whole lines). */
        private static String lines(String prefix, String text) {
            StringBuilder b = new StringBuilder();
            String t = text == null ? "" : text;
            if (t.endsWith("\n")) {
                t = t.substring(0, t.length() - 1);
            }
            for (String line : t.split("\n", -1)) {
                b.append(prefix).append(line).append('\n');
            }
            return b.toString();
        }

        private static String shellQuote(String s) {
            return "'" + s.replace("'", "'\\''") + "'";
        }
    }

    /**
     * A step that calls one tool.
     *
     * @param tool      the tool's name, as the agent CLI offers it (e.g. pi's {@code write})
     * @param arguments the arguments as compact JSON object text, e.g. {@code {"path":"a.txt"}}; {@code {}} if none
     */
    public record ToolCall(String tool, String arguments) implements Answer {
    }

    /**
     * A step that answers with a final text.
     *
     * @param text the text, possibly empty
     */
    public record Text(String text) implements Answer {
    }

    /**
     * Reads and validates a script file (UTF-8 YAML or JSON).
     *
     * @throws MeshException (invalid input) when the file is missing, unreadable, not UTF-8, or not a valid script
     *                       (see {@link #parse})
     */
    public static Script load(Path file) {
        if (!Files.exists(file)) {
            throw MeshException.invalidInput("script file " + file + " does not exist");
        }
        if (Files.isDirectory(file)) {
            throw MeshException.invalidInput("script file " + file + " is a directory; give a YAML file");
        }
        String yaml;
        try {
            yaml = Files.readString(file);
        } catch (CharacterCodingException e) {
            throw MeshException.invalidInput("script file " + file + " is not UTF-8 text");
        } catch (IOException e) {
            throw MeshException.invalidInput("cannot read script file " + file + ": " + e.getMessage());
        }
        return parse(yaml, file.toString());
    }

    /**
     * Parses and validates a script. Errors are one line starting with {@code sourceName}, naming the rule and
     * step (both 1-based) and the offending key, e.g. {@code s.yaml: rule 2, step 1: has both 'tool' and 'text'}.
     * YAML syntax errors give the parser's line and column (1-based). Input is limited by the YAML parser to
     * 3 MB of text and 50 aliases.
     *
     * @param yaml       the script text
     * @param sourceName names the script in messages (a file name)
     * @throws MeshException (invalid input) for an empty text, a YAML syntax error, a missing or empty
     *                       {@code rules} list, a rule without {@code match} or {@code steps}, a step with both or
     *                       neither of {@code tool}/{@code text}, {@code args} that is not a mapping, a value of the
     *                       wrong type, or an unknown key
     */
    public static Script parse(String yaml, String sourceName) {
        Object root;
        try {
            root = new Load(LoadSettings.builder().setLabel(sourceName).build()).loadFromString(yaml);
        } catch (MarkedYamlEngineException e) {
            Optional<Mark> mark = e.getProblemMark().or(e::getContextMark);
            String where = mark.map(m -> " line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1)).orElse("");
            String problem = e.getProblem() != null ? e.getProblem() : firstLine(e.getMessage());
            throw MeshException.invalidInput(sourceName + where + ": YAML syntax error: " + problem);
        } catch (YamlEngineException e) {
            throw MeshException.invalidInput(sourceName + ": YAML error: " + firstLine(e.getMessage()));
        }
        if (root == null) {
            throw MeshException.invalidInput(sourceName + " is empty; a script needs 'rules', a list of {match, steps}");
        }
        if (!(root instanceof Map<?, ?> top)) {
            throw MeshException.invalidInput(sourceName + ": the top level must be a mapping with 'rules', not "
                    + describe(root));
        }
        checkKeys(top, TOP_KEYS, sourceName + ": unknown top-level key");
        if (!top.containsKey("rules")) {
            throw MeshException.invalidInput(sourceName + ": missing 'rules', a list of {match, steps}");
        }
        if (!(top.get("rules") instanceof List<?> list) || list.isEmpty()) {
            throw MeshException.invalidInput(sourceName + ": 'rules' must be a non-empty list of {match, steps}, not "
                    + describe(top.get("rules")));
        }
        List<Rule> rules = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            rules.add(rule(list.get(i), sourceName + ": rule " + (i + 1)));
        }
        Object dflt = top.get("default");
        if (top.containsKey("default") && !(dflt instanceof String)) {
            throw MeshException.invalidInput(sourceName + ": 'default' must be a text, not " + describe(dflt));
        }
        return new Script(sourceName, rules, (String) dflt);
    }

    /** @return the first rule whose phrases all occur in {@code prompt}, or empty when none does */
    public Optional<Rule> ruleFor(String prompt) {
        return rules.stream().filter(r -> r.matches(prompt)).findFirst();
    }

    private static Rule rule(Object value, String where) {
        if (!(value instanceof Map<?, ?> map)) {
            throw MeshException.invalidInput(where + ": must be a mapping with 'match' and 'steps', not " + describe(value));
        }
        checkKeys(map, RULE_KEYS, where + ": unknown key");
        if (!map.containsKey("match")) {
            throw MeshException.invalidInput(where + ": missing 'match' (a phrase, or a list of phrases that must all occur)");
        }
        if (!map.containsKey("steps")) {
            throw MeshException.invalidInput(where + ": missing 'steps' (a list of {tool, args} calls and {text} answers)");
        }
        List<String> match = new ArrayList<>();
        Object m = map.get("match");
        if (m instanceof List<?> phrases && !phrases.isEmpty()) {
            for (Object p : phrases) {
                match.add(phrase(p, where));
            }
        } else if (m instanceof String) {
            match.add(phrase(m, where));
        } else {
            throw MeshException.invalidInput(where + ": 'match' must be a phrase or a non-empty list of phrases, not "
                    + describe(m));
        }
        if (!(map.get("steps") instanceof List<?> steps) || steps.isEmpty()) {
            throw MeshException.invalidInput(where + ": 'steps' must be a non-empty list of steps, not "
                    + describe(map.get("steps")));
        }
        List<Step> parsed = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            parsed.add(step(steps.get(i), where + ", step " + (i + 1)));
        }
        return new Rule(match, parsed);
    }

    private static String phrase(Object p, String where) {
        if (!(p instanceof String s) || s.isEmpty()) {
            throw MeshException.invalidInput(where + ": a 'match' phrase must be a non-empty text, not " + describe(p));
        }
        return s;
    }

    private static Step step(Object value, String where) {
        if (!(value instanceof Map<?, ?> map)) {
            throw MeshException.invalidInput(where + ": must be a mapping with 'tool' (and 'args') or 'text', not "
                    + describe(value));
        }
        checkKeys(map, STEP_KEYS, where + ": unknown key");
        List<String> actions = ACTIONS.stream().filter(map::containsKey).toList();
        if (!actions.isEmpty()) {
            return action(map, actions, where);
        }
        boolean tool = map.containsKey("tool");
        boolean text = map.containsKey("text");
        if (tool == text) {
            throw MeshException.invalidInput(where + (tool ? ": has both 'tool' and 'text'" : ": has neither 'tool' nor 'text'")
                    + "; a step is either one tool call or one final text");
        }
        if (text) {
            if (map.containsKey("args")) {
                throw MeshException.invalidInput(where + ": 'args' belongs to a tool call, not to a 'text' step");
            }
            if (!(map.get("text") instanceof String s)) {
                throw MeshException.invalidInput(where + ": 'text' must be a text (quote it), not " + describe(map.get("text")));
            }
            return new Text(s);
        }
        if (!(map.get("tool") instanceof String name) || name.isBlank()) {
            throw MeshException.invalidInput(where + ": 'tool' must be a tool name, not " + describe(map.get("tool")));
        }
        Object args = map.containsKey("args") ? map.get("args") : Map.of();
        if (!(args instanceof Map<?, ?>)) {
            throw MeshException.invalidInput(where + ": 'args' must be a mapping of argument names to values, not "
                    + describe(args));
        }
        try {
            return new ToolCall(name, JSON.writeValueAsString(args));
        } catch (JacksonException e) {
            throw MeshException.invalidInput(where + ": 'args' cannot be written as JSON: " + firstLine(e.getOriginalMessage()));
        }
    }

    private static Step action(Map<?, ?> map, List<String> actions, String where) {
        if (actions.size() > 1 || map.size() > 1) {
            throw MeshException.invalidInput(where + ": a '" + actions.getFirst() + "' step has no other key; a step is one action");
        }
        String kind = actions.getFirst();
        Object v = map.get(kind);
        Map<String, Object> args = new java.util.LinkedHashMap<>();
        switch (kind) {
            case "shell", "read" -> {
                if (!(v instanceof String text) || text.isBlank()) {
                    throw MeshException.invalidInput(where + ": '" + kind + "' must be a " + (kind.equals("shell") ? "command" : "path")
                            + ", not " + describe(v));
                }
                args.put(kind.equals("shell") ? "command" : "path", text);
            }
            case "write", "edit" -> {
                List<String> keys = kind.equals("write") ? List.of("path", "content") : List.of("path", "old", "new");
                if (!(v instanceof Map<?, ?> m) || !m.keySet().equals(Set.copyOf(keys))
                        || !m.values().stream().allMatch(x -> x instanceof String)) {
                    throw MeshException.invalidInput(where + ": '" + kind + "' must be a mapping of " + String.join(", ", keys)
                            + " to texts, not " + describe(v));
                }
                m.forEach((k, x) -> args.put((String) k, x));
            }
            case "call" -> {
                if (!(v instanceof Map<?, ?> m) || !(m.get("tool") instanceof String t) || !t.matches("[a-z][a-z0-9_]{0,63}")) {
                    throw MeshException.invalidInput(where + ": 'call' must be a mapping with a 'tool' (a mesh tool's name, e.g. ask)"
                            + " and its arguments, not " + describe(v));
                }
                m.forEach((k, x) -> args.put(String.valueOf(k), x));
            }
            default -> {
                String tool = kind.equals("team") ? "agent_team" : "pi_messenger";
                if (!(v instanceof Map<?, ?> m) || !(m.get("action") instanceof String)) {
                    throw MeshException.invalidInput(where + ": '" + kind + "' must be a mapping of " + tool
                            + " arguments with an 'action', not " + describe(v));
                }
                m.forEach((k, x) -> args.put(String.valueOf(k), x));
            }
        }
        return new Action(kind, args);
    }

    private static void checkKeys(Map<?, ?> map, Set<String> allowed, String prefix) {
        for (Object key : map.keySet()) {
            if (!allowed.contains(key)) {
                throw MeshException.invalidInput(prefix + " '" + key + "'; the keys are "
                        + String.join(", ", allowed.stream().sorted().toList()));
            }
        }
    }

    private static String describe(Object value) {
        return switch (value) {
            case null -> "nothing";
            case Map<?, ?> m -> "a mapping";
            case List<?> l -> l.isEmpty() ? "an empty list" : "a list";
            case String s -> s.isEmpty() ? "an empty text" : "the text '" + abbreviate(s) + "'";
            default -> "the " + value.getClass().getSimpleName().toLowerCase() + " " + value;
        };
    }

    private static String abbreviate(String s) {
        String line = firstLine(s);
        return line.length() > 40 ? line.substring(0, 40) + "..." : line;
    }

    private static String firstLine(String s) {
        return dev.agentmesh.Texts.firstLine(s);
    }
}
