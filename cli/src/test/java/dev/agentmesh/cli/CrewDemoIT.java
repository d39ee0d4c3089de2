package dev.agentmesh.cli;

import dev.agentmesh.crew.Review;
import dev.agentmesh.crew.Task;
import dev.agentmesh.crew.Verdict;
import dev.agentmesh.mesh.Agent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The main job end to end: {@code bin/mesh demo} runs a crew of real agent processes (pi, Claude Code with
 * {@code --runtime claude} and Codex with {@code --runtime codex}; pinned npm versions from the test cache) against the scripted model server on the
 * textkit example, one script for all three, and leaves every task SHIP, no lease, no agent and no process behind, and
 * the example's own tests green.
 */
class CrewDemoIT {

    @org.junit.jupiter.params.ParameterizedTest(name = "--runtime {0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"pi", "claude", "codex"})
    void theDemoShipsEveryTaskAndTheExampleTestsPass(String runtime, @TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("demo");

        var env = ItSupport.env(null);
        env.remove("MESH_SERVE");
        if (runtime.equals("claude")) {
            env.put("MESH_CLAUDE", ItSupport.npmTool("@anthropic-ai/claude-code", ClaudeOnTheMeshIT.CLAUDE_CODE, "claude").toString());
        }
        if (runtime.equals("codex")) {
            env.put("MESH_CODEX", ItSupport.npmTool("@openai/codex", CodexOnTheMeshIT.CODEX, "codex").toString());
        }
        ItSupport.Result r = ItSupport.mesh(tmp, env, Duration.ofMinutes(8), "demo", "--dir", dir.toString(), "--runtime", runtime);

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("crew done: 3/3 tasks SHIP").contains("example's tests: 6 pass, 0 fail")
                .contains("demo passed");
        var s = ItSupport.open(dir.resolve(".mesh/mesh.db"), dir);
        assertThat(s.tasks().list()).extracting(Task::id, Task::status, Task::verdict).containsExactly(
                org.assertj.core.groups.Tuple.tuple("task-1", Task.Status.DONE, Verdict.SHIP),
                org.assertj.core.groups.Tuple.tuple("task-2", Task.Status.DONE, Verdict.SHIP),
                org.assertj.core.groups.Tuple.tuple("task-3", Task.Status.DONE, Verdict.SHIP));
        assertThat(s.tasks().list()).extracting(Task::wave).containsExactly(1, 1, 2);
        assertThat(s.tasks().reviews()).extracting(Review::verdict).containsOnly(Verdict.SHIP).hasSize(3);
        assertThat(s.mesh().reservations().list()).isEmpty();
        assertThat(s.mesh().presence().list(false)).isEmpty();
        assertThat(s.mesh().presence().list(true)).hasSize(7)
                .allSatisfy(a -> assertThat(ProcessHandle.of(a.pid()).map(ProcessHandle::isAlive).orElse(false))
                        .as("process of %s", a.name()).isFalse());
        assertThat(s.mesh().presence().list(true)).extracting(Agent::runtime).containsOnly(runtime);
        assertThat(ItSupport.processesIn(dir)).isEmpty();
        assertThat(s.mesh().feed().latest(1000)).extracting(e -> e.kind())
                .contains("reserve", "release", "task.done", "task.review", "crew.done");
        assertThat(Files.readString(dir.resolve(".mesh/mesh.db.serve.log"))).as("the demo ran its store's supervisor")
                .contains("mesh serve: supervising " + dir.resolve(".mesh/mesh.db"));
        assertThat(dir.resolve(".mesh/mesh.db.serve.json")).as("and stopped it: the run file is gone").doesNotExist();
        assertThat(ItSupport.run(dir, "git", "status", "--porcelain")).as("git ignores .mesh/").doesNotContain(".mesh");
        String tests = ItSupport.run(dir, "npm", "test");
        assertThat(tests).contains("# pass 6").contains("# fail 0");
    }
}
