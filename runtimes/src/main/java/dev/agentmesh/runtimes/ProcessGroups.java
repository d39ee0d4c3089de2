package dev.agentmesh.runtimes;

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

    /** {@code PR_SET_CHILD_SUBREAPER} of Linux's {@code prctl(2)}. */
    private static final int PR_SET_CHILD_SUBREAPER = 36;
    private static volatile boolean subreaper;

    /**
     * Makes this process the child subreaper of everything it starts ({@code prctl(PR_SET_CHILD_SUBREAPER, 1)}
     * through the foreign-function API): a descendant whose parent exits (a tool command an agent CLI detached,
     * a double fork) is re-parented to this process instead of init, so {@link #killDescendants} finds it wherever
     * it went. Idempotent; needs {@code --enable-native-access} (bin/mesh passes it).
     *
     * @return whether this process is a subreaper now (false off Linux, or when the call is refused)
     */
    public static synchronized boolean becomeSubreaper() {
        if (subreaper) {
            return true;
        }
        try {
            var linker = java.lang.foreign.Linker.nativeLinker();
            var prctl = linker.defaultLookup().find("prctl");
            if (prctl.isEmpty()) {
                return false;
            }
            // int prctl(int option, ...): the arguments after the first are variadic
            var handle = linker.downcallHandle(prctl.get(), java.lang.foreign.FunctionDescriptor.of(java.lang.foreign.ValueLayout.JAVA_INT,
                            java.lang.foreign.ValueLayout.JAVA_INT, java.lang.foreign.ValueLayout.JAVA_LONG),
                    java.lang.foreign.Linker.Option.firstVariadicArg(1));
            subreaper = (int) handle.invokeExact(PR_SET_CHILD_SUBREAPER, 1L) == 0;
        } catch (Throwable e) {
            subreaper = false;
        }
        return subreaper;
    }

    /**
     * Kills every live descendant of this process, deepest first, reaping those that are its children, waiting up
     * to 2 s in all per pass, and passes again while it found any (three passes at most): with
     * {@link #becomeSubreaper} that includes the orphans of trees that were already stopped.
     *
     * @param spare descendants to leave alive with their own descendants (e.g. a supervisor a child started)
     * @return how many processes were killed
     */
    public static int killDescendants(java.util.function.Predicate<ProcessHandle> spare) {
        // a parent killed after its child may have forked again: pass until nothing is left (three at most)
        int killed = 0;
        for (int pass = 0; pass < 3; pass++) {
            int now = killDescendantsOnce(spare);
            killed += now;
            if (now == 0) {
                break;
            }
        }
        return killed;
    }

    private static int killDescendantsOnce(java.util.function.Predicate<ProcessHandle> spare) {
        java.util.Set<Long> spared = new java.util.HashSet<>();
        ProcessHandle.current().descendants().filter(spare).forEach(h -> {
            spared.add(h.pid());
            h.descendants().forEach(d -> spared.add(d.pid()));
        });
        List<ProcessHandle> all = ProcessHandle.current().descendants()
                .filter(h -> h.isAlive() && !spared.contains(h.pid())).toList();
        int killed = 0;
        for (ProcessHandle h : all.reversed()) {
            if (h.destroyForcibly()) {
                killed++;
            }
        }
        long deadline = System.nanoTime() + 2_000_000_000L;
        for (ProcessHandle h : all) {
            // an orphan re-parented to this process is its child now: reap it, or it stays a zombie
            while (h.isAlive() && reap(h.pid()) == 0 && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return killed;
                }
            }
        }
        return killed;
    }

    /**
     * Reaps the zombies among this process's children that were zombies already at the last call too
     * ({@code seen}, updated): orphans re-parented to a child subreaper ({@link #becomeSubreaper}) that exited, which
     * nobody else waits for. A child this JVM started itself is reaped by the JVM the moment it exits, so a zombie
     * that lasts from one call to the next is an orphan. Run it periodically where this process is a subreaper;
     * not thread-safe for one {@code seen} set.
     *
     * @param seen the zombie children found by the previous call; replaced by those found now and not reaped
     * @return how many were reaped
     */
    public static int reapLingeringZombies(java.util.Set<Long> seen) {
        java.util.Set<Long> now = new java.util.HashSet<>();
        ProcessHandle.current().children().forEach(h -> {
            if (isZombie(h.pid())) {
                now.add(h.pid());
            }
        });
        int reaped = 0;
        for (long pid : now) {
            if (seen.contains(pid) && reap(pid) == pid) {
                reaped++;
            }
        }
        now.removeIf(pid -> seen.contains(pid));
        seen.clear();
        seen.addAll(now);
        return reaped;
    }

    private static boolean isZombie(long pid) {
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
            int close = stat.lastIndexOf(')');
            return close > 0 && close + 2 < stat.length() && stat.charAt(close + 2) == 'Z';
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }

    /** {@code waitpid(pid, NULL, WNOHANG)}: @return the pid once reaped, 0 while it runs, -1 if it is not a child */
    private static int reap(long pid) {
        try {
            var linker = java.lang.foreign.Linker.nativeLinker();
            var waitpid = linker.defaultLookup().find("waitpid");
            if (waitpid.isEmpty()) {
                return -1;
            }
            var handle = linker.downcallHandle(waitpid.get(), java.lang.foreign.FunctionDescriptor.of(java.lang.foreign.ValueLayout.JAVA_INT,
                    java.lang.foreign.ValueLayout.JAVA_INT, java.lang.foreign.ValueLayout.ADDRESS, java.lang.foreign.ValueLayout.JAVA_INT));
            return (int) handle.invokeExact((int) pid, java.lang.foreign.MemorySegment.NULL, 1 /* WNOHANG */);
        } catch (Throwable e) {
            return -1;
        }
    }

    /**
     * @return a fresh mark for one agent's process tree, to put in its environment as {@value #TREE_ENV}:
     *     {@code OWNER_PID.OWNER_START.UUID}, naming this process (the run that owns the agent) by pid and start
     *     time (clock ticks after boot, field 22 of {@code /proc/PID/stat}: unlike a wall-clock instant it does not
     *     move when the clock is set), so {@link #killOrphanedTrees} can tell a tree whose owner died from one whose
     *     owner lives
     */
    public static String newTreeMark() {
        return treeMark(ProcessHandle.current());
    }

    /** @return a fresh tree mark naming {@code owner} as the process that owns the tree */
    static String treeMark(ProcessHandle owner) {
        return owner.pid() + "." + startTicks(owner.pid()) + "." + java.util.UUID.randomUUID();
    }

    /** @return the start time of process {@code pid} in clock ticks after boot, or -1 when there is no such process */
    private static long startTicks(long pid) {
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // after the command: state is field 3, starttime field 22
            return Long.parseLong(f[19]);
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * Kills every process of this user whose tree mark ({@link #newTreeMark}) names an owner that is no longer
     * running (no process with that pid, or one started at another time: the pid was reused). An agent's tree
     * outlives its owner when the owner was SIGKILLed (a supervisor or a CLI running a crew) and nobody stopped
     * it; the supervisor runs this when it starts and then periodically (issue 5, part 6). Marks of another form
     * are left alone. Every process found is sent SIGKILL first; then it waits up to 2 s in all for them to go.
     *
     * @return the pids killed
     */
    public static List<Long> killOrphanedTrees() {
        List<ProcessHandle> killed = new java.util.ArrayList<>();
        java.util.Map<String, Boolean> ownerAlive = new java.util.HashMap<>();
        try (var procs = java.nio.file.Files.list(java.nio.file.Path.of("/proc"))) {
            for (java.nio.file.Path dir : (Iterable<java.nio.file.Path>) procs::iterator) {
                String name = dir.getFileName().toString();
                try {
                    if (!name.chars().allMatch(Character::isDigit) || Long.parseLong(name) == ProcessHandle.current().pid()) {
                        continue;
                    }
                    String mark = markOf(dir.resolve("environ"));
                    String[] f = mark == null ? new String[0] : mark.split("\\.", 3);
                    if (f.length != 3 || !f[0].matches("\\d{1,18}") || !f[1].matches("-?\\d{1,18}")) {
                        continue;
                    }
                    boolean alive = ownerAlive.computeIfAbsent(f[0] + "." + f[1], k -> {
                        long owner = Long.parseLong(f[0]);
                        return dev.agentmesh.project.Host.isAlive(owner) && startTicks(owner) == Long.parseLong(f[1]);
                    });
                    var h = ProcessHandle.of(Long.parseLong(name));
                    if (!alive && h.isPresent() && h.get().destroyForcibly()) {
                        killed.add(h.get());
                    }
                } catch (RuntimeException e) {
                    // a process that ended while it was looked at, or a mark that is not ours
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // no /proc: nothing to find
        }
        long deadline = System.nanoTime() + 2_000_000_000L;
        for (ProcessHandle h : killed) {
            h.onExit().completeOnTimeout(h, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS).join();
        }
        return killed.stream().map(ProcessHandle::pid).toList();
    }

    /** @return the value of {@value #TREE_ENV} in a {@code /proc/PID/environ}, or null */
    private static String markOf(java.nio.file.Path environ) {
        byte[] env;
        try {
            env = java.nio.file.Files.readAllBytes(environ);
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
        byte[] key = (TREE_ENV + "=").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int start = 0;
        for (int i = 0; i <= env.length; i++) {
            if (i == env.length || env[i] == 0) {
                if (i - start > key.length && java.util.Arrays.equals(env, start, start + key.length, key, 0, key.length)) {
                    return new String(env, start + key.length, i - start - key.length, java.nio.charset.StandardCharsets.UTF_8);
                }
                start = i + 1;
            }
        }
        return null;
    }

    /**
     * Kills every process of this user whose environment holds {@value #TREE_ENV}{@code =mark} (read from
     * {@code /proc}; does nothing where there is none), twice, so a child forked while the first pass ran is
     * caught by the second.
     *
     * @return how many processes were killed
     */
    public static int killMarked(String mark) {
        int killed = 0;
        for (int pass = 0; pass < 2; pass++) {
            try (var procs = java.nio.file.Files.list(java.nio.file.Path.of("/proc"))) {
                for (java.nio.file.Path dir : (Iterable<java.nio.file.Path>) procs::iterator) {
                    String name = dir.getFileName().toString();
                    if (!name.chars().allMatch(Character::isDigit) || Long.parseLong(name) == ProcessHandle.current().pid()) {
                        continue;
                    }
                    if (mark.equals(markOf(dir.resolve("environ")))) {
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
