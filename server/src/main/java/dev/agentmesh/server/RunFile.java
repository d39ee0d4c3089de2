package dev.agentmesh.server;

import dev.agentmesh.MeshException;
import dev.agentmesh.api.Json;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * How clients find the supervisor of a store: a JSON file beside the store ({@code mesh.db} has
 * {@code mesh.db.serve.json}), mode 0600 because it holds the secret, written atomically once the HTTP port is
 * open and deleted on a clean stop. A file left by a killed supervisor is recognised by its dead pid.
 *
 * @param pid       the supervisor's process id
 * @param port      its HTTP port on 127.0.0.1
 * @param secret    the bearer secret every API request carries ({@code Authorization: Bearer ...}); 43 characters
 * @param store     the store file it supervises (absolute)
 * @param startedAt epoch ms
 * @param version   the agentmesh version
 */
public record RunFile(long pid, int port, String secret, String store, long startedAt, String version) {

    /** @return the run file of the store {@code storeFile} */
    public static Path pathFor(Path storeFile) {
        return Path.of(storeFile.toAbsolutePath().normalize() + ".serve.json");
    }

    /** @return the lock file that only the running supervisor of {@code storeFile} holds */
    public static Path lockFor(Path storeFile) {
        return Path.of(storeFile.toAbsolutePath().normalize() + ".serve.lock");
    }

    /** @return the log file of a detached supervisor of {@code storeFile} */
    public static Path logFor(Path storeFile) {
        return Path.of(storeFile.toAbsolutePath().normalize() + ".serve.log");
    }

    /** @return the base URL, e.g. {@code http://127.0.0.1:40123} */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** @return true if the process that wrote this file still runs (a pid reused since is not told apart yet) */
    public boolean alive() {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /**
     * Reads the run file of {@code storeFile}.
     *
     * @return the file's content, or empty if there is none or it is unreadable or malformed (a half-written or
     *         foreign file counts as none)
     */
    public static Optional<RunFile> read(Path storeFile) {
        Path p = pathFor(storeFile);
        try {
            if (!Files.isRegularFile(p)) {
                return Optional.empty();
            }
            JsonNode n = Json.parseObject(Files.readString(p), "run file " + p);
            return Optional.of(new RunFile(n.path("pid").asLong(), n.path("port").asInt(), n.path("secret").asString(),
                    n.path("store").asString(), n.path("startedAt").asLong(), n.path("version").asString()));
        } catch (IOException | MeshException e) {
            return Optional.empty();
        }
    }

    /**
     * Writes this run file atomically with mode 0600.
     *
     * @throws MeshException (unexpected state) if it cannot be written
     */
    void write(Path storeFile) {
        Path p = pathFor(storeFile);
        try {
            Path tmp = Files.createTempFile(p.getParent(), ".serve", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, Json.MAPPER.writeValueAsString(this));
            try {
                Files.move(tmp, p, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, p, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw MeshException.unexpectedState("cannot write the run file " + p + ": " + e.getMessage(), e);
        }
    }

    /** Deletes the run file if it is still this one (another supervisor may have replaced it). */
    void delete(Path storeFile) {
        read(storeFile).filter(r -> r.pid() == pid && r.port() == port).ifPresent(r -> {
            try {
                Files.deleteIfExists(pathFor(storeFile));
            } catch (IOException ignored) {
                // a stale run file is recognised by its dead pid
            }
        });
    }
}
