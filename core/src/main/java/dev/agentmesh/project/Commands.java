package dev.agentmesh.project;

import dev.agentmesh.MeshException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs a short helper command (git, npm) with a real timeout: output is read on another thread. */
public final class Commands {
    private Commands() {
    }

    /**
     * What a command printed and how it ended.
     *
     * @param exitCode the exit code, or -1 when it was stopped at the timeout
     * @param output   stdout and stderr, interleaved
     */
    public record Output(int exitCode, String output) {
        /** @return true when it exited 0 */
        public boolean ok() {
            return exitCode == 0;
        }

        /** @return the last non-blank line of the output, or "" */
        public String lastLine() {
            List<String> lines = output.lines().filter(l -> !l.isBlank()).toList();
            return lines.isEmpty() ? "" : lines.get(lines.size() - 1).strip();
        }
    }

    /**
     * Runs {@code cmd} in {@code dir} with no input, stopping it (and its children) after {@code timeout}.
     *
     * @return its output and exit code
     * @throws MeshException (unexpected state) if the command cannot be started, naming it
     */
    public static Output run(Path dir, Duration timeout, List<String> cmd) {
        Process p;
        try {
            p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
            p.getOutputStream().close();
        } catch (IOException e) {
            throw MeshException.unexpectedState("cannot run '" + cmd.get(0) + "' (is it installed?): " + e.getMessage(), e);
        }
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        }, r -> Thread.ofVirtual().start(r));
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                return new Output(-1, out.getNow("") + "\n" + String.join(" ", cmd) + " timed out after " + timeout.toSeconds() + " s");
            }
            return new Output(p.exitValue(), out.get(10, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            return new Output(-1, "interrupted");
        } catch (Exception e) {
            return new Output(p.exitValue(), "");
        }
    }
}
