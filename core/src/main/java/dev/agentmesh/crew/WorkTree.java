package dev.agentmesh.crew;

import dev.agentmesh.MeshException;
import dev.agentmesh.project.Commands;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The crew's views of the project's git work tree: the tracked files (for the planner) and the changes a reviewer
 * is shown. Runs {@code git} in the project root with a 30 s limit; a git that fails gives empty output (the agents
 * can look for themselves). Stateless apart from the root; thread-safe.
 */
final class WorkTree {
    /** New files up to this size (bytes) are shown whole in a reviewer's changes. */
    static final int NEW_FILE_MAX_BYTES = 20_000;

    private final Path root;

    WorkTree(Path root) {
        this.root = root;
    }

    /** @return the files git tracks, relative to the root */
    List<String> files() {
        return git("ls-files").lines().filter(l -> !l.isBlank()).toList();
    }

    /** @return the project-relative forms of {@code paths} (relative to the root, or absolute) that stay inside it */
    List<String> relative(List<String> paths) {
        List<String> out = new ArrayList<>();
        for (String p : paths) {
            try {
                Path abs = root.resolve(p).normalize();
                if (abs.startsWith(root) && !abs.equals(root)) {
                    out.add(root.relativize(abs).toString());
                }
            } catch (InvalidPathException e) {
                // not a path: nothing to show
            }
        }
        return out;
    }

    /**
     * @param paths the files a task's workers edited with their edit tools; empty when none are known (edits made
     *              through a shell), and then the whole tree's changes are shown
     * @return what the task's reviewer is shown: git status and the diff against HEAD, limited to {@code paths},
     *         with the text of new files up to {@value #NEW_FILE_MAX_BYTES} bytes
     */
    String changes(Set<String> paths) {
        List<String> status = new ArrayList<>(List.of("status", "--porcelain", "--untracked-files=all"));
        List<String> diffArgs = new ArrayList<>(List.of("diff", "HEAD"));
        if (!paths.isEmpty()) {
            status.add("--");
            diffArgs.add("--");
            for (String p : new TreeSet<>(paths)) {
                status.add(":(literal)" + p);
                diffArgs.add(":(literal)" + p);
            }
        }
        String statusText = git(status.toArray(String[]::new));
        String diff = git(diffArgs.toArray(String[]::new));
        StringBuilder sb = new StringBuilder(paths.isEmpty() ? "" : "(the files this task's workers edited; other tasks' changes are left out)\n")
                .append("git status:\n").append(statusText.isBlank() ? "(clean)\n" : statusText);
        for (String line : statusText.lines().toList()) {
            if (line.startsWith("?? ")) {
                Path f = root.resolve(line.substring(3).strip());
                try {
                    if (Files.isRegularFile(f) && Files.size(f) < NEW_FILE_MAX_BYTES && !line.contains(".mesh/")) {
                        sb.append("\nnew file ").append(line.substring(3).strip()).append(":\n").append(Files.readString(f));
                    }
                } catch (IOException | UncheckedIOException e) {
                    // binary or unreadable: the reviewer can look at it itself
                }
            }
        }
        return sb.append("\n").append(diff).toString();
    }

    private String git(String... args) {
        List<String> cmd = new ArrayList<>(List.of("git"));
        cmd.addAll(List.of(args));
        try {
            return Commands.run(root, Duration.ofSeconds(30), cmd).output();
        } catch (MeshException e) {
            return "";
        }
    }
}
