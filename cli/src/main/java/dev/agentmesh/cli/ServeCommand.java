package dev.agentmesh.cli;

import dev.agentmesh.MeshException;
import dev.agentmesh.api.Json;
import dev.agentmesh.cli.client.SupervisorClient;
import dev.agentmesh.server.RunFile;
import dev.agentmesh.server.Supervisor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code mesh serve}: runs the supervisor of the store in the foreground (logs on stderr) until stopped, or
 * tells about ({@code --status}) or stops ({@code --stop}) the one that runs. A second {@code mesh serve} for
 * the same store exits 0 saying which one runs.
 */
@Command(name = "serve", description = {"Run the supervisor of the store: the mesh's resident process (HTTP on 127.0.0.1).",
        "Clients start one detached when they need it; mesh serve runs it in the foreground.",
        "Exit 0 when it stopped (or one runs already), 3 when --status finds none."})
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--port", paramLabel = "N", defaultValue = "0", description = "HTTP port on 127.0.0.1 (default: a free one).")
    int port;
    @Option(names = "--idle-exit", paramLabel = "SECONDS", description = "Stop after this long with no request and no open event stream.")
    Integer idleExit;
    @Option(names = "--status", description = "Tell whether a supervisor runs for the store, and where.")
    boolean status;
    @Option(names = "--stop", description = "Stop the supervisor of the store (SIGTERM, then up to 10 s).")
    boolean stop;
    @Mixin
    Options.Json json;

    @Override
    public Integer call() throws InterruptedException {
        Path store = Cli.meshEnv().storePath();
        if (status && stop) {
            throw MeshException.invalidInput("give --status or --stop, not both");
        }
        if (status) {
            Optional<RunFile> rf = SupervisorClient.find(store, Cli.meshEnv().project().root()).map(r -> r.server());
            if (rf.isEmpty()) {
                throw MeshException.unexpectedState("no supervisor runs for " + store + " (mesh serve starts one)");
            }
            print(rf.get(), "running");
            return 0;
        }
        if (stop) {
            return stop(store);
        }
        Supervisor.Options options = new Supervisor.Options(store, port, idleExit == null ? null : Duration.ofSeconds(idleExit),
                MeshCommand.version(), Cli.selfCommand());
        Optional<Supervisor> started = Supervisor.tryStart(options);
        if (started.isEmpty()) {
            RunFile other = awaitRunFile(store);
            Cli.err().println("mesh serve: a supervisor already runs for " + store
                    + (other == null ? "" : " (pid " + other.pid() + ", " + other.url() + ")"));
            return 0;
        }
        Supervisor s = started.get();
        Thread hook = new Thread(s::close, "mesh-serve-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        Cli.err().println("mesh serve: supervising " + store + " on " + s.runFile().url() + " (pid " + s.runFile().pid()
                + "); Ctrl-C stops it");
        Cli.err().flush();
        s.awaitStop();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // shutting down: the hook is running
        }
        return 0;
    }

    private int stop(Path store) throws InterruptedException {
        // only a supervisor that answers with the run file's secret is signalled: a pid reused since is left alone
        Optional<RunFile> rf = SupervisorClient.find(store, Cli.meshEnv().project().root()).map(r -> r.server());
        if (rf.isEmpty()) {
            Cli.out().println("no supervisor runs for " + store);
            return 0;
        }
        ProcessHandle h = ProcessHandle.of(rf.get().pid()).orElseThrow();
        h.destroy();
        long deadline = System.currentTimeMillis() + 10_000;
        while (h.isAlive() && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        if (h.isAlive()) {
            throw MeshException.unexpectedState("the supervisor (pid " + rf.get().pid() + ") did not stop within 10 s");
        }
        print(rf.get(), "stopped");
        return 0;
    }

    private void print(RunFile rf, String state) {
        var data = Json.MAPPER.createObjectNode().put("state", state).put("pid", rf.pid()).put("url", rf.url())
                .put("store", rf.store()).put("startedAt", rf.startedAt()).put("version", rf.version());
        Cli.print(Cli.out(), json.json, state + ": pid " + rf.pid() + ", " + rf.url() + ", store " + rf.store()
                + (state.equals("running") ? ", since " + dev.agentmesh.Texts.clock(rf.startedAt()) : ""), data);
    }

    /** The winner of a simultaneous start writes its run file once its port is open: wait briefly for it. */
    private static RunFile awaitRunFile(Path store) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            Optional<RunFile> rf = RunFile.read(store).filter(RunFile::alive);
            if (rf.isPresent()) {
                return rf.get();
            }
            Thread.sleep(50);
        }
        return null;
    }
}
