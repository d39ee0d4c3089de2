package dev.agentmesh.cli;

import dev.agentmesh.crew.Review;
import dev.agentmesh.crew.Task;
import dev.agentmesh.crew.Verdict;
import dev.agentmesh.model.Script;
import dev.agentmesh.model.ScriptedModelServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Crew runs with real pi agents on a small repository, each scenario scripted through the scripted model
 * server: review cycles, workers that stop without task.done, MAJOR_RETHINK, a cyclic plan, and an interrupted
 * run that a second run finishes.
 */
class CrewScenariosIT {
    private static final String ONE_TASK_PLAN = CrewScripts.ONE_TASK_PLAN;

    @TempDir
    Path tmp;
    Path repo;
    Path store;

    @BeforeEach
    void repo() throws Exception {
        repo = Files.createDirectories(tmp.resolve("repo"));
        Files.writeString(repo.resolve("PRD.md"), "# Greeting\nWrite hello.txt.\n");
        Files.writeString(repo.resolve(".gitignore"), ".mesh/\n");
        ItSupport.commitAll(repo);
        store = tmp.resolve("mesh.db");
    }

    private ItSupport.Result crew(String script) throws Exception {
        try (ScriptedModelServer server = ScriptedModelServer.start(Script.parse(script, "scenario"), 0)) {
            return ItSupport.mesh(repo, ItSupport.env(store), Duration.ofMinutes(5),
                    "crew", "run", "--prd", "PRD.md", "--model-url", server.baseUrl());
        }
    }

    @Test
    void aReviewerSeesOnlyTheFilesItsTasksWorkerEdited() throws Exception {
        String script = """
                rules:
                  - match: "[crew planner]"
                    steps:
                      - text: |
                          ```tasks-json
                          [{"id": "task-1", "title": "Write one", "description": "one.txt", "dependsOn": []},
                           {"id": "task-2", "title": "Write two", "description": "two.txt", "dependsOn": []}]
                          ```
                  - match: "[crew worker] task-1:"
                    steps:
                      - tool: bash
                        args: {command: "sleep 4"}
                      - tool: write
                        args: {path: one.txt, content: "one\\n"}
                      - tool: pi_messenger
                        args: {action: task.done, id: task-1, summary: "wrote one"}
                      - text: done
                  - match: "[crew worker] task-2:"
                    steps:
                      - tool: write
                        args: {path: two.txt, content: "two from task 2\\n"}
                      - tool: pi_messenger
                        args: {action: task.done, id: task-2, summary: "wrote two"}
                      - text: done
                  - match: "[crew reviewer]"
                    steps:
                      - text: "VERDICT: SHIP"
                """;
        try (ScriptedModelServer server = ScriptedModelServer.start(Script.parse(script, "scoped-review"), 0)) {
            ItSupport.Result r = ItSupport.mesh(repo, ItSupport.env(store), Duration.ofMinutes(5),
                    "crew", "run", "--prd", "PRD.md", "--model-url", server.baseUrl(), "--concurrency", "2");
            assertThat(r.exitCode()).as(r.toString()).isZero();
            String review = server.recentRequests().stream().filter(b -> b.contains("[crew reviewer] task-1:"))
                    .findFirst().orElseThrow();
            assertThat(Files.readString(repo.resolve("two.txt"))).as("task 2 was done before task 1's review").contains("two");
            assertThat(review).contains("one.txt").doesNotContain("two.txt").doesNotContain("two from task 2");
        }
    }

    @Test
    void needsWorkSendsTheTaskBackWithFeedbackUntilItShips() throws Exception {
        ItSupport.Result r = crew("rules:\n" + ONE_TASK_PLAN + """
                  - match: ["[crew worker] task-1:", "(attempt 1)"]
                    steps:
                      - tool: pi_messenger
                        args: {action: reserve, paths: [hello.txt], reason: greeting}
                      - tool: write
                        args: {path: hello.txt, content: "hello\\n"}
                      - tool: pi_messenger
                        args: {action: task.done, id: task-1, summary: "wrote hello"}
                      - text: done
                  - match: ["[crew worker] task-1:", "(attempt 2)", "Say hello to the world"]
                    steps:
                      - tool: write
                        args: {path: hello.txt, content: "hello world\\n"}
                      - tool: pi_messenger
                        args: {action: task.done, id: task-1, summary: "now greets the world"}
                      - text: done
                  - match: ["[crew reviewer] task-1:", "(review 1)"]
                    steps:
                      - text: "VERDICT: NEEDS_WORK\\nSay hello to the world."
                  - match: ["[crew reviewer] task-1:", "(review 2)"]
                    steps:
                      - text: "VERDICT: SHIP"
                """);

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("review by").contains("NEEDS_WORK -> todo").contains("crew done: 1/1 tasks SHIP");
        var s = ItSupport.open(store, repo);
        Task t = s.tasks().show("task-1");
        assertThat(t.status()).isEqualTo(Task.Status.DONE);
        assertThat(t.verdict()).isEqualTo(Verdict.SHIP);
        assertThat(t.attempts()).isEqualTo(2);
        assertThat(t.summary()).isEqualTo("now greets the world");
        assertThat(s.tasks().reviews()).extracting(Review::verdict).containsExactly(Verdict.NEEDS_WORK, Verdict.SHIP);
        assertThat(Files.readString(repo.resolve("hello.txt"))).isEqualTo("hello world\n");
        assertThat(s.mesh().reservations().list()).isEmpty();
    }

    @Test
    void aWorkerThatStopsWithoutTaskDoneAndAMajorRethinkBlockTheirTasks() throws Exception {
        Files.createDirectories(repo.resolve(".mesh"));
        Files.writeString(repo.resolve(".mesh/config.json"), "{\"crew\": {\"maxAttemptsPerTask\": 2}}");
        ItSupport.Result r = crew("""
                rules:
                  - match: "[crew planner]"
                    steps:
                      - text: |
                          ```tasks-json
                          [{"id": "task-1", "title": "Quit early", "dependsOn": []},
                           {"id": "task-2", "title": "Do it wrong", "dependsOn": []}]
                          ```
                  - match: "[crew worker] task-1:"
                    steps:
                      - tool: pi_messenger
                        args: {action: reserve, paths: [a.txt]}
                      - text: "I stop here without reporting."
                  - match: "[crew worker] task-2:"
                    steps:
                      - tool: pi_messenger
                        args: {action: task.done, id: task-2, summary: "did it my way"}
                      - text: done
                  - match: "[crew reviewer] task-2:"
                    steps:
                      - text: "VERDICT: MAJOR_RETHINK\\nThe approach is wrong."
                """);

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.out()).contains("stopped without task.done -> todo").contains("stopped without task.done -> blocked")
                .contains("crew blocked: 0/2 tasks SHIP");
        var s = ItSupport.open(store, repo);
        Task quit = s.tasks().show("task-1");
        assertThat(quit.status()).isEqualTo(Task.Status.BLOCKED);
        assertThat(quit.attempts()).isEqualTo(2);
        assertThat(quit.blockReason()).contains("stopped without task.done").contains("blocked after 2 attempt(s)");
        Task wrong = s.tasks().show("task-2");
        assertThat(wrong.status()).isEqualTo(Task.Status.BLOCKED);
        assertThat(wrong.verdict()).isEqualTo(Verdict.MAJOR_RETHINK);
        assertThat(s.mesh().reservations().list()).as("the quitter's lease is released when it leaves").isEmpty();
        assertThat(s.mesh().presence().list(false)).isEmpty();
    }

    @Test
    void aCyclicPlanIsRefusedNamingTheCycleAndStoresNothing() throws Exception {
        ItSupport.Result r = crew("""
                rules:
                  - match: "[crew planner]"
                    steps:
                      - text: |
                          ```tasks-json
                          [{"id": "task-1", "title": "A", "dependsOn": ["task-2"]},
                           {"id": "task-2", "title": "B", "dependsOn": ["task-1"]}]
                          ```
                """);

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("mesh: the planner's plan was rejected: the plan has a dependency cycle: task-1 -> task-2 -> task-1");
        var s = ItSupport.open(store, repo);
        assertThat(s.tasks().list()).isEmpty();
        assertThat(s.mesh().presence().list(false)).isEmpty();
    }

    @Test
    void anInterruptedRunStopsItsAgentsAndASecondRunFinishesTheWork() throws Exception {
        String slowWorker = "rules:\n" + ONE_TASK_PLAN + CrewScripts.SLOW_WORKER;
        Path log = tmp.resolve("first-run.txt");
        try (ScriptedModelServer server = ScriptedModelServer.start(Script.parse(slowWorker, "slow"), 0)) {
            Process run = ItSupport.start(repo, ItSupport.env(store), log, "crew", "run", "--prd", "PRD.md",
                    "--model-url", server.baseUrl());
            try {
                var s = ItSupport.open(store, repo);
                await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(300)).until(() ->
                        !s.tasks().list().isEmpty() && s.tasks().show("task-1").status() == Task.Status.IN_PROGRESS
                                && !s.mesh().reservations().list().isEmpty());
                assertThat(ItSupport.processesIn(repo)).as("a pi worker runs").isNotEmpty();
                // crew status --watch shows the worker's current tool and counts as they change
                Path watched = tmp.resolve("watch.txt");
                Process watch = ItSupport.start(repo, ItSupport.env(store), watched, "crew", "status", "--watch");
                try {
                    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).until(() ->
                            Files.readString(watched).contains("task-1-work-1: bash, 2 tool call(s)"));
                    assertThat(Files.readString(watched)).contains("in_progress");
                } finally {
                    watch.destroy();
                    watch.waitFor(10, TimeUnit.SECONDS);
                }

                new ProcessBuilder("kill", "-INT", String.valueOf(run.pid())).start().waitFor();

                assertThat(run.waitFor(60, TimeUnit.SECONDS)).as("crew run stops after Ctrl-C").isTrue();
                assertThat(Files.readString(log)).contains("interrupted; stopping the agents");
                assertThat(ItSupport.processesIn(repo)).as("no orphan process").isEmpty();
                assertThat(s.tasks().show("task-1").status()).isEqualTo(Task.Status.TODO);
                assertThat(s.mesh().reservations().list()).isEmpty();
                assertThat(s.mesh().presence().list(false)).isEmpty();
                assertThat(s.crew().runs().latest().orElseThrow().status())
                        .isEqualTo("interrupted");
            } finally {
                run.descendants().forEach(ProcessHandle::destroyForcibly);
                run.destroyForcibly();
            }
        }

        ItSupport.Result second = crew("rules:\n" + ONE_TASK_PLAN.replace("[crew planner]", "[crew planner] (never used)")
                + CrewScripts.HELLO_WORKER);

        assertThat(second.exitCode()).as(second.toString()).isZero();
        assertThat(second.out()).contains("continuing the plan in the store").doesNotContain("crew: planning");
        var s = ItSupport.open(store, repo);
        assertThat(s.tasks().show("task-1").verdict()).isEqualTo(Verdict.SHIP);
        assertThat(s.tasks().show("task-1").attempts()).as("the interrupted attempt does not count").isEqualTo(1);
        assertThat(Files.readString(repo.resolve("hello.txt"))).isEqualTo("hello\n");
    }
}
