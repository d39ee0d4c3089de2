package dev.agentmesh.project;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Optional;

/**
 * The agents that one agent process (or a person's shell) joined through the CLI, so that its later commands act
 * as the agent it joined last, with that agent's token, without {@code --as} or {@code MESH_AGENT_TOKEN}:
 * {@code STORE.sessions/PID-START.json} (folder 0700, file 0600) holding
 * {@code {"PROJECT_ROOT": {"current": NAME, "tokens": {NAME: TOKEN, ...}}}}, keyed by the pid and start time of the
 * process the CLI records for a join (see {@code Cli.callerPid}: the agent's process, or a person's interactive
 * shell). Another process, knowing only a name, finds no token there and is refused. Files of processes that are
 * gone are deleted when a token is saved. A file that cannot be read counts as empty; one that cannot be written
 * loses only the convenience (the token still came back to the caller). Not safe against two commands of one
 * session saving at the same instant: the earlier save may be lost.
 */
public final class SessionTokens {
    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private SessionTokens() {
    }

    /** @return the token saved for {@code agent} of {@code project} by the session {@code pid}, if any */
    public static Optional<String> find(Path store, long pid, String project, String agent) {
        JsonNode token = read(store, pid).path(project).path("tokens").path(agent);
        return token.isString() ? Optional.of(token.asString()) : Optional.empty();
    }

    /** @return the agent the session {@code pid} joined (or renamed itself to) last in {@code project}, if any */
    public static Optional<String> current(Path store, long pid, String project) {
        JsonNode name = read(store, pid).path(project).path("current");
        return name.isString() ? Optional.of(name.asString()) : Optional.empty();
    }

    /** Saves {@code agent}'s token for the session {@code pid} and makes it the session's current agent. */
    public static void save(Path store, long pid, String project, String agent, String token) {
        ObjectNode all = read(store, pid) instanceof ObjectNode o ? o : MAPPER.createObjectNode();
        ObjectNode forProject = all.get(project) instanceof ObjectNode o ? o : all.putObject(project);
        ObjectNode tokens = forProject.get("tokens") instanceof ObjectNode o ? o : forProject.putObject("tokens");
        tokens.put(agent, token);
        forProject.put("current", agent);
        write(store, pid, all);
    }

    private static void write(Path store, long pid, ObjectNode all) {
        Path file = file(store, pid);
        if (file == null) {
            return;
        }
        try {
            Path dir = file.getParent();
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            Path tmp = Files.createTempFile(dir, "session", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, all.toString());
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            sweep(dir);
        } catch (IOException | RuntimeException e) {
            // the token still came back to the caller; only the convenience is lost
        }
    }

    /** Forgets {@code agent} in the session {@code pid} (it left); the session then has no current agent of it. */
    public static void forget(Path store, long pid, String project, String agent) {
        JsonNode all = read(store, pid);
        if (all.path(project).path("tokens") instanceof ObjectNode tokens && tokens.has(agent)) {
            tokens.remove(agent);
            ObjectNode forProject = (ObjectNode) all.get(project);
            if (agent.equals(forProject.path("current").asString(null))) {
                forProject.remove("current");
            }
            write(store, pid, (ObjectNode) all);
        }
    }

    private static JsonNode read(Path store, long pid) {
        Path file = file(store, pid);
        if (file == null || !Files.isRegularFile(file)) {
            return MAPPER.createObjectNode();
        }
        try {
            return MAPPER.readTree(Files.readString(file));
        } catch (IOException | RuntimeException e) {
            return MAPPER.createObjectNode();
        }
    }

    private static Path file(Path store, long pid) {
        Optional<Instant> start = ProcessHandle.of(pid).flatMap(h -> h.info().startInstant());
        return start.map(s -> store.resolveSibling(store.getFileName() + ".sessions").resolve(pid + "-" + s.toEpochMilli() + ".json"))
                .orElse(null);
    }

    /** Deletes the files of sessions whose process is gone (or whose pid now names another process). */
    private static void sweep(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            files.forEach(f -> {
                String n = f.getFileName().toString();
                int dash = n.indexOf('-');
                if (!n.endsWith(".json") || dash < 1) {
                    return;
                }
                try {
                    long pid = Long.parseLong(n.substring(0, dash));
                    long start = Long.parseLong(n.substring(dash + 1, n.length() - ".json".length()));
                    boolean live = ProcessHandle.of(pid).flatMap(h -> h.info().startInstant())
                            .map(i -> i.toEpochMilli() == start).orElse(false);
                    if (!live) {
                        Files.deleteIfExists(f);
                    }
                } catch (IOException | RuntimeException ignored) {
                    // a file of another shape: left alone
                }
            });
        }
    }
}
