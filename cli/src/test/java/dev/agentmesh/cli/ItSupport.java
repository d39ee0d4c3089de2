package dev.agentmesh.cli;

import dev.agentmesh.crew.Tasks;
import dev.agentmesh.mesh.Mesh;
import dev.agentmesh.project.Project;
import dev.agentmesh.api.LocalMeshApi;
import dev.agentmesh.server.RunFile;
import dev.agentmesh.crew.Crew;
import dev.agentmesh.store.Store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs bin/mesh as a real process for the integration tests, and looks at what it left behind. */
final class ItSupport {
    private ItSupport() {
    }

    /** The output of a finished command. */
    record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    static Path repoRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isExecutable(p.resolve("bin/mesh")) && Files.isDirectory(p.resolve("examples"))) {
                return p;
            }
        }
        throw new IllegalStateException("no agentmesh clone above " + Path.of("").toAbsolutePath());
    }

    static Map<String, String> env(Path store) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.remove("MESH_AGENT");
        env.remove("MESH_PROJECT");
        // these tests run the crew and MCP in-process; the supervisor's own tests start it themselves
        env.put("MESH_SERVE", "off");
        if (store == null) {
            env.remove("MESH_STORE");
        } else {
            env.put("MESH_STORE", store.toString());
        }
        return env;
    }

    static Process start(Path cwd, Map<String, String> env, Path outFile, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(repoRoot().resolve("bin/mesh").toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true)
                .redirectOutput(outFile.toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        return pb.start();
    }

    static Result mesh(Path cwd, Map<String, String> env, Duration timeout, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(repoRoot().resolve("bin/mesh").toString());
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("mesh-out", ".txt");
        Path err = Files.createTempFile("mesh-err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError("mesh " + String.join(" ", args) + " did not finish in " + timeout + "\n" + Files.readString(out));
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** Runs a command in {@code dir}, failing the test when it fails. @return its output */
    static String run(Path dir, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", cmd) + " failed in " + dir + ":\n" + out);
        }
        return out;
    }

    /** Makes {@code dir} a git repository with everything in it committed. */
    static void commitAll(Path dir) throws Exception {
        run(dir, "git", "init", "-q", "-b", "main");
        run(dir, "git", "add", "-A");
        run(dir, "git", "-c", "user.name=t", "-c", "user.email=t@agentmesh.invalid", "commit", "-q", "-m", "start");
    }

    /**
     * @return live processes (pid and command) whose working directory is {@code dir} or below, this JVM excluded;
     *         found through /proc because pi rewrites its own command line
     */
    static List<String> processesIn(Path dir) throws Exception {
        Path real = dir.toRealPath();
        List<String> found = new ArrayList<>();
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(x -> x.getFileName().toString().matches("\\d+")).toList()) {
                if (p.getFileName().toString().equals(String.valueOf(ProcessHandle.current().pid()))) {
                    continue;
                }
                try {
                    if (Files.readSymbolicLink(p.resolve("cwd")).startsWith(real)) {
                        found.add(p.getFileName() + " " + Files.readString(p.resolve("cmdline")).replace('\0', ' ').strip());
                    }
                } catch (IOException | RuntimeException e) {
                    // the process ended while we looked, or is not ours to read
                }
            }
        }
        return found;
    }

    /** The store of a project, opened for assertions. */
    record Opened(Store store, Mesh mesh, Crew crew) {
        Tasks tasks() {
            return crew.tasks();
        }
    }

    static Opened open(Path storeFile, Path projectDir) {
        Store store = Store.openSqlite(storeFile);
        LocalMeshApi api = LocalMeshApi.create(store, Project.locate(projectDir));
        return new Opened(store, api.mesh(), api.crew());
    }

    /** Waits up to 30 s for the supervisor {@code serve} (a {@code mesh serve} process) to write its run file. */
    static RunFile awaitRunFile(Path store, Process serve) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            var rf = RunFile.read(store).filter(r -> r.pid() == serve.pid());
            if (rf.isPresent()) {
                return rf.get();
            }
            if (!serve.isAlive()) {
                throw new AssertionError("mesh serve exited " + serve.exitValue() + " before writing its run file");
            }
            Thread.sleep(50);
        }
        throw new AssertionError("mesh serve wrote no run file within 30 s");
    }

    /**
     * @return the executable {@code bin} of the npm package {@code pkg@version}, installed by npm into the test cache
     *     ({@code $MESH_CACHE/npm/NAME-VERSION}, default {@code ~/.cache/agentmesh}) when it is not there yet
     */
    static Path npmTool(String pkg, String version, String bin) throws Exception {
        String cacheEnv = System.getenv("MESH_CACHE");
        Path cache = cacheEnv == null || cacheEnv.isBlank()
                ? Path.of(System.getProperty("user.home"), ".cache", "agentmesh") : Path.of(cacheEnv);
        Path prefix = cache.resolve("npm/" + pkg.substring(pkg.indexOf('/') + 1) + "-" + version);
        Path tool = prefix.resolve("node_modules/.bin/" + bin);
        if (!Files.isExecutable(tool)) {
            Files.createDirectories(prefix);
            Process p = new ProcessBuilder("npm", "install", "--prefix", prefix.toString(), "--save-exact", "--no-audit",
                    "--no-fund", pkg + "@" + version).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(600, TimeUnit.SECONDS) || p.exitValue() != 0 || !Files.isExecutable(tool)) {
                throw new AssertionError("npm install " + pkg + "@" + version + " failed:\n" + out);
            }
        }
        return tool;
    }

    /** A git repository with a supervisor of its own store ({@code bin/mesh serve}); close stops it by pid. */
    record Supervised(Path repo, Path store, Map<String, String> env, Process supervisor) implements AutoCloseable {
        @Override
        public void close() throws InterruptedException {
            stopByPid(supervisor);
        }
    }

    /**
     * @param files paths relative to the repository with their contents, written before anything starts
     * @return {@code tmp/repo} (git init) with a running supervisor of {@code tmp/mesh.db}; env without MESH_SERVE
     */
    static Supervised supervised(Path tmp, Map<String, String> files) throws Exception {
        return supervised(tmp, files, Map.of());
    }

    /** As {@link #supervised(Path, Map)}, the supervisor started with {@code serveEnv} added to its environment. */
    static Supervised supervised(Path tmp, Map<String, String> files, Map<String, String> serveEnv) throws Exception {
        Path repo = Files.createDirectories(tmp.resolve("repo")).toRealPath();
        run(repo, "git", "init", "-q");
        for (var f : files.entrySet()) {
            Files.createDirectories(repo.resolve(f.getKey()).getParent());
            Files.writeString(repo.resolve(f.getKey()), f.getValue());
        }
        Path store = tmp.resolve("mesh.db");
        Map<String, String> env = env(store);
        env.remove("MESH_SERVE");
        Map<String, String> withServe = new java.util.HashMap<>(env);
        withServe.putAll(serveEnv);
        Process supervisor = start(repo, withServe, tmp.resolve("serve.log"), "serve");
        awaitRunFile(store, supervisor);
        return new Supervised(repo, store, env, supervisor);
    }

    /** Stops a process by its pid (SIGTERM, then SIGKILL after 15 s) and waits for it. */
    static void stopByPid(Process p) throws InterruptedException {
        if (p == null) {
            return;
        }
        ProcessHandle h = p.toHandle();
        h.destroy();
        if (!p.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) {
            h.destroyForcibly();
            p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    /**
     * Kills (SIGKILL) every supervisor a test of a store started: the pids in {@code started} and the one its run file
     * names now, waiting up to 10 s for each to be gone.
     */
    static void killSupervisors(Path store, java.util.Collection<Long> started) {
        java.util.Set<Long> pids = new java.util.HashSet<>(started);
        dev.agentmesh.server.RunFile.read(store).ifPresent(rf -> pids.add(rf.pid()));
        for (long pid : pids) {
            ProcessHandle.of(pid).ifPresent(h -> {
                h.destroyForcibly();
                h.onExit().orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).exceptionally(e -> h).join();
            });
        }
    }

    /** A new git repository {@code tmp/repo} (its real path) and the environment of a supervised store {@code tmp/state/mesh.db}. */
    record SupervisedRepo(Path repo, Path store, Map<String, String> env) {
        static SupervisedRepo in(Path tmp) throws Exception {
            Path repo = Files.createDirectories(tmp.resolve("repo")).toRealPath();
            run(repo, "git", "init", "-q");
            Path store = tmp.resolve("state/mesh.db");
            Map<String, String> env = ItSupport.env(store);
            env.remove("MESH_SERVE");
            return new SupervisedRepo(repo, store, env);
        }
    }
}
