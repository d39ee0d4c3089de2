package dev.agentmesh.runtime;

import java.util.concurrent.TimeUnit;

/** Stops a process started under {@code setsid}, with every descendant: TERM to the group, then KILL. */
public final class ProcessGroups {
    private ProcessGroups() {
    }

    /**
     * Terminates the process group led by {@code p} (its pid is the group id when started with setsid), waiting
     * up to {@code graceMs} before killing what is left, descendants that left the group included.
     */
    public static void stop(Process p, long graceMs) {
        var descendants = p.descendants().toList();
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
        descendants.forEach(ProcessHandle::destroyForcibly);
    }

    private static void signalGroup(long pgid, String signal) {
        try {
            new ProcessBuilder("kill", "-" + signal, "--", "-" + pgid).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            // the group is already gone, or kill is missing: destroyForcibly on the handles covers the rest
        } 
    }
}
