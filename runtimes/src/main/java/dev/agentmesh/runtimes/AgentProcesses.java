package dev.agentmesh.runtimes;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;

/**
 * Finds the agent's own process above a short-lived helper: an agent CLI runs its tools and hooks through one-shot
 * shells ({@code bash -c "mesh join"}) and wrappers ({@code env}, {@code timeout}, ...), which end at once, so
 * what a join records, and what a hook acts for, is the nearest ancestor that is neither. An interactive shell
 * (no {@code -c}) counts as a process of its own: a person's terminal is theirs. Stateless and thread-safe.
 */
public final class AgentProcesses {
    /** Shells, skipped when they run one command line. */
    private static final Set<String> SHELLS = Set.of("sh", "bash", "dash", "zsh", "ksh", "fish");
    /** Programs that run one command and exit, always skipped. */
    private static final Set<String> WRAPPERS = Set.of("env", "timeout", "nohup", "xargs", "setsid", "stdbuf", "nice");
    /** How far up it looks. */
    static final int MAX_DEPTH = 8;

    private AgentProcesses() {
    }

    /**
     * @param start the first candidate (e.g. the parent of the CLI process, or of a hook script)
     * @return {@code start} or its nearest ancestor that is not a one-shot shell or wrapper (at most
     *     {@value #MAX_DEPTH} levels up; never init)
     */
    public static ProcessHandle agentOf(ProcessHandle start) {
        ProcessHandle p = start;
        for (int depth = 0; depth < MAX_DEPTH; depth++) {
            ProcessHandle up = p.parent().orElse(null);
            if (up == null || up.pid() <= 1 || !oneShot(p)) {
                return p;
            }
            p = up;
        }
        return p;
    }

    /** @return whether {@code p} is a wrapper, or a shell running one command line ({@code -c}) */
    static boolean oneShot(ProcessHandle p) {
        String cmd = p.info().command().map(c -> Path.of(c).getFileName().toString()).orElse("");
        if (WRAPPERS.contains(cmd)) {
            return true;
        }
        if (!SHELLS.contains(cmd)) {
            return false;
        }
        String[] args = p.info().arguments().orElse(new String[0]);
        return Arrays.stream(args).anyMatch(a -> a.startsWith("-") && !a.startsWith("--") && a.contains("c"));
    }
}
