package dev.agentmesh.mesh.internal;

import dev.agentmesh.mesh.Agent;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/** Tells whether an agent's process is gone, for agents on this host (others are trusted until they leave). */
public final class Liveness {
    private static final String HOST = detectHost();

    private Liveness() {
    }

    /** @return this machine's host name, as recorded in agent rows */
    public static String host() {
        return HOST;
    }

    /** @return true if the agent runs on this host and its pid no longer exists */
    public static boolean isDead(Agent a) {
        return a.pid() != null && HOST.equals(a.host()) && !ProcessHandle.of(a.pid()).map(ProcessHandle::isAlive).orElse(false);
    }

    private static String detectHost() {
        try {
            Path p = Path.of("/proc/sys/kernel/hostname");
            if (Files.isReadable(p)) {
                return Files.readString(p).trim();
            }
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "localhost";
        }
    }
}
