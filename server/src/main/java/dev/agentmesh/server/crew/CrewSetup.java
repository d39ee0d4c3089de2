package dev.agentmesh.server.crew;

import dev.agentmesh.MeshException;
import dev.agentmesh.api.LocalMeshApi;
import dev.agentmesh.crew.CrewRunner;
import dev.agentmesh.crew.Task;
import dev.agentmesh.crew.TaskFormat;
import dev.agentmesh.mesh.Mesh;
import dev.agentmesh.runtimes.ProcessGroups;
import dev.agentmesh.runtime.AgentRuntime;
import dev.agentmesh.Texts;

import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Wires a crew run: checks its inputs, finds (or installs) the runtimes its roles run on (pi, Claude Code), points
 * them at the model and the mesh, runs it as the child
 * subreaper of its agents, and stops it cleanly when this JVM is asked to exit (Ctrl-C of {@code mesh crew run}
 * with {@code MESH_SERVE=off}, a {@code mesh serve --stop}). Used by the supervisor ({@link CrewJobs}) and by
 * the CLI when it runs the crew in its own process. Static; each run is independent.
 */
public final class CrewSetup {
    private CrewSetup() {
    }

    /**
     * Prepares a crew run on {@code local}'s project: everything that can fail before an agent starts.
     *
     * @param store       the store file, whose supervisor a final clean-up spares
     * @param modelUrl    an OpenAI-compatible endpoint (e.g. the scripted model server), or null for pi's own config
     * @param processEnv  the environment the agents get, below the mesh's own variables (the caller's: its PATH
     *                    finds pi, its provider keys reach the model)
     * @param selfCommand the command line of {@code mesh} (bin/mesh), for the agents' extension
     * @param out         receives progress lines for a person
     * @return the runner, not started
     * @throws MeshException for a missing PRD or git repository, an unreachable model server, pi not installable
     */
    public static CrewRunner prepare(java.nio.file.Path store, LocalMeshApi local, CrewRunner.Settings settings, String modelUrl,
                                     Map<String, String> processEnv, List<String> selfCommand, java.util.function.Consumer<String> out) {
        Mesh mesh = local.mesh();
        CrewRunner.checkInputs(mesh, settings.prd());
        mesh.project().ensureMeshDir();
        if (modelUrl != null) {
            checkReachable(modelUrl);
        }
        Map<String, AgentRuntime> runtimes = new java.util.HashMap<>();
        for (String role : CrewRunner.Settings.ROLES) {
            String name = CrewRunner.runtimeOf(settings, role);
            if (!runtimes.containsKey(name)) {
                runtimes.put(name, dev.agentmesh.server.RuntimeFactory.create(name, store, mesh, modelUrl, processEnv, selfCommand,
                        line -> out.accept("crew: " + line), false));
            }
        }
        return new CrewRunner(mesh, local.crew(), runtimes::get, settings, line -> {
            synchronized (out) {
                out.accept(line);
            }
        });
    }

    /**
     * Runs a prepared crew to its end. Until then a JVM shutdown stops its agents and puts their tasks back to
     * todo first.
     *
     * @param reapAll asked at the end of the run (and at a JVM shutdown): whether every process left under this
     *                one is killed (the agents' detached descendants, re-parented here); true only while no other
     *                run of this process has agents
     * @return the summary
     * @throws MeshException as {@link CrewRunner#run} throws
     */
    public static CrewRunner.Summary run(CrewRunner runner, java.nio.file.Path store, java.util.function.BooleanSupplier reapAll,
                                         java.util.function.Consumer<String> out) {
        Thread hook = new Thread(() -> {
            out.accept("crew: interrupted; stopping the agents and putting their tasks back to todo ...");
            runner.interrupt(Duration.ofSeconds(20));
            if (reapAll.getAsBoolean()) {
                reapOrphans(store);
            }
        }, "crew-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
        // every process an agent detaches is re-parented to this one, so none outlives the run (issue 5, part 6)
        ProcessGroups.becomeSubreaper();
        try {
            return runner.run();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
                if (reapAll.getAsBoolean()) {
                    reapOrphans(store);
                }
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook is running
            }
        }
    }

    /** Kills what is left of the agents' trees; a supervisor an agent started for the store is spared. */
    private static void reapOrphans(java.nio.file.Path store) {
        long supervisor = dev.agentmesh.server.RunFile.read(store).map(dev.agentmesh.server.RunFile::pid).orElse(-1L);
        ProcessGroups.killDescendants(h -> h.pid() == supervisor || h.pid() == ProcessHandle.current().pid());
    }

    /** @throws MeshException (unexpected state) unless {@code baseUrl}/models answers within 5 s */
    public static void checkReachable(String baseUrl) {
        URI uri;
        try {
            uri = URI.create(baseUrl.replaceAll("/+$", "") + "/models");
            if (uri.getScheme() == null || !uri.getScheme().startsWith("http")) {
                throw new IllegalArgumentException("not an http URL");
            }
        } catch (IllegalArgumentException e) {
            throw MeshException.invalidInput("model URL '" + baseUrl + "' is not an http(s) URL");
        }
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
            if (r.statusCode() >= 500) {
                throw MeshException.unexpectedState("model server " + baseUrl + " answered HTTP " + r.statusCode());
            }
        } catch (MeshException e) {
            throw e;
        } catch (Exception e) {
            String why = e instanceof java.net.ConnectException ? "connection refused"
                    : e instanceof java.net.http.HttpTimeoutException ? "no answer within 5 s"
                    : e.getMessage() == null ? "the connection failed" : e.getMessage();
            throw MeshException.unexpectedState("model server " + baseUrl + " is not reachable: " + why);
        }
    }

    /** @return the end-of-run summary for a person: tasks with verdicts, agents, waves and where the time went */
    public static String summaryText(CrewRunner.Summary s) {
        java.io.StringWriter text = new java.io.StringWriter();
        PrintWriter out = new PrintWriter(text);
        out.println();
        out.println("crew " + s.status() + ": " + s.tasks().stream().filter(t -> t.status() == Task.Status.DONE
                && t.verdict() != null && t.verdict().name().equals("SHIP")).count() + "/" + s.tasks().size() + " tasks SHIP");
        for (Task t : s.tasks()) {
            out.println("  " + TaskFormat.line(t));
        }
        out.println("  agents (" + s.agents().size() + "): " + String.join(", ", s.agents()));
        out.printf(java.util.Locale.ROOT, "  waves %d; wall %.1fs = planning %.1fs + waves %.1fs (agent time: workers %.1fs, reviewers %.1fs)%n",
                s.waves(), s.wallMs() / 1000.0, s.planningMs() / 1000.0, s.wavesMs() / 1000.0, s.workMs() / 1000.0,
                s.reviewMs() / 1000.0);
        out.flush();
        return text.toString();
    }
}
