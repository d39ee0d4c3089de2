package dev.agentmesh.runtime;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Stops a process started under {@code setsid} with everything it started: TERM to its group, KILL after a
 * grace period, then KILL to every descendant seen before the stop. The last step matters because agent CLIs
 * run tool commands in process groups of their own (pi's bash tool does), which a signal to the agent's group
 * misses, and which are reparented away from the agent once it exits.
 */
public final class ProcessGroups {
    private ProcessGroups() {
    }

    /**
     * @param p       the process, leader of its own group
     * @param tree    its descendants, taken before anything was asked to stop
     * @param graceMs how long TERM may take before KILL, in milliseconds
     */
    public static void stop(Process p, List<ProcessHandle> tree, long graceMs) {
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
