package dev.agentmesh.runtimes.command;

import dev.agentmesh.runtime.AgentEvent;
import dev.agentmesh.runtime.AgentSession;
import dev.agentmesh.runtime.AgentSpec;
import dev.agentmesh.runtime.Capability;
import dev.agentmesh.runtime.RunResult;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/** What the command runtime's tests share: a runtime running one {@code sh -c} script, a spec, the events seen. */
final class Scripts {
    /** How long a test waits for a turn: far beyond what any takes. */
    static final Duration WAIT = Duration.ofSeconds(60);

    private Scripts() {
    }

    /** @return a runtime running {@code sh -c script} with this JVM's PATH and {@code extra} as its whole base environment */
    static CommandRuntime sh(String script, Map<String, String> extra) {
        java.util.Map<String, String> env = new java.util.HashMap<>(extra);
        env.put("PATH", System.getenv("PATH"));
        return CommandRuntime.create(List.of("sh", "-c", script), env);
    }

    /** @return a runtime running {@code sh -c script} */
    static CommandRuntime sh(String script) {
        return sh(script, Map.of());
    }

    /** @return a spec for agent {@code name} in {@code dir}, with a transcript there */
    static AgentSpec spec(Path dir, String name) {
        return new AgentSpec(name, null, null, null, Set.of(Capability.SHELL), dir, Map.of(), dir.resolve(name + ".jsonl"));
    }

    /** @return every event {@code session} emits from now on, in order */
    static List<AgentEvent> events(AgentSession session) {
        List<AgentEvent> seen = new CopyOnWriteArrayList<>();
        session.subscribe(seen::add);
        return seen;
    }

    /** @return the events' kinds, e.g. {@code [TurnStarted, Text, TurnEnded]} */
    static List<String> kinds(List<AgentEvent> events) {
        return events.stream().map(e -> e.getClass().getSimpleName()).toList();
    }

    /**
     * What one turn of a fresh agent gave.
     *
     * @param result how it ended
     * @param events every event from its start to its end
     */
    record Outcome(RunResult result, List<AgentEvent> events) {
        /** @return the texts among the events, in order */
        List<String> texts() {
            return events.stream().filter(e -> e instanceof AgentEvent.Text).map(e -> ((AgentEvent.Text) e).text()).toList();
        }
    }

    /** @return the one turn of {@code prompt} to a new agent {@code name} of {@code runtime} in {@code dir}, stopped after */
    static Outcome once(CommandRuntime runtime, Path dir, String name, String prompt) {
        try (AgentSession s = runtime.launch(spec(dir, name))) {
            List<AgentEvent> events = events(s);
            s.prompt(prompt);
            return new Outcome(s.awaitEnd(WAIT), List.copyOf(events));
        }
    }

    /** @return whether {@code pid} runs (exists and is not a zombie) */
    static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException e) {
            return false;
        }
    }

    /** @return the pids written one a line into {@code file}, once it holds {@code count} of them */
    static List<Long> pids(Path file, int count) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            List<Long> pids = Files.exists(file) ? Files.readAllLines(file).stream().filter(l -> !l.isBlank())
                    .map(String::strip).map(Long::parseLong).toList() : List.of();
            if (pids.size() >= count) {
                return pids;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no " + count + " pids in " + file);
    }
}
