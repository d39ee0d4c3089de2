package dev.agentmesh.cli;

import dev.agentmesh.MeshException;
import dev.agentmesh.api.LocalMeshApi;
import dev.agentmesh.api.PiMessengerSchema;
import dev.agentmesh.crew.CrewRunner;
import dev.agentmesh.crew.Task;
import dev.agentmesh.crew.TaskFormat;
import dev.agentmesh.mesh.Mesh;
import dev.agentmesh.project.MeshEnv;
import dev.agentmesh.runtime.ProcessGroups;
import dev.agentmesh.runtime.pi.PiRuntime;
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

/** Wires a crew run: checks inputs, finds pi, points it at the model, runs, and stops cleanly on Ctrl-C. */
final class CrewSetup {
    private CrewSetup() {
    }

    /**
     * Runs a crew on {@code mesh}'s project.
     *
     * @param modelUrl an OpenAI-compatible endpoint (e.g. the scripted model server) or null for pi's own config
     * @return the summary
     * @throws MeshException for a missing PRD, an unreachable model server, pi not installable, a bad plan
     */
    static CrewRunner.Summary run(MeshEnv env, LocalMeshApi local, CrewRunner.Settings settings, String modelUrl,
                                  Map<String, String> processEnv, PrintWriter out) {
        Mesh mesh = local.mesh();
        CrewRunner.checkInputs(mesh, settings.prd());
        mesh.project().ensureMeshDir();
        if (modelUrl != null) {
            checkReachable(modelUrl);
        }
        var pi = PiRuntime.locateOrInstall(processEnv, line -> {
            out.println("crew: " + line);
            out.flush();
        });
        java.nio.file.Path agentDir = modelUrl == null ? null
                : PiRuntime.writeLocalModelConfig(mesh.project().meshDir().resolve("pi-agent"), modelUrl);
        PiRuntime runtime = PiRuntime.create(pi, agentDir, mesh.project().meshDir().resolve("pi"), PiMessengerSchema.descriptor(), Map.of(
                "MESH_CMD", Cli.JSON.writeValueAsString(Cli.selfCommand()),
                "MESH_STORE", env.storePath().toString(),
                "MESH_PROJECT", mesh.project().root().toString()));
        CrewRunner runner = new CrewRunner(mesh, local.crew(), runtime, settings, line -> {
            synchronized (out) {
                out.println(line);
                out.flush();
            }
        });
        Thread hook = new Thread(() -> {
            out.println("crew: interrupted; stopping the agents and putting their tasks back to todo ...");
            out.flush();
            runner.interrupt(Duration.ofSeconds(20));
            reapOrphans(env.storePath());
        }, "crew-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
        // every process an agent detaches is re-parented to this one, so none outlives the run (issue 5, part 6)
        ProcessGroups.becomeSubreaper();
        try {
            return runner.run();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
                reapOrphans(env.storePath());
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook is running
            }
        }
    }

    /** Kills what is left of the agents' trees; a supervisor an agent started for the store is spared. */
    private static void reapOrphans(java.nio.file.Path store) {
        long supervisor = dev.agentmesh.server.RunFile.read(store).map(dev.agentmesh.server.RunFile::pid).orElse(-1L);
        ProcessGroups.killDescendants(h -> h.pid() == supervisor);
    }

    /** @throws MeshException (unexpected state) unless {@code baseUrl}/models answers within 5 s */
    static void checkReachable(String baseUrl) {
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

    /** Prints the end-of-run summary: tasks with verdicts, agents, waves and where the time went. */
    static void printSummary(PrintWriter out, CrewRunner.Summary s) {
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
    }
}
