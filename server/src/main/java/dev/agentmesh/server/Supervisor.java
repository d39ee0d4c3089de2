package dev.agentmesh.server;

import dev.agentmesh.MeshException;
import dev.agentmesh.api.LocalMeshApi;
import dev.agentmesh.project.Project;
import dev.agentmesh.server.http.ApiRoutes;
import dev.agentmesh.server.tasks.PeriodicTask;
import dev.agentmesh.server.tasks.ReapDeadAgents;
import dev.agentmesh.server.tasks.RecoverCrashedRuns;
import dev.agentmesh.server.tasks.RenewLeases;
import dev.agentmesh.server.tasks.SweepMcpSessions;
import dev.agentmesh.server.mcp.McpEndpoint;
import dev.agentmesh.store.Store;
import io.javalin.Javalin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The resident supervisor of one store ({@code mesh serve}): it serves every project of the store over HTTP on
 * 127.0.0.1 ({@link ApiRoutes}, and MCP at {@code /mcp}: {@link McpEndpoint}), wakes waiters in memory after each of
 * its commits, renews the heartbeat leases of agents with an open connection ({@link Connections}) and runs the
 * housekeeping tasks ({@link ReapDeadAgents}, {@link RenewLeases}, {@link SweepMcpSessions},
 * {@link RecoverCrashedRuns}), and hosts the projects' crew runs ({@link dev.agentmesh.server.crew.CrewJobs}). Every
 * mesh command writes through it; a process with {@code MESH_SERVE=off} writes to the store itself (and those
 * writes wake no stream until the next one through the supervisor). Clients find it through its {@link RunFile}; a
 * lock file beside the store keeps a second supervisor from starting (the kernel releases the lock when this
 * process dies, also on SIGKILL). The store stays the truth: a killed supervisor loses nothing that was
 * acknowledged, and the next one cleans up the agents and tasks its crew runs left.
 *
 * <p>Thread-safe. Create with {@link #tryStart}; {@link #close} stops it.
 */
public final class Supervisor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);

    /**
     * How to run.
     *
     * @param store    the store file (absolute or relative to the working directory)
     * @param port     HTTP port on 127.0.0.1; 0 for a free one
     * @param idleExit stop after this long with no request and no open event stream; null to run until stopped
     * @param version  the agentmesh version, reported in the run file
     */
    public record Options(Path store, int port, Duration idleExit, String version, List<String> selfCommand) {
        /** Options of a supervisor whose command line is unknown: its spawned Claude agents need a supervisor's /mcp. */
        public Options(Path store, int port, Duration idleExit, String version) {
            this(store, port, idleExit, version, List.of());
        }

        /** @throws MeshException (invalid input) for a port out of 0..65535 or a non-positive idle time */
        public Options {
            selfCommand = List.copyOf(selfCommand);
            if (port < 0 || port > 65_535) {
                throw MeshException.invalidInput("port " + port + " is out of range 0..65535");
            }
            if (idleExit != null && (idleExit.isNegative() || idleExit.isZero())) {
                throw MeshException.invalidInput("idle exit " + idleExit.toSeconds() + " s must be positive");
            }
            store = store.toAbsolutePath().normalize();
        }
    }

    private final Options options;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final Store store;
    private final dev.agentmesh.server.crew.CrewJobs crews;
    private final dev.agentmesh.server.agents.AgentHosting agents;
    private final dev.agentmesh.server.team.TeamRunner teams;
    private final Map<String, LocalMeshApi> projects = new ConcurrentHashMap<>();
    /** Dispatches durable jobs and fires schedules (seeds/004); started with the HTTP server. */
    private volatile dev.agentmesh.server.orchestrator.OrchestratorClock clock;
    private final String secret;
    private final Connections connections = new Connections();
    private final AtomicLong lastActivity = new AtomicLong(System.currentTimeMillis());
    private final AtomicLong openStreams = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final ScheduledExecutorService scheduler;
    private Javalin http;
    private McpEndpoint mcp;
    private RunFile runFile;
    private volatile boolean closing;

    private Supervisor(Options options, FileChannel lockChannel, FileLock lock) {
        this.options = options;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.store = Store.openSqlite(options.store());
        this.crews = new dev.agentmesh.server.crew.CrewJobs(options.store(), store.notifier());
        String modelUrl = System.getenv("MESH_MODEL_URL");
        this.agents = new dev.agentmesh.server.agents.AgentHosting(options.store(), store, System.getenv(),
                modelUrl == null || modelUrl.isBlank() ? null : modelUrl, options.selfCommand());
        this.teams = new dev.agentmesh.server.team.TeamRunner(options.store(), store, System.getenv(),
                modelUrl == null || modelUrl.isBlank() ? null : modelUrl, options.selfCommand());
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        this.secret = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("mesh-tasks").unstarted(r));
    }

    /**
     * Starts the supervisor of {@code options.store()} unless one runs already.
     *
     * @return the running supervisor, or empty when another process holds the store's lock (its {@link RunFile}
     *         says where it is)
     * @throws MeshException (unexpected state) if the port is taken or the store cannot be opened
     */
    public static Optional<Supervisor> tryStart(Options options) {
        Path lockPath = RunFile.lockFor(options.store());
        FileChannel ch = null;
        try {
            if (!Files.isDirectory(lockPath.getParent())) {
                Files.createDirectories(lockPath.getParent(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            if (!Files.exists(lockPath)) {
                try {
                    Files.createFile(lockPath, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                } catch (java.nio.file.FileAlreadyExistsException ignored) {
                    // another supervisor is starting: the lock decides
                }
            }
            ch = FileChannel.open(lockPath, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                ch.close();
                return Optional.empty();
            }
            Supervisor s;
            try {
                s = new Supervisor(options, ch, lock);
            } catch (RuntimeException e) {
                lock.release();
                ch.close();
                throw e;
            }
            try {
                s.startHttp();
            } catch (RuntimeException e) {
                s.close();
                throw e;
            }
            return Optional.of(s);
        } catch (IOException e) {
            closeQuietly(ch);
            throw MeshException.unexpectedState("cannot lock " + lockPath + ": " + e.getMessage(), e);
        }
    }

    private void startHttp() {
        this.mcp = new McpEndpoint(this, options.version());
        ApiRoutes routes = new ApiRoutes(this, mcp);
        Javalin app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.concurrency.useVirtualThreads = true;
            routes.register(config);
        });
        try {
            app.start("127.0.0.1", options.port());
        } catch (RuntimeException e) {
            throw MeshException.unexpectedState("cannot serve on 127.0.0.1:" + options.port() + ": "
                    + (options.port() != 0 ? "the port is in use; choose another port, or 0 for a free one" : e.getMessage()), e);
        }
        this.http = app;
        this.runFile = new RunFile(ProcessHandle.current().pid(), app.port(), secret, options.store().toString(),
                System.currentTimeMillis(), options.version());
        runFile.write(options.store());
        agents.adoptAfterRestart();
        teams.adoptAfterRestart(this::project);
        this.clock = new dev.agentmesh.server.orchestrator.OrchestratorClock(store);
        for (PeriodicTask task : List.<PeriodicTask>of(new ReapDeadAgents(this), new RenewLeases(this), new SweepMcpSessions(mcp),
                new RecoverCrashedRuns(this))) {
            scheduler.scheduleWithFixedDelay(() -> runTask(task), task.initialDelay().toMillis(), task.period().toMillis(),
                    TimeUnit.MILLISECONDS);
        }
        if (options.idleExit() != null) {
            scheduler.scheduleWithFixedDelay(this::exitWhenIdle, 1, 1, TimeUnit.SECONDS);
        }
        LOG.info("supervising {} on {} (pid {})", options.store(), runFile.url(), runFile.pid());
    }

    private void runTask(PeriodicTask task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.warn("{} failed: {}", task.name(), e.toString());
        }
    }

    private void exitWhenIdle() {
        long idleMs = System.currentTimeMillis() - lastActivity.get();
        if (openStreams.get() == 0 && !crews.anyRunning() && !agents.anyRunning() && !teams.anyRunning() && idleMs > options.idleExit().toMillis()
                && !dev.agentmesh.orchestrator.Dispatcher.anyPending(store)) { // a job or schedule pending keeps it up
            LOG.info("no request for {} s: stopping", idleMs / 1000);
            Thread.ofPlatform().name("mesh-idle-stop").start(this::close);
        }
    }

    /** @return where it runs: pid, port, secret */
    public RunFile runFile() {
        return runFile;
    }

    /** @return the crew runs it hosts ({@code mesh crew run}) */
    public dev.agentmesh.server.crew.CrewJobs crews() {
        return crews;
    }

    /** @return the store it supervises */
    public Store store() {
        return store;
    }

    /**
     * @param root an absolute project root, as the client resolved it
     * @return the services of that project, created on first use
     * @throws MeshException (invalid input) if {@code root} is not an absolute path of an existing folder
     */
    public LocalMeshApi project(String root) {
        if (root == null || root.isBlank() || root.indexOf('\0') >= 0 || !Path.of(root).isAbsolute()) {
            throw MeshException.invalidInput("project '" + (root == null ? "" : root) + "' must be an absolute folder path");
        }
        return projects.computeIfAbsent(root, r -> {
            Path p = Path.of(r);
            if (!Files.isDirectory(p)) {
                throw MeshException.invalidInput("project folder " + r + " does not exist");
            }
            LocalMeshApi api = LocalMeshApi.create(store, Project.locate(p));
            api.agentHost(agents.forProject(api));
            api.teamHost(teams.forProject(api));
            return api;
        });
    }

    /** @return the open connections of agents, whose heartbeat leases it renews */
    public Connections connections() {
        return connections;
    }

    /** @return the secret a request must carry as {@code Authorization: Bearer SECRET} */
    public String secret() {
        return secret;
    }

    /** Records a request, for the idle exit and {@link #requests}. */
    public void touch() {
        lastActivity.set(System.currentTimeMillis());
        requests.incrementAndGet();
    }

    /** @return how many action calls and event streams it has served since it started */
    public long requests() {
        return requests.get();
    }

    /** Counts an event stream open or closed ({@code +1}/{@code -1}); open streams keep it from idling out. */
    public void streams(int delta) {
        openStreams.addAndGet(delta);
        lastActivity.set(System.currentTimeMillis());
        if (delta > 0) {
            requests.incrementAndGet();
        }
    }

    /** Blocks until the supervisor stops ({@link #close}, idle exit). */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    /** Stops serving, deletes the run file, closes the store and releases the lock; idempotent. */
    @Override
    public synchronized void close() {
        if (closing) {
            return;
        }
        closing = true;
        // a crew's agents are stopped and their tasks put back to todo while the store is still open
        crews.stopAll(java.time.Duration.ofSeconds(25));
        agents.close();
        teams.close();
        if (clock != null) {
            clock.close();
        }
        scheduler.shutdownNow();
        if (http != null) {
            try {
                http.stop();
            } catch (RuntimeException e) {
                LOG.warn("stopping HTTP: {}", e.toString());
            }
        }
        if (mcp != null) {
            mcp.close();
        }
        if (runFile != null) {
            runFile.delete(options.store());
        }
        store.close();
        try {
            lock.release();
        } catch (IOException ignored) {
            // the channel closes below, which releases it too
        }
        closeQuietly(lockChannel);
        stopped.countDown();
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }
}
