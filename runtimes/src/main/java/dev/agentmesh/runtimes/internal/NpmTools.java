package dev.agentmesh.runtimes.internal;

import dev.agentmesh.MeshException;
import dev.agentmesh.project.Commands;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Finds an agent CLI, installing its pinned npm version into agentmesh's cache folder when it is missing. Stateless
 * and thread-safe (two installs of one version at once may both run npm; npm's own lock keeps the folder whole).
 */
public final class NpmTools {
    private NpmTools() {
    }

    /**
     * Finds {@code bin}: the variable {@code override} of {@code env} (e.g. {@code MESH_CLAUDE}), else {@code bin} on
     * PATH, else the pinned version in the cache folder ({@link #cacheDir}), installed there with npm
     * ({@code MESH_NPM} names another npm) when missing.
     *
     * @param log receives one line before a slow install
     * @return the executable
     * @throws MeshException (invalid input) if {@code override} names no executable file; (unexpected state) if the
     *                       tool is missing and cannot be installed, naming the package and why
     */
    public static Path locateOrInstall(Map<String, String> env, String override, String bin, String pkg, String version,
                                       Consumer<String> log) {
        String given = env.get(override);
        if (given != null && !given.isBlank()) {
            Path p = Path.of(given);
            if (!Files.isExecutable(p)) {
                throw MeshException.invalidInput(override + "=" + given + " is not an executable file");
            }
            return p;
        }
        for (String dir : env.getOrDefault("PATH", "").split(":")) {
            if (!dir.isBlank() && Files.isExecutable(Path.of(dir, bin))) {
                return Path.of(dir, bin);
            }
        }
        Path prefix = cacheDir(env).resolve("npm/" + pkg.substring(pkg.indexOf('/') + 1) + "-" + version);
        Path exe = prefix.resolve("node_modules/.bin/" + bin);
        if (Files.isExecutable(exe)) {
            return exe;
        }
        String npm = env.getOrDefault("MESH_NPM", "npm");
        log.accept("installing " + bin + " (" + pkg + "@" + version + ") with npm into " + prefix + " ...");
        String why;
        try {
            Files.createDirectories(prefix);
            Commands.Output out = Commands.run(prefix, Duration.ofMinutes(10), List.of(npm, "install", "--prefix",
                    prefix.toString(), "--save-exact", "--no-audit", "--no-fund", "--loglevel=error", pkg + "@" + version));
            if (out.ok() && Files.isExecutable(exe)) {
                return exe;
            }
            why = "npm exited with code " + out.exitCode() + (out.lastLine().isEmpty() ? "" : ": " + out.lastLine());
        } catch (IOException | MeshException e) {
            why = e instanceof MeshException ? e.getMessage() : "cannot create " + prefix + ": " + e.getMessage();
        }
        try (var left = Files.list(prefix)) {
            if (left.findAny().isEmpty()) {
                Files.delete(prefix);
            }
        } catch (IOException e) {
            // leave the folder: a later install reuses it
        }
        throw MeshException.unexpectedState(bin + " is not on PATH and could not be installed (" + pkg + "@" + version
                + "): " + why + "; install it with npm or set " + override + " to its path");
    }

    /** @return the cache folder: {@code MESH_CACHE}, else {@code ~/.cache/agentmesh} */
    public static Path cacheDir(Map<String, String> env) {
        String c = env.get("MESH_CACHE");
        return c != null && !c.isBlank() ? Path.of(c)
                : Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".cache", "agentmesh");
    }
}
