package dev.agentmesh.cli.client;

import dev.agentmesh.MeshException;
import dev.agentmesh.server.RunFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the supervisor of a store, starting one when none answers ({@code MESH_SERVE=auto}, the default): a
 * detached {@code mesh serve --idle-exit 600} in its own session ({@code setsid}, so a Ctrl-C in the terminal
 * does not reach it), logging to {@code STORE.serve.log}. When two clients start one at once, the store's lock
 * lets one run and the other exits, and both clients find the one that runs.
 */
public final class SupervisorClient {
    /** How long a client waits for a supervisor it started, in milliseconds. */
    static final long START_WAIT_MS = 20_000;
    /** Seconds without a request after which an auto-started supervisor stops. */
    public static final int AUTO_IDLE_EXIT_S = 600;

    private SupervisorClient() {
    }

    /** @return a client of the running supervisor of {@code store}, if one answers */
    public static Optional<RemoteMeshApi> find(Path store, Path projectRoot) {
        return RunFile.read(store).filter(RunFile::alive).map(rf -> new RemoteMeshApi(rf, projectRoot))
                .filter(RemoteMeshApi::healthy);
    }

    /**
     * @param self the command line that runs this CLI (without arguments)
     * @param env  the environment the supervisor gets ({@code MESH_STORE} is set to {@code store})
     * @return a client of the supervisor of {@code store}, started if needed
     * @throws MeshException (unexpected state) if none answers within {@value #START_WAIT_MS} ms; the message
     *                       names the log file
     */
    public static RemoteMeshApi findOrStart(Path store, Path projectRoot, List<String> self, Map<String, String> env) {
        java.util.function.Supplier<RunFile> restart = () -> findOrStart(store, projectRoot, self, env).server();
        Optional<RemoteMeshApi> running = find(store, projectRoot);
        if (running.isPresent()) {
            return new RemoteMeshApi(running.get().server(), projectRoot, restart);
        }
        Path log = RunFile.logFor(store);
        List<String> cmd = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid")) || Files.isExecutable(Path.of("/bin/setsid"))) {
            cmd.add("setsid");
        }
        cmd.addAll(self);
        cmd.addAll(List.of("serve", "--idle-exit", Integer.toString(AUTO_IDLE_EXIT_S)));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.directory(Path.of("/").toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        pb.environment().put("MESH_STORE", store.toString());
        pb.environment().remove("MESH_SERVE");
        // started from inside an agent (its extension, its shell), the supervisor is not part of that agent's tree:
        // without the mark, stopping the agent (or finding its owner dead) does not stop the supervisor
        pb.environment().remove(dev.agentmesh.runtimes.ProcessGroups.TREE_ENV);
        Process p;
        try {
            if (!Files.isDirectory(store.getParent())) {
                Files.createDirectories(store.getParent(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            if (!Files.exists(log)) {
                Files.createFile(log, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            p = pb.start();
        } catch (IOException e) {
            throw MeshException.unexpectedState("cannot start mesh serve for " + store + ": " + e.getMessage(), e);
        }
        long deadline = System.currentTimeMillis() + START_WAIT_MS;
        while (System.currentTimeMillis() < deadline) {
            running = find(store, projectRoot);
            if (running.isPresent()) {
                return new RemoteMeshApi(running.get().server(), projectRoot, restart);
            }
            if (!p.isAlive() && p.exitValue() != 0) {
                break;
            }
            try {
                // a start-up wait, not a delivery path: the run file appears once the port is open
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw MeshException.unexpectedState("mesh serve for " + store + " did not start within " + START_WAIT_MS / 1000
                + " s; see " + log + " (or run with MESH_SERVE=off to work without it)");
    }
}
