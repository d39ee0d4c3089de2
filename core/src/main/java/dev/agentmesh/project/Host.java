package dev.agentmesh.project;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/** Facts about this machine and its processes: the host name recorded in rows, and whether a pid is alive. */
public final class Host {
    private static final String NAME = detect();

    private Host() {
    }

    /** @return this machine's host name, as recorded in agent and crew-run rows; never null */
    public static String name() {
        return NAME;
    }

    /**
     * @return true if process {@code pid} exists and is not a zombie (a killed process that its parent has not
     *         reaped yet counts as dead: it holds no lease)
     */
    public static boolean isAlive(long pid) {
        if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            return false;
        }
        Path stat = Path.of("/proc/" + pid + "/stat");
        try {
            String s = Files.readString(stat);
            int close = s.lastIndexOf(')');
            return close < 0 || close + 2 >= s.length() || s.charAt(close + 2) != 'Z';
        } catch (IOException e) {
            // no /proc entry: not Linux (trust ProcessHandle), or the process ended between the two checks
            return !Files.isDirectory(Path.of("/proc/self"));
        }
    }

    private static String detect() {
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
