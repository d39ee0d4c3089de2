package dev.agentmesh.runtime;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Stops a process started under {@code setsid} with everything it started: TERM to its group, KILL after a
 * grace period, KILL to every descendant seen before the stop, then KILL to every process that still carries
 * the agent's tree mark ({@value #TREE_ENV} in its environment, inherited by everything the agent starts). The
 * last two steps matter because agent CLIs run tool commands in process groups of their own (pi's bash tool
 * does), which a signal to the agent's group misses and which are reparented away from the agent once it
 * exits: a detached {@code sleep} started a moment before the stop is found by its mark wherever it went.
 */
public final class ProcessGroups {
    /** The environment variable that marks every process of one agent's tree. */
    public static final String TREE_ENV = "MESH_AGENT_TREE";

    private ProcessGroups() {
    }

    /** @return a fresh mark for one agent's process tree, to put in its environment as {@value #TREE_ENV} */
    public static String newTreeMark() {
        return java.util.UUID.randomUUID().toString();
    }

    /**
     * Kills every process of this user whose environment holds {@value #TREE_ENV}{@code =mark} (read from
     * {@code /proc}; does nothing where there is none), twice, so a child forked while the first pass ran is
     * caught by the second.
     *
     * @return how many processes were killed
     */
    public static int killMarked(String mark) {
        byte[] needle = (TREE_ENV + "=" + mark).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int killed = 0;
        for (int pass = 0; pass < 2; pass++) {
            try (var procs = java.nio.file.Files.list(java.nio.file.Path.of("/proc"))) {
                for (java.nio.file.Path dir : (Iterable<java.nio.file.Path>) procs::iterator) {
                    String name = dir.getFileName().toString();
                    if (!name.chars().allMatch(Character::isDigit) || Long.parseLong(name) == ProcessHandle.current().pid()) {
                        continue;
                    }
                    if (holds(dir.resolve("environ"), needle)) {
                        var h = ProcessHandle.of(Long.parseLong(name));
                        if (h.isPresent() && h.get().destroyForcibly()) {
                            killed++;
                            // wait for it to be gone, so whoever checks next finds no process
                            h.get().onExit().completeOnTimeout(h.get(), 2, TimeUnit.SECONDS).join();
                        }
                    }
                }
            } catch (java.io.IOException | RuntimeException e) {
                return killed;
            }
        }
        return killed;
    }

    private static boolean holds(java.nio.file.Path environ, byte[] needle) {
        byte[] env;
        try {
            env = java.nio.file.Files.readAllBytes(environ);
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
        // entries are NUL-separated; the mark is a whole entry
        outer:
        for (int i = 0; i + needle.length <= env.length; i++) {
            if (i > 0 && env[i - 1] != 0) {
                continue;
            }
            for (int j = 0; j < needle.length; j++) {
                if (env[i + j] != needle[j]) {
                    continue outer;
                }
            }
            if (i + needle.length == env.length || env[i + needle.length] == 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param p       the process, leader of its own group
     * @param tree    its descendants, taken before anything was asked to stop
     * @param graceMs how long TERM may take before KILL, in milliseconds
     * @param mark    the tree mark given to the process ({@link #newTreeMark}), or null
     */
    public static void stop(Process p, List<ProcessHandle> tree, long graceMs, String mark) {
        signalGroup(p.pid(), "TERM");
        try {
            if (!p.waitFor(graceMs, TimeUnit.MILLISECONDS)) {
                signalGroup(p.pid(), "KILL");
                p.destroyForcibly();
                p.waitFor(2, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        signalGroup(p.pid(), "KILL");
        for (ProcessHandle h : tree) {
            h.descendants().forEach(ProcessHandle::destroyForcibly);
            h.destroyForcibly();
        }
        if (mark != null) {
            killMarked(mark);
        }
    }

    private static void signalGroup(long pgid, String signal) {
        try {
            new ProcessBuilder("kill", "-" + signal, "--", "-" + pgid).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            // the group is gone already, or kill is missing: the handles of the tree cover the rest
        }
    }
}
