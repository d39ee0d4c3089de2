package dev.agentmesh.cli;

import dev.agentmesh.api.Json;
import dev.agentmesh.crew.Plan;
import dev.agentmesh.crew.TaskSpec;
import dev.agentmesh.server.RunFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web dashboard in a real browser (issue 8): headless Debian chromium driven by npm {@code playwright-core}
 * ({@value #PLAYWRIGHT}, installed into the test cache like the agent CLIs; the browser is never downloaded) runs
 * {@code src/test/js/dashboard.mjs} against a supervisor of its own store and project, whose crew plan is seeded
 * before it starts. The script logs in with the link of {@code mesh dashboard}, sees a message another process sends
 * arrive without a reload, chats with {@code @Name} and {@code @all}, shows hostile text as text, follows a task from
 * todo to done, unblocks a task from "needs you", answers an ask from "needs you", shows a job and a schedule made from the CLI, and is refused with
 * wrong, reused and expired codes and without the cookie. Screenshots go to {@code target/dashboard-screenshots/}.
 * What the browser sent is checked here again through the CLI.
 */
class DashboardIT {
    /** The pinned playwright-core: a client of the installed chromium only. */
    static final String PLAYWRIGHT = "1.65.1";
    /** Login codes of the supervisor under test live this long, so the script can watch one expire. */
    static final int CODE_SECONDS = 6;

    @TempDir
    Path tmp;

    @Test
    void theDashboardInChromium() throws Exception {
        assertThat(Path.of("/usr/bin/chromium")).as("Debian's chromium (apt-get install chromium; .ci/run installs it)").isExecutable();
        Path playwright = ItSupport.npmTool("playwright-core", PLAYWRIGHT, "playwright-core");
        Path nodeModules = playwright.getParent().getParent();
        var repo = ItSupport.SupervisedRepo.in(tmp);
        // the plan a crew planner would store; one title is hostile input
        var opened = ItSupport.open(repo.store(), repo.repo());
        try {
            opened.tasks().replacePlan(Plan.validate(List.of(
                    new TaskSpec("task-1", "Write the parser", "Parse the config file.", List.of()),
                    new TaskSpec("task-2", "Wire the CLI", "Call the parser from the CLI.", List.of("task-1")),
                    new TaskSpec("task-3", "<b>bold</b><script>window.__xss=3</script>", "hostile title", List.of()))));
        } finally {
            opened.store().close();
        }
        Map<String, String> serveEnv = new HashMap<>(repo.env());
        serveEnv.put("MESH_DASHBOARD_CODE_SECONDS", Integer.toString(CODE_SECONDS));
        Process serve = ItSupport.start(repo.repo(), serveEnv, tmp.resolve("serve.log"), "serve");
        try {
            RunFile rf = ItSupport.awaitRunFile(repo.store(), serve);
            Map<String, String> humanEnv = new HashMap<>(repo.env());
            humanEnv.put("MESH_RUNTIME", "human");
            String humanToken = token(mesh(repo.repo(), humanEnv, "join", "--name", "boss", "--json"));
            String peerToken = token(mesh(repo.repo(), repo.env(), "join", "--name", "bob", "--json"));
            Path shots = Path.of("target/dashboard-screenshots").toAbsolutePath();
            Path script = Path.of("src/test/js/dashboard.mjs").toAbsolutePath();
            ProcessBuilder pb = new ProcessBuilder("node", script.toString()).directory(repo.repo().toFile()).redirectErrorStream(true);
            pb.environment().put("NODE_PATH", nodeModules.toString());
            pb.environment().put("DASH_MESH", ItSupport.repoRoot().resolve("bin/mesh").toString());
            pb.environment().put("DASH_REPO", repo.repo().toString());
            pb.environment().put("DASH_ENV", Json.MAPPER.writeValueAsString(repo.env()));
            pb.environment().put("DASH_HUMAN", "boss");
            pb.environment().put("DASH_HUMAN_TOKEN", humanToken);
            pb.environment().put("DASH_PEER", "bob");
            pb.environment().put("DASH_PEER_TOKEN", peerToken);
            pb.environment().put("DASH_CODE_SECONDS", Integer.toString(CODE_SECONDS));
            pb.environment().put("DASH_SHOTS", shots.toString());
            Process node = pb.start();
            node.getOutputStream().close();
            String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            boolean ended = node.waitFor(5, TimeUnit.MINUTES);
            if (!ended) {
                node.destroyForcibly();
            }
            assertThat(node.exitValue()).as("node dashboard.mjs (supervisor on port " + rf.port() + "):\n" + out).isZero();
            assertThat(out).contains("ok - a message sent from another process shows without a reload")
                    .contains("ok - a crew task goes from todo to done on the page as the CLI changes it")
                    .contains("ok - an open ask to the person is answered from \"needs you\" (ack {id, message})")
                    .contains("ok - a job and a schedule created from the CLI show in their panels without a reload")
                    .contains("12 passed, 0 failed");
            assertThat(shots.resolve("01-loaded.png")).isNotEmptyFile();
            assertThat(shots.resolve("04-task-done.png")).isNotEmptyFile();

            // what the page did, as the CLI sees it
            Map<String, String> asPeer = new HashMap<>(repo.env());
            asPeer.put("MESH_AGENT", "bob");
            asPeer.put("MESH_AGENT_TOKEN", peerToken);
            JsonNode inbox = Json.MAPPER.readTree(mesh(repo.repo(), asPeer, "inbox", "--json"));
            assertThat(inbox.toString()).contains("\"sender\":\"boss\"").contains("hi from the dashboard").contains("standup in five");
            String tasks = mesh(repo.repo(), repo.env(), "task", "list");
            assertThat(tasks).containsPattern("task-1.*done").containsPattern("task-2.*todo");
            assertThat(mesh(repo.repo(), repo.env(), "feed", "--limit", "100")).contains("boss task.unblock task-2");
        } finally {
            ItSupport.stopByPid(serve);
        }
    }

    private static String mesh(Path repo, Map<String, String> env, String... args) throws Exception {
        var r = ItSupport.mesh(repo, env, Duration.ofSeconds(120), args);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return r.out();
    }

    private static String token(String joinJson) {
        String t = Json.MAPPER.readTree(joinJson).path("token").asString("");
        assertThat(t).as(joinJson).isNotBlank();
        return t;
    }
}
