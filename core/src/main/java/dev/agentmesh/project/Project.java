package dev.agentmesh.project;

import dev.agentmesh.MeshException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The project an agent works in: the git root above the working directory, or the working directory itself
 * when there is no git repository. Its absolute path is the key every store row carries.
 *
 * @param root absolute, normalised, symlinks resolved
 * @param git  true when {@code root} is a git work tree root
 */
public record Project(Path root, boolean git) {

    /**
     * Finds the project of {@code cwd}: the nearest ancestor holding {@code .git}, else {@code cwd}.
     *
     * @throws MeshException (invalid input) if {@code cwd} does not exist
     */
    public static Project locate(Path cwd) {
        Path start;
        try {
            start = cwd.toRealPath();
        } catch (IOException e) {
            throw MeshException.invalidInput("project folder " + cwd + " does not exist");
        }
        if (!Files.isDirectory(start)) {
            throw MeshException.invalidInput("project folder " + cwd + " is not a folder");
        }
        for (Path p = start; p != null; p = p.getParent()) {
            if (Files.exists(p.resolve(".git"))) {
                return new Project(p, true);
            }
        }
        return new Project(start, false);
    }

    /** @return the key stored in every row of this project: the absolute root path */
    public String key() {
        return root.toString();
    }

    /** @return {@code <root>/.mesh}, where project config, agent definitions and run artifacts live */
    public Path meshDir() {
        return root.resolve(".mesh");
    }

    /**
     * Creates {@link #meshDir} (0700) with a {@code .gitignore} of {@code *} in it, so git ignores everything
     * agentmesh writes there without the project's own {@code .gitignore} being touched.
     *
     * @return the folder
     * @throws MeshException (unexpected state) if it cannot be created
     */
    public Path ensureMeshDir() {
        Path dir = meshDir();
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
            }
            Path ignore = dir.resolve(".gitignore");
            if (!Files.exists(ignore)) {
                Files.writeString(ignore, "# written by agentmesh: nothing in .mesh/ belongs in git\n*\n");
            }
            return dir;
        } catch (IOException e) {
            throw MeshException.unexpectedState("cannot create " + dir + ": " + e.getMessage(), e);
        }
    }

    /** @return the checked-out branch (from {@code .git/HEAD}), a short commit id when detached, or null */
    public String branch() {
        try {
            Path head = root.resolve(".git/HEAD");
            if (!Files.isRegularFile(head)) {
                return null;
            }
            String s = Files.readString(head).strip();
            return s.startsWith("ref: refs/heads/") ? s.substring("ref: refs/heads/".length()) : s.substring(0, Math.min(12, s.length()));
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * @throws MeshException (invalid input) unless the project is a git repository
     */
    public void requireGit(String what) {
        if (!git) {
            throw MeshException.invalidInput(what + " needs a git repository, and " + root
                    + " is not in one (run git init there first)");
        }
    }
}
