package dev.agentmesh.runtimes.command;

import dev.agentmesh.MeshException;
import dev.agentmesh.Texts;
import dev.agentmesh.runtime.AgentRuntime;
import dev.agentmesh.runtime.AgentSession;
import dev.agentmesh.runtime.AgentSpec;
import dev.agentmesh.runtimes.ProcessGroups;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The plain command runtime (issue 6, part 1): any program that reads a prompt on stdin and answers on stdout, for
 * scripts and tests. Each prompt is one run of the program, so no process runs while the agent is idle:
 * <ul>
 *   <li>the program ({@link #argv}, a program and its arguments, never through a shell) starts in the spec's cwd,
 *       in a process group of its own ({@code setsid}), with exactly this environment: the base environment given
 *       to {@link #create}, then the spec's env, then {@code MESH_AGENT} (the agent's name),
 *       {@code MESH_RUNTIME=command}, the tree mark {@value ProcessGroups#TREE_ENV} and, when the spec has one,
 *       {@code MESH_SYSTEM_PROMPT}; nothing else of this JVM's environment;</li>
 *   <li>the prompt is written to its stdin as UTF-8, then stdin is closed;</li>
 *   <li>its stdout is the turn's text: {@link dev.agentmesh.runtime.AgentEvent.Text} events of whole lines (line
 *       ends at a chunk's end left out), a chunk each time the program pauses, at most 64 KiB each; the output of
 *       the turn's last run is its final text. At most {@value #MAX_OUTPUT_BYTES} bytes of stdout are kept per run;
 *       the rest is read and dropped (the program never blocks on a full pipe), an
 *       {@link dev.agentmesh.runtime.AgentEvent.Error} says so when it starts, and the final text ends with a note
 *       saying how much;</li>
 *   <li>exit code 0 ends the run ok; any other ends the turn not ok, the error naming the code and the last lines
 *       of stderr (at most 20 lines of its last 4 KiB, on one line); whatever the program leaves running when it
 *       exits is killed;</li>
 *   <li>the transcript ({@link AgentSpec#transcript}, appended to) gets one JSON line per prompt and per text,
 *       shaped as pi's {@code message_end}: {@code {"type":"message_end","message":{"role":"user",
 *       "content":[{"type":"text","text":"..."}]}}} (role {@code assistant} for output), and one per run's end:
 *       {@code {"type":"result","subtype":"exit 3","ok":false,"error":"...","exitCode":3,"ms":12}} ({@code error}
 *       only when not ok; subtype {@code interrupted}, {@code stopped} or {@code timed out after ...} when agentmesh
 *       ended it, {@code not started} without {@code exitCode} when it could not start); every line
 *       also carries {@code "runtime":"command"} and {@code "at"} (epoch ms).</li>
 * </ul>
 * What the SPI asks for and a plain program cannot give: there is no channel into a running program, so
 * {@link AgentSession#steer} queues its message as a follow-up, a run of its own after the current one in the same
 * turn; there is no history, so {@link #resume} gives a fresh session that carries the id it was given; there is no
 * agent process between runs, so {@link AgentSession#pid} is this JVM's; the spec's capabilities and model are not
 * enforced or passed: the program runs with the user's rights, like a shell, and whoever configures it decides what
 * it may do. Thread-safe and immutable.
 */
public final class CommandRuntime implements AgentRuntime {
    /** The runtime's name, as recorded on agents. */
    public static final String NAME = "command";
    /** The environment variable {@link #fromEnv} reads the argv from: a JSON array of strings, e.g. {@code ["sh","-c","cat"]}. */
    public static final String ARGV_ENV = "MESH_COMMAND_ARGV";
    /** Most stdout kept of one run, in bytes (1 MiB). */
    public static final int MAX_OUTPUT_BYTES = 1 << 20;
    /**
     * Longest value of one environment variable Linux passes to a program ({@code MAX_ARG_STRLEN}, 32 pages), in
     * bytes with its name, {@code =} and a NUL: the limit of {@code MESH_SYSTEM_PROMPT}.
     */
    public static final int MAX_ENV_BYTES = 131072;

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** The form of the ids this runtime issues: a UUID in its canonical 8-4-4-4-12 hex form. */
    private static final Pattern SESSION_ID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private final List<String> argv;
    private final Map<String, String> baseEnv;

    private CommandRuntime(List<String> argv, Map<String, String> baseEnv) {
        this.argv = argv;
        this.baseEnv = baseEnv;
    }

    /**
     * @param argv    the program (a name looked up on the environment's {@code PATH}, or a path, relative ones against
     *                the agent's cwd) and its arguments; copied
     * @param baseEnv the environment every run starts from (e.g. {@code PATH}, {@code HOME}); copied
     * @return the runtime
     * @throws MeshException (invalid input) if {@code argv} is empty, its program is blank, or an argument or a
     *                       variable holds a NUL character (which no program can receive)
     */
    public static CommandRuntime create(List<String> argv, Map<String, String> baseEnv) {
        if (argv == null || argv.isEmpty() || argv.getFirst() == null || argv.getFirst().isBlank()) {
            throw MeshException.invalidInput("the command runtime needs a program: give a non-empty argv (" + ARGV_ENV
                    + ", e.g. [\"sh\",\"-c\",\"cat\"])");
        }
        for (String a : argv) {
            if (a == null || a.indexOf('\0') >= 0) {
                throw MeshException.invalidInput("the command runtime's argv holds " + (a == null ? "a null argument"
                        : "a NUL character in '" + Texts.quote(a, 60) + "'") + "; no program can receive it");
            }
        }
        baseEnv.forEach(CommandRuntime::requireNoNul);
        return new CommandRuntime(List.copyOf(argv), Map.copyOf(baseEnv));
    }

    /**
     * The runtime configured by an environment: the argv from {@value #ARGV_ENV} (a JSON array of strings), the
     * environment itself as the base environment.
     *
     * @param env e.g. the agents' environment, with {@value #ARGV_ENV} set
     * @return the runtime
     * @throws MeshException (invalid input) if {@value #ARGV_ENV} is unset, not a JSON array of strings, or empty
     */
    public static CommandRuntime fromEnv(Map<String, String> env) {
        String text = env.get(ARGV_ENV);
        String example = "; set it to a JSON array of strings, the program and its arguments, e.g. [\"sh\",\"-c\",\"cat\"]";
        if (text == null || text.isBlank()) {
            throw MeshException.invalidInput(ARGV_ENV + " is not set" + example);
        }
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (RuntimeException e) {
            throw MeshException.invalidInput(ARGV_ENV + " is not JSON ('" + Texts.quote(text, 80) + "')" + example);
        }
        List<String> argv = new ArrayList<>();
        for (JsonNode a : node.isArray() ? node : JSON.createArrayNode().add(node)) {
            if (!node.isArray() || !a.isString()) {
                throw MeshException.invalidInput(ARGV_ENV + " is not an array of strings ('" + Texts.quote(text, 80) + "')" + example);
            }
            argv.add(a.asString());
        }
        return create(argv, env);
    }

    /** @return the program and its arguments, as configured */
    public List<String> argv() {
        return argv;
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * Makes an idle agent; no process starts until its first prompt. Its session id is a fresh UUID.
     *
     * @return the agent, idle
     * @throws MeshException (unexpected state) if the program is not found or not executable, or the cwd is not a
     *                       folder; (invalid input) if the spec's env or system prompt cannot be passed to a program
     *                       (a NUL character; a system prompt over {@value #MAX_ENV_BYTES} bytes)
     */
    @Override
    public AgentSession launch(AgentSpec spec) {
        return start(spec, UUID.randomUUID().toString());
    }

    /**
     * A plain program keeps no history: this makes a fresh idle agent, like {@link #launch}, whose session id is
     * {@code sessionId}.
     *
     * @param sessionId an id this runtime issued (a UUID, 8-4-4-4-12 hex digits)
     * @throws MeshException (invalid input) if {@code sessionId} is not of that form; else as {@link #launch}
     */
    @Override
    public AgentSession resume(AgentSpec spec, String sessionId) {
        if (sessionId == null || !SESSION_ID.matcher(sessionId).matches()) {
            throw MeshException.invalidInput("'" + Texts.quote(String.valueOf(sessionId), 80)
                    + "' is not a command runtime session id (a UUID such as 123e4567-e89b-12d3-a456-426614174000)");
        }
        return start(spec, sessionId);
    }

    private AgentSession start(AgentSpec spec, String sessionId) {
        Map<String, String> env = new HashMap<>(baseEnv);
        spec.env().forEach(CommandRuntime::requireNoNul);
        env.putAll(spec.env());
        env.put("MESH_AGENT", spec.name());
        env.put("MESH_RUNTIME", NAME);
        env.remove("MESH_SYSTEM_PROMPT");
        if (spec.systemPrompt() != null) {
            requireNoNul("MESH_SYSTEM_PROMPT", spec.systemPrompt());
            int bytes = ("MESH_SYSTEM_PROMPT=" + spec.systemPrompt()).getBytes(StandardCharsets.UTF_8).length + 1;
            if (bytes > MAX_ENV_BYTES) {
                throw MeshException.invalidInput("the system prompt of " + spec.name() + " is " + bytes + " bytes in MESH_SYSTEM_PROMPT;"
                        + " a program's environment variable takes at most " + MAX_ENV_BYTES + " bytes: shorten it");
            }
            env.put("MESH_SYSTEM_PROMPT", spec.systemPrompt());
        }
        requireNoNul("MESH_AGENT", spec.name());
        if (!Files.isDirectory(spec.cwd())) {
            throw MeshException.unexpectedState("cannot start " + spec.name() + " on the command runtime: its cwd "
                    + spec.cwd() + " is not a folder");
        }
        List<String> command = new ArrayList<>(argv);
        command.set(0, locate(argv.getFirst(), spec.cwd(), env.get("PATH")).toString());
        command.addFirst("setsid");
        try {
            return new CommandSession(spec.name(), sessionId, command, spec.cwd(), env, spec.transcript());
        } catch (IOException e) {
            throw MeshException.unexpectedState("cannot open the transcript " + spec.transcript() + " of " + spec.name()
                    + ": " + e.getMessage(), e);
        }
    }

    /**
     * @return {@code program} as an absolute path: itself against {@code cwd} when it holds a {@code /}, else the
     *     first executable file of that name in {@code path} (an empty entry is {@code cwd}, as for {@code execvp})
     */
    private static Path locate(String program, Path cwd, String path) {
        if (program.contains("/")) {
            Path p = cwd.resolve(program).toAbsolutePath().normalize();
            if (!Files.isRegularFile(p) || !Files.isExecutable(p)) {
                throw MeshException.unexpectedState("the command runtime cannot run '" + Texts.quote(program, 120) + "': "
                        + (Files.exists(p) ? "not an executable file" : "no such file") + " (" + p + "); set " + ARGV_ENV
                        + " to an installed program");
            }
            return p;
        }
        String dirs = path == null ? "/usr/local/bin:/usr/bin:/bin" : path;
        for (String dir : dirs.split(":", -1)) {
            Path p = (dir.isEmpty() ? cwd : cwd.resolve(dir)).resolve(program).toAbsolutePath().normalize();
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p;
            }
        }
        throw MeshException.unexpectedState("the command runtime cannot run '" + Texts.quote(program, 120)
                + "': no such program on PATH (" + Texts.quote(dirs, 200) + "); set " + ARGV_ENV + " to an installed program");
    }

    /** @throws MeshException (invalid input) for a variable no program can receive, naming it and why */
    private static void requireNoNul(String name, String value) {
        String why = name == null || name.isEmpty() ? "its name is empty"
                : name.indexOf('\0') >= 0 || name.contains("=") ? "its name holds a NUL character or '='"
                : value == null ? "it has no value"
                : value.indexOf('\0') >= 0 ? "its value holds a NUL character" : null;
        if (why != null) {
            throw MeshException.invalidInput("environment variable '" + Texts.quote(String.valueOf(name), 60)
                    + "' cannot be passed to a program: " + why);
        }
    }
}
