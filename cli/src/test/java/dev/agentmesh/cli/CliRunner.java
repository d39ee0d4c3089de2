package dev.agentmesh.cli;

import dev.agentmesh.crew.Plan;
import dev.agentmesh.crew.Task;
import dev.agentmesh.crew.TaskSpec;
import dev.agentmesh.crew.Tasks;
import dev.agentmesh.mesh.Agent;
import dev.agentmesh.mesh.FeedEvent;
import dev.agentmesh.mesh.Mesh;
import dev.agentmesh.mesh.Message;
import dev.agentmesh.mesh.Reservation;
import dev.agentmesh.project.Project;
import dev.agentmesh.api.LocalMeshApi;
import dev.agentmesh.server.Supervisor;
import dev.agentmesh.store.Store;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Runs {@code mesh} commands in-process, as a user would in a shell: in a git project of its own under a
 * temporary folder, with its own {@code HOME} and store ({@code MESH_STORE}), capturing exit code, stdout and
 * stderr. Also opens the store directly, to check what a command left in it.
 */
final class CliRunner implements AutoCloseable {
    /** What one command did. */
    record Result(int code, String out, String err) {
        /** @return stderr split into lines, without empty trailing ones */
        List<String> errLines() {
            return err.lines().toList();
        }
    }

    /** Everything the store holds for the project, to compare before and after a command. */
    record Snapshot(List<Agent> agents, Map<String, List<Message>> inboxes, List<Reservation> reservations,
                    List<Task> tasks, List<FeedEvent> feed) {
    }

    final Path home;
    final Path root;
    final Path store;
    private final Map<String, String> env = new HashMap<>();

    private CliRunner(Path tmp) throws IOException {
        Path base = Files.createDirectories(tmp).toRealPath();
        this.home = Files.createDirectories(base.resolve("home"));
        this.root = Files.createDirectories(base.resolve("repo"));
        Files.createDirectories(root.resolve(".git"));
        Files.writeString(root.resolve(".git/HEAD"), "ref: refs/heads/main\n");
        Files.createDirectories(root.resolve("src"));
        Files.writeString(root.resolve("src/a.js"), "a");
        this.store = base.resolve("mesh.db");
        env.put("HOME", home.toString());
        env.put("MESH_STORE", store.toString());
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("MESH_SERVE", "off");
    }

    private Supervisor supervisor;

    /**
     * Makes later commands go through a real supervisor of this store (HTTP on 127.0.0.1), run inside the test
     * process so the test stops it; {@link #close} stops it.
     */
    CliRunner served() {
        supervisor = Supervisor.tryStart(new Supervisor.Options(store, 0, null, "test")).orElseThrow();
        env.remove("MESH_SERVE");
        return this;
    }

    /** @return the action calls and streams the supervisor of {@link #served} answered, or -1 without one */
    long servedRequests() {
        return supervisor == null ? -1 : supervisor.requests();
    }

    /** Stops the supervisor of {@link #served}, if any. */
    @Override
    public void close() {
        if (supervisor != null) {
            supervisor.close();
            supervisor = null;
        }
    }

    /** @return a runner whose project is {@code <tmp>/repo} (a git repository with {@code src/a.js}) */
    static CliRunner inGitProject(Path tmp) throws IOException {
        return new CliRunner(tmp);
    }

    /** Sets (or with null, removes) an environment variable of later commands. */
    CliRunner env(String name, String value) {
        if (value == null) {
            env.remove(name);
        } else {
            env.put(name, value);
        }
        return this;
    }

    /** Runs {@code mesh args...} in the project root. */
    Result run(String... args) {
        return runIn(root, args);
    }

    /** Runs {@code mesh args...} in {@code cwd}. */
    Result runIn(Path cwd, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Cli.reset(Map.copyOf(env), cwd);
        int code = MeshCommand.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    /** Runs {@code mesh args...} in the project root with every action answered by {@code api} instead of the mesh's. */
    Result runWith(dev.agentmesh.api.MeshApi api, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Cli.reset(Map.copyOf(env), root);
        Cli.api(api);
        int code = MeshCommand.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    /** Runs a command that must succeed, and returns its stdout. */
    String ok(String... args) {
        Result r = run(args);
        if (r.code() != 0) {
            throw new AssertionError("mesh " + String.join(" ", args) + " exited " + r.code() + ": " + r.err());
        }
        return r.out();
    }

    /** Opens the store directly and applies {@code query} to the project's mesh. */
    <T> T inStore(Function<LocalMeshApi, T> query) {
        try (Store s = Store.openSqlite(store)) {
            return query.apply(LocalMeshApi.create(s, Project.locate(root)));
        }
    }

    /** Stores a plan of todo tasks, as a planner would. */
    void plan(TaskSpec... specs) {
        inStore(m -> m.crew().tasks().replacePlan(Plan.validate(List.of(specs))));
    }

    /** @return what the store holds now: agents (also those who left), unread inboxes (peeked), leases, tasks, feed */
    Snapshot snapshot() {
        return inStore(api -> {
            Mesh m = api.mesh();
            List<Agent> agents = m.presence().list(true);
            Map<String, List<Message>> inboxes = new LinkedHashMap<>();
            for (Agent a : agents) {
                inboxes.put(a.name(), m.messenger().inbox(a.name(), 1000, true));
            }
            return new Snapshot(agents, inboxes, m.reservations().list(),
                    api.crew().tasks().list(), m.feed().latest(1000));
        });
    }
}
