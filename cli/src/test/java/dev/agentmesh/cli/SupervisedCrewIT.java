package dev.agentmesh.cli;

import dev.agentmesh.crew.Task;
import dev.agentmesh.crew.Verdict;
import dev.agentmesh.model.Script;
import dev.agentmesh.model.ScriptedModelServer;
import dev.agentmesh.server.RunFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code mesh crew run} inside the supervisor (issue 5, part 6), with real pi agents and the scripted model server:
 * a CLI killed outright leaves the run going and a second {@code mesh crew run} follows it; Ctrl-C of the CLI
 * stops the run in the supervisor; a supervisor SIGKILLed in the middle of a run leaves no agent running and no
 * task in progress once the next supervisor is up, and a later run finishes the work.
 */
class SupervisedCrewIT {
    private static final String SLOW_WORKER = "rules:\n" + CrewScripts.ONE_TASK_PLAN + CrewScripts.SLOW_WORKER;
    private static final String GOOD_WORKER = "rules:\n" + CrewScripts.ONE_TASK_PLAN + CrewScripts.HELLO_WORKER;

    @TempDir
    Path tmp;
    private Path repo;
    private Path store;
    private Map<String, String> env;
    private final Set<Long> supervisors = ConcurrentHashMap.newKeySet();

    @BeforeEach
    void repo() throws Exception {
        repo = Files.createDirectories(tmp.resolve("repo"));
        Files.writeString(repo.resolve("PRD.md"), "# Greeting\nWrite hello.txt.\n");
        Files.writeString(repo.resolve(".gitignore"), ".mesh/\n");
        ItSupport.commitAll(repo);
        store = tmp.resolve("state/mesh.db");
        env = ItSupport.env(store);
        env.remove("MESH_SERVE");
    }

    @AfterEach
    void stopSupervisors() {
        ItSupport.killSupervisors(store, supervisors);
    }

    @Test
    void aKilledCliLeavesTheRunGoingASecondRunFollowsItAndCtrlCStopsIt() throws Exception {
        try (ScriptedModelServer server = ScriptedModelServer.start(Script.parse(SLOW_WORKER, "slow"), 0)) {
            Process first = ItSupport.start(repo, env, tmp.resolve("first.txt"), "crew", "run", "--prd", "PRD.md",
                    "--model-url", server.baseUrl());
            var s = ItSupport.open(store, repo);
            awaitWorking(s);
            long supervisor = RunFile.read(store).orElseThrow().pid();
            supervisors.add(supervisor);
            assertThat(s.crew().runs().latest().orElseThrow().pid()).as("the run is the supervisor's").isEqualTo(supervisor);

            first.destroyForcibly();
            first.waitFor(10, TimeUnit.SECONDS);
            Thread.sleep(3_000);
            assertThat(s.tasks().show("task-1").status()).as("the run goes on without its CLI").isEqualTo(Task.Status.IN_PROGRESS);
            assertThat(ItSupport.processesIn(repo)).as("its worker still works").isNotEmpty();

            Path secondLog = tmp.resolve("second.txt");
            Process second = ItSupport.start(repo, env, secondLog, "crew", "run", "--prd", "PRD.md", "--model-url", server.baseUrl());
            try {
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() ->
                        Files.readString(secondLog).contains("task-1  worker"));
                assertThat(Files.readString(secondLog)).contains("crew: a run of this project is going on in the supervisor")
                        .as("it shows the run from its first line").contains("crew: planning PRD.md");

                new ProcessBuilder("kill", "-INT", String.valueOf(second.pid())).start().waitFor();
                assertThat(second.waitFor(60, TimeUnit.SECONDS)).as("the CLI stops after Ctrl-C").isTrue();
                assertThat(Files.readString(secondLog)).contains("interrupted; stopping the agents");
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
                        s.crew().runs().latest().orElseThrow().endedAt() != null);
                assertThat(s.crew().runs().latest().orElseThrow().status()).isEqualTo("interrupted");
                assertThat(ItSupport.processesIn(repo)).as("no orphan process").isEmpty();
                assertThat(s.tasks().show("task-1").status()).isEqualTo(Task.Status.TODO);
                assertThat(s.mesh().reservations().list()).isEmpty();
                assertThat(ProcessHandle.of(supervisor).map(ProcessHandle::isAlive)).as("the supervisor stays").contains(true);
            } finally {
                second.destroyForcibly();
            }
        }
        finishes();
    }

    @Test
    void aSupervisorKilledInARunLeavesNoAgentRunningAndNoTaskInProgressOnceTheNextIsUp() throws Exception {
        try (ScriptedModelServer server = ScriptedModelServer.start(Script.parse(SLOW_WORKER, "slow"), 0)) {
            Path log = tmp.resolve("run.txt");
            Process run = ItSupport.start(repo, env, log, "crew", "run", "--prd", "PRD.md", "--model-url", server.baseUrl());
            var s = ItSupport.open(store, repo);
            awaitWorking(s);
            long killed = RunFile.read(store).orElseThrow().pid();
            supervisors.add(killed);

            assertThat(ItSupport.processesIn(repo)).as("a pi worker runs").isNotEmpty();
            ProcessHandle.of(killed).orElseThrow().destroyForcibly();
            assertThat(run.waitFor(60, TimeUnit.SECONDS)).as("the CLI ends with its supervisor").isTrue();
            assertThat(run.exitValue()).isEqualTo(3);
            assertThat(Files.readString(log)).contains("stopped before the run ended");
            // the killed supervisor's agents outlive it; any command brings the next supervisor up (the worker's own
            // extension may have done so already), which cleans up at once

            assertThat(ItSupport.mesh(repo, env, Duration.ofSeconds(60), "crew", "status").exitCode()).isZero();
            supervisors.add(RunFile.read(store).orElseThrow().pid());
            try {
                await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() ->
                        ItSupport.processesIn(repo).isEmpty() && s.tasks().show("task-1").status() == Task.Status.TODO);
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError("after the restart: processes " + ItSupport.processesIn(repo) + ", task-1 "
                        + s.tasks().show("task-1").status() + "; supervisor log:\n" + Files.readString(RunFile.logFor(store)), e);
            }
            assertThat(s.crew().runs().latest().orElseThrow().status()).isEqualTo("interrupted");
        }
        finishes();
    }

    @Test
    void badCrewRequestsGetOneLineErrorsAndTheSupervisorStays() throws Exception {
        ItSupport.Result missing = ItSupport.mesh(repo, env, Duration.ofSeconds(90), "crew", "run", "--prd", "NOPE.md",
                "--model-url", "http://127.0.0.1:9/v1");
        assertThat(missing.exitCode()).as(missing.toString()).isEqualTo(2);
        assertThat(missing.err()).startsWith("mesh: PRD file /").endsWith("/NOPE.md does not exist\n").hasLineCount(1);
        RunFile rf = RunFile.read(store).orElseThrow();
        supervisors.add(rf.pid());
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        String root = repo.toRealPath().toString();
        String good = "\"project\":\"" + root + "\",\"prd\":\"" + root + "/PRD.md\",\"maxAttemptsPerTask\":1,"
                + "\"reviewMaxIterations\":1,\"maxWaves\":1,\"timeoutSeconds\":60,\"selfCommand\":[\"mesh\"]";
        Map<String, String> refused = Map.of(
                "{" + good + ",\"concurrency\":0}", "concurrency 0 is out of range 1..10",
                "{" + good + ",\"concurrency\":\"two\"}", "concurrency must be an integer, not \"two\"",
                "{" + good.replace(root + "/PRD.md", "PRD.md") + ",\"concurrency\":1}", "prd must be an absolute path, not PRD.md",
                "{" + good + ",\"concurrency\":1,\"env\":{\"A\":1}}", "env.A must be a string",
                "{\"prd\":\"/x\"}", "the request needs 'project'",
                "[1]", "must be a JSON object");
        for (var e : refused.entrySet()) {
            var r = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(rf.url() + "/api/v1/crew/run"))
                    .header("Authorization", "Bearer " + rf.secret()).POST(java.net.http.HttpRequest.BodyPublishers.ofString(e.getKey()))
                    .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(e.getKey() + " -> " + r.body()).isEqualTo(400);
            assertThat(dev.agentmesh.api.Json.MAPPER.readTree(r.body()).path("error").path("message").asString())
                    .as(e.getKey()).contains(e.getValue());
        }
        var stop = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(rf.url() + "/api/v1/crew/stop"))
                .header("Authorization", "Bearer " + rf.secret())
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"project\":\"" + root + "\"}")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(stop.body()).isEqualTo("{\"stopping\":false}");
        assertThat(rf.alive()).isTrue();
        assertThat(ItSupport.mesh(repo, env, Duration.ofSeconds(60), "crew", "status").exitCode()).isZero();
    }

    /** Waits until the slow worker holds task-1 and its reservation. */
    private static void awaitWorking(ItSupport.Opened s) {
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(300)).until(() ->
                !s.tasks().list().isEmpty() && s.tasks().show("task-1").status() == Task.Status.IN_PROGRESS
                        && !s.mesh().reservations().list().isEmpty());
    }

    /** A run with a worker that does the task finishes the plan in the store; the interrupted attempt does not count. */
    private void finishes() throws Exception {
        try (ScriptedModelServer server = ScriptedModelServer.start(Script.parse(GOOD_WORKER, "good"), 0)) {
            ItSupport.Result r = ItSupport.mesh(repo, env, Duration.ofMinutes(5), "crew", "run", "--prd", "PRD.md",
                    "--model-url", server.baseUrl());
            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(r.out()).contains("continuing the plan in the store").contains("crew done: 1/1 tasks SHIP");
        }
        var s = ItSupport.open(store, repo);
        assertThat(s.tasks().show("task-1").verdict()).isEqualTo(Verdict.SHIP);
        assertThat(s.tasks().show("task-1").attempts()).as("the interrupted attempt does not count").isEqualTo(1);
        assertThat(Files.readString(repo.resolve("hello.txt"))).isEqualTo("hello\n");
    }
}
