package dev.agentmesh.cli;

import dev.agentmesh.MeshException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mesh agents ...}: persistent named agents (seeds 000 and 003) from the terminal, each a thin call of the
 * action of the same name ({@code spawn}, {@code agents.assign}, ...), so the CLI, MCP and the pi extension agree.
 * Spawned agents run under the supervisor; these commands start it when none runs.
 */
@Command(name = "agents", description = {"Persistent named agents: spawn, assign, list, check, logs, attach, kill, killall, resume, delete, export,",
        "memory. They run under the supervisor, keep their runtime session, and recall earlier summaries of their workstream."})
final class AgentsCommand {
    /** How often {@code logs --follow} looks for new lines, in milliseconds. */
    static final long FOLLOW_POLL_MS = 500;

    @Command(mixinStandardHelpOptions = true, name = "spawn", description = "Start a named agent and wait until it is idle (a stopped name resumes its session).")
    int spawn(@Parameters(paramLabel = "NAME") String name,
              @Option(names = "--runtime", paramLabel = "NAME", description = "pi (default), claude, codex or command.") String runtime,
              @Option(names = "--profile", paramLabel = "NAME", description = "A profile: .mesh/agents/NAME.md, ~/.mesh/agents/NAME.md or a bundled one (worker, reviewer, ...).") String profile,
              @Option(names = "--model", paramLabel = "PROVIDER/MODEL[:THINKING]", description = "The model (default: the profile's, else the runtime's).") String model,
              @Option(names = "--thinking", paramLabel = "LEVEL", description = "off, minimal, low, medium, high or xhigh.") String thinking,
              @Option(names = "--prompt", paramLabel = "TEXT", description = "Added to its system prompt.") String prompt,
              @Option(names = "--session", paramLabel = "NAME", description = "The registry session it belongs to (default: the project folder's name).") String session,
              @Option(names = "--auto-kill-on-done", description = "Stop it once it reports agents.done.") boolean autoKill,
              @Mixin Options.As as, @Mixin Options.Json json) {
        var args = Cli.args("spawn").put("name", name).put("autoKillOnDone", autoKill);
        put(args, "runtime", runtime);
        put(args, "profile", profile);
        put(args, "model", model);
        put(args, "thinking", thinking);
        put(args, "prompt", prompt);
        put(args, "session", session);
        return Cli.action(as.as, json.json, Cli.out(), args);
    }

    @Command(mixinStandardHelpOptions = true, name = "assign", description = "Give an agent a task: a new turn when idle, else queued (and said so).")
    int assign(@Parameters(index = "0", paramLabel = "NAME") String name, @Parameters(index = "1", paramLabel = "TASK") String task,
               @Option(names = {"-w", "--workstream"}, paramLabel = "TAG", description = "Group related tasks; recall stays within it.") String workstream,
               @Mixin Options.As as, @Mixin Options.Json json) {
        var args = Cli.args("agents.assign").put("name", name).put("task", task);
        put(args, "workstream", workstream);
        return Cli.action(as.as, json.json, Cli.out(), args);
    }

    @Command(mixinStandardHelpOptions = true, name = "list", description = "The registry: name, runtime, model, status, created.")
    int list(@Mixin Options.Json json) {
        return Cli.action(null, json.json, Cli.out(), Cli.args("agents.list"));
    }

    @Command(mixinStandardHelpOptions = true, name = "check", description = "An agent's state, current task, last activity and tokens.")
    int check(@Parameters(paramLabel = "NAME") String name, @Mixin Options.Json json) {
        return Cli.action(null, json.json, Cli.out(), Cli.args("agents.check").put("name", name));
    }

    @Command(mixinStandardHelpOptions = true, name = "logs", description = "An agent's readable transcript: what it said, which tools it called.")
    int logs(@Parameters(paramLabel = "NAME") String name,
             @Option(names = {"-n", "--lines"}, defaultValue = "200", paramLabel = "N", description = "Last lines to show (default ${DEFAULT-VALUE}).") int lines,
             @Option(names = {"-f", "--follow"}, description = "Then print each new line as it comes, until Ctrl-C.") boolean follow,
             @Mixin Options.As as, @Mixin Options.Json json) throws InterruptedException {
        if (follow && json.json) {
            throw MeshException.invalidInput("mesh agents logs: --follow prints lines as they come, so it does not go with --json");
        }
        int rc = Cli.action(as.as, json.json, Cli.out(), Cli.args("agents.logs").put("name", name).put("limit", lines));
        if (!follow) {
            return rc;
        }
        // the transcript only grows: what was printed is its first lines, and each poll prints the ones after
        String printed = fetch(as.as, name);
        while (!Thread.currentThread().isInterrupted()) {
            Thread.sleep(FOLLOW_POLL_MS);
            String now = fetch(as.as, name);
            if (now.length() > printed.length() && now.startsWith(printed)) {
                String fresh = now.substring(printed.length()).replaceFirst("^\n", "");
                if (!fresh.isEmpty()) {
                    Cli.out().println(fresh);
                    Cli.out().flush();
                }
            }
            printed = now;
        }
        return rc;
    }

    @Command(mixinStandardHelpOptions = true, name = "attach", description = {"Follow an agent's live transcript and talk to it: each line you type",
            "is sent to it (a steer while it works, a new turn when idle); Ctrl-D detaches, the agent keeps running."})
    int attach(@Parameters(paramLabel = "NAME") String name, @Mixin Options.As as) throws Exception {
        Cli.action(as.as, false, Cli.out(), Cli.args("agents.attach").put("name", name));
        Thread follower = Thread.ofVirtual().name("attach-follow").start(() -> {
            String printed = fetch(as.as, name);
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(FOLLOW_POLL_MS);
                } catch (InterruptedException e) {
                    return;
                }
                String now = fetch(as.as, name);
                if (now.length() > printed.length() && now.startsWith(printed)) {
                    Cli.out().println(now.substring(printed.length()).replaceFirst("^\n", ""));
                    Cli.out().flush();
                }
                printed = now;
            }
        });
        try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (!line.isBlank()) {
                    Cli.action(as.as, false, Cli.out(), Cli.args("send").put("to", name).put("message", line));
                }
            }
        } finally {
            follower.interrupt();
        }
        Cli.out().println("detached from " + name + "; it keeps running (mesh agents kill " + name + " stops it)");
        return 0;
    }

    private static String fetch(String as, String name) {
        var r = Cli.api().call(Cli.caller(as, "cli"), Cli.args("agents.logs").put("name", name).put("limit", 10_000));
        return r.data().path("text").asString("");
    }

    @Command(mixinStandardHelpOptions = true, name = "kill", description = "Stop an agent: its input closed, then its whole process tree. It stays in the registry.")
    int kill(@Parameters(paramLabel = "NAME") String name, @Mixin Options.As as, @Mixin Options.Json json) {
        return Cli.action(as.as, json.json, Cli.out(), Cli.args("agents.kill").put("name", name));
    }

    @Command(mixinStandardHelpOptions = true, name = "killall", description = "Stop every spawned agent of this project.")
    int killall(@Mixin Options.As as, @Mixin Options.Json json) {
        return Cli.action(as.as, json.json, Cli.out(), Cli.args("agents.killall"));
    }

    @Command(mixinStandardHelpOptions = true, name = "resume", description = "Start a stopped agent again on its runtime session, provider and model; then its task, if given.")
    int resume(@Parameters(index = "0", paramLabel = "NAME") String name,
               @Parameters(index = "1", arity = "0..1", paramLabel = "TASK") String task,
               @Option(names = {"-w", "--workstream"}, paramLabel = "TAG", description = "The task's workstream.") String workstream,
               @Mixin Options.As as, @Mixin Options.Json json) {
        var args = Cli.args("agents.resume").put("name", name);
        put(args, "task", task);
        put(args, "workstream", workstream);
        return Cli.action(as.as, json.json, Cli.out(), args);
    }

    @Command(mixinStandardHelpOptions = true, name = "delete", description = {"Stop an agent if it runs and remove it from the registry;",
            "mesh agents delete session NAME removes every agent of that session. Memory folders and transcripts stay."})
    int delete(@Parameters(index = "0", paramLabel = "NAME|session") String first,
               @Parameters(index = "1", arity = "0..1", paramLabel = "SESSION") String session,
               @Mixin Options.As as, @Mixin Options.Json json) {
        var args = Cli.args("agents.delete");
        if (session != null) {
            if (!first.equals("session")) {
                throw MeshException.invalidInput("mesh agents delete takes NAME, or the word session and a session name; got '" + first + " " + session + "'");
            }
            args.put("session", session);
        } else {
            args.put("name", first);
        }
        return Cli.action(as.as, json.json, Cli.out(), args);
    }

    @Command(mixinStandardHelpOptions = true, name = "export", description = "Write the registry as seed 003's subagents.json (default .mesh/subagents.json).")
    int export(@Option(names = "--out", paramLabel = "FILE", description = "Where, inside .mesh/ (default .mesh/subagents.json).") String out,
               @Option(names = "--session", paramLabel = "NAME", description = "The session to write (default: the project folder's name).") String session,
               @Mixin Options.Json json) {
        var args = Cli.args("agents.export");
        put(args, "out", out);
        put(args, "session", session);
        return Cli.action(null, json.json, Cli.out(), args);
    }

    @Command(mixinStandardHelpOptions = true, name = "memory", description = "The agents' memory: stats, or reset [WORKSTREAM].")
    int memory(@Parameters(index = "0", paramLabel = "stats|reset") String what,
               @Parameters(index = "1", arity = "0..1", paramLabel = "WORKSTREAM") String workstream,
               @Mixin Options.Json json) {
        var args = switch (what) {
            case "stats" -> Cli.args("agents.memory.stats");
            case "reset" -> Cli.args("agents.memory.reset");
            default -> throw MeshException.invalidInput("mesh agents memory takes stats or reset, not '" + what + "'");
        };
        put(args, "workstream", workstream);
        return Cli.action(null, json.json, Cli.out(), args);
    }

    private static void put(tools.jackson.databind.node.ObjectNode args, String key, String value) {
        if (value != null) {
            args.put(key, value);
        }
    }
}
