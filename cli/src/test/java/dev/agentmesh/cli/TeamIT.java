package dev.agentmesh.cli;

import dev.agentmesh.api.Json;
import dev.agentmesh.model.Script;
import dev.agentmesh.model.ScriptedModelServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code agent_team} runs (issue 7, seeds/002) on a real supervisor with real pi children driven by the scripted model
 * server: the seed's minimum read-only run from a graph file, a fan-out/fan-in graph whose synthesizer gets its
 * upstream finals, a forbidden tool refused, cancel mid-run leaving no process, and a supervisor SIGKILLed mid-run
 * whose successor answers {@code run_status} and {@code step_result} for the same run and drives it to its end.
 */
class TeamIT {
    static final String SCRIPT = """
            rules:
              - match: "Inspect relevant local files. Do not edit or run commands."
                steps:
                  - read: README.md
                  - text: "inspect: README.md says the answer is 42."
              - match: "[lane] risks"
                steps:
                  - text: "risks: none found in README.md."
              - match: "[lane] docs"
                steps:
                  - read: README.md
                  - text: "docs: README.md is one paragraph."
              - match: "[lane] tests"
                steps:
                  - text: "tests: there are none."
              - match: "[synth] merge the lanes"
                steps:
                  - text: "synthesis: three lanes agree the project is tiny."
              - match: "[rogue] try what you may not"
                steps:
                  - shell: "touch forbidden-by-shell.txt"
                  - write: {path: forbidden-by-write.txt, content: "no"}
                  - text: "rogue: I could not run a command or write a file."
              - match: "[slow] sleep"
                steps:
                  - shell: "sleep 120"
                  - text: "slept"
              - match: "[steer] wrap up now"
                steps:
                  - text: "steered: wrapped up."
              - match: "[follow] one more thing"
                steps:
                  - text: "follow-up: answered."
              - match: "[steered] work"
                steps:
                  - shell: "sleep 12"
                  - text: "unsteered"
              - match: "[followed] work"
                steps:
                  - shell: "sleep 3"
                  - text: "first answer"
              - match: "[meshy] tell the lead"
                steps:
                  - mesh: {action: send, to: Lead, message: "hello from a team step"}
                  - text: "meshy: told the lead."
              - match: "[after] report"
                steps:
                  - text: "after: the slow step was lost to a restart."
            default: "Nothing scripted for this prompt."
            """;

    static final String READ_ONLY_GRAPH = """
            {
              "objective": "Answer one scoped local question.",
              "authority": {
                "allowFilesystemRead": true
              },
              "steps": [
                {
                  "id": "inspect",
                  "agent": {
                    "ref": "package:scout"
                  },
                  "task": "Inspect relevant local files. Do not edit or run commands. Return paths, facts, risks, and unknowns."
                }
              ]
            }
            """;

    @TempDir
    Path tmp;

    @Test
    void graphsRunOnRealPiChildren() throws Exception {
        try (ScriptedModelServer server = ScriptedModelServer.start(Script.parse(SCRIPT, "team-it"), 0);
             ItSupport.Supervised s = ItSupport.supervised(tmp, Map.of("README.md", "# demo\nThe answer is 42.\n",
                     "local-read-only-graph.json", READ_ONLY_GRAPH), Map.of("MESH_MODEL_URL", server.baseUrl()))) {
            Map<String, String> env = lead(s);

            // the seed's first graphFile run, verbatim
            JsonNode started = team(s, env, "{\"action\":\"team.start\",\"graphFile\":\"local-read-only-graph.json\"}");
            String r1 = started.at("/data/runId").asString();
            assertThat(r1).matches("r\\d+");
            JsonNode status = awaitTerminal(s, env, r1);
            assertThat(status.at("/data/status").asString()).isEqualTo("succeeded");
            JsonNode inspect = status.at("/data/steps/0");
            assertThat(inspect.path("tools").toString()).isEqualTo("[\"read\",\"grep\",\"find\",\"ls\"]");
            assertThat(inspect.path("runtime").asString()).isEqualTo("pi");
            Path artifact = Path.of(inspect.path("artifact").asString());
            assertThat(artifact).startsWith(s.repo().resolve(".mesh/team/" + r1));
            assertThat(Files.readString(artifact)).isEqualTo("inspect: README.md says the answer is 42.");
            JsonNode result = team(s, env, "{\"action\":\"team.step_result\",\"runId\":\"" + r1 + "\",\"stepId\":\"inspect\",\"preview\":true}");
            assertThat(result.path("text").asString()).contains("succeeded").contains("inspect: README.md says the answer is 42.")
                    .contains(artifact.toString());
            JsonNode manifest = Json.MAPPER.readTree(Files.readString(s.repo().resolve(".mesh/team/" + r1 + "/manifest.json")));
            assertThat(manifest.at("/steps/0/agent").asString()).isEqualTo("package:scout");
            assertThat(manifest.at("/steps/0/model").asString()).isEqualTo("mesh/scripted");
            await().atMost(Duration.ofSeconds(20)).until(() -> mesh(s, env, "inbox", "--peek").contains("[agent_team " + r1 + "] run succeeded"));

            // fan-out / fan-in: the synthesizer gets each lane's final inline
            String fan = """
                    {"objective": "Review the demo from three sides.", "authority": {"allowFilesystemRead": true},
                     "limits": {"concurrency": 3, "timeoutSecondsPerStep": 120},
                     "steps": [
                       {"id": "risks", "agent": {"ref": "package:critic"}, "task": "[lane] risks of the demo"},
                       {"id": "docs", "agent": {"ref": "package:docs-auditor"}, "task": "[lane] docs of the demo"},
                       {"id": "tests", "agent": {"ref": "package:reviewer"}, "task": "[lane] tests of the demo"},
                       {"id": "synth", "agent": {"ref": "package:synthesizer"}, "needs": ["risks", "docs", "tests"],
                        "task": "[synth] merge the lanes"}]}""";
            String r2 = team(s, env, "{\"action\":\"team.start\",\"graph\":" + fan + ",\"notices\":\"final\"}").at("/data/runId").asString();
            JsonNode fanned = awaitTerminal(s, env, r2);
            assertThat(fanned.at("/data/status").asString()).as(fanned.toString()).isEqualTo("succeeded");
            assertThat(fanned.at("/data/sinks").toString()).isEqualTo("[\"synth\"]");
            String synthRequest = server.recentRequests().stream().filter(q -> q.contains("[synth] merge the lanes")).findFirst().orElseThrow();
            assertThat(synthRequest).contains("risks: none found in README.md.").contains("docs: README.md is one paragraph.")
                    .contains("tests: there are none.").contains("Upstream evidence");
            assertThat(Files.readString(s.repo().resolve(".mesh/team/" + r2 + "/synth.md"))).isEqualTo("synthesis: three lanes agree the project is tiny.");

            // a read-only child that tries a shell command and a write gets neither
            String rogue = "{\"objective\": \"Probe authority.\", \"authority\": {\"allowFilesystemRead\": true},"
                    + " \"steps\": [{\"id\": \"rogue\", \"agent\": {\"system\": \"You probe.\"}, \"task\": \"[rogue] try what you may not\"}]}";
            String r3 = team(s, env, "{\"action\":\"team.start\",\"graph\":" + rogue + "}").at("/data/runId").asString();
            JsonNode probed = awaitTerminal(s, env, r3);
            assertThat(probed.at("/data/status").asString()).isEqualTo("succeeded");
            assertThat(s.repo().resolve("forbidden-by-shell.txt")).doesNotExist();
            assertThat(s.repo().resolve("forbidden-by-write.txt")).doesNotExist();
            JsonNode events = team(s, env, "{\"action\":\"team.run_status\",\"runId\":\"" + r3 + "\",\"debugEvents\":true}");
            assertThat(events.at("/data/events").toString()).contains("step.tool");

            // cancel mid-run leaves no process
            String slow = "{\"objective\": \"Sleep.\", \"authority\": {\"allowFilesystemRead\": true, \"allowShellTools\": true},"
                    + " \"steps\": [{\"id\": \"slow\", \"agent\": {\"system\": \"You sleep.\", \"tools\": [\"bash\"]}, \"task\": \"[slow] sleep\"}]}";
            String r4 = team(s, env, "{\"action\":\"team.start\",\"graph\":" + slow + "}").at("/data/runId").asString();
            await().atMost(Duration.ofSeconds(60)).until(() -> ItSupport.processesIn(s.repo()).stream().anyMatch(p -> p.contains("sleep 120")));
            JsonNode cancelled = team(s, env, "{\"action\":\"team.cancel\",\"runId\":\"" + r4 + "\"}");
            assertThat(cancelled.at("/data/status").asString()).isEqualTo("cancelled");
            assertThat(cancelled.at("/data/steps/0/status").asString()).isEqualTo("cancelled");
            await().atMost(Duration.ofSeconds(10)).until(() -> ItSupport.processesIn(s.repo()).stream()
                    .allMatch(p -> p.startsWith(s.supervisor().pid() + " ")));
            JsonNode denied = team(s, env, "{\"action\":\"team.message\",\"runId\":\"" + r4 + "\",\"stepId\":\"slow\",\"message\":\"stop\",\"key\":\"k1\"}");
            assertThat(denied.at("/data/status").asString()).isEqualTo("denied");

            assertThat(team(s, env, "{\"action\":\"team.cleanup\",\"runId\":\"" + r1 + "\"}").path("text").asString()).contains("cleaned up run " + r1);
            assertThat(s.repo().resolve(".mesh/team/" + r1)).doesNotExist();
            var gone = ItSupport.mesh(s.repo(), env, Duration.ofSeconds(60), "tool", "pi_messenger",
                    "{\"action\":\"team.run_status\",\"runId\":\"" + r1 + "\"}");
            assertThat(gone.exitCode()).isEqualTo(2);
            assertThat(gone.err()).contains("is not a run of this project");
        }
    }

    /** message: a steer reaches the running step's next model call, a follow-up its next turn; keys and the budget hold. */
    @Test
    void messagesSteerAndFollowUpLiveSteps() throws Exception {
        try (ScriptedModelServer server = ScriptedModelServer.start(Script.parse(SCRIPT, "team-it"), 0);
             ItSupport.Supervised s = ItSupport.supervised(tmp, Map.of("README.md", "# demo\n"), Map.of("MESH_MODEL_URL", server.baseUrl()))) {
            Map<String, String> env = lead(s);
            String graph = "{\"objective\": \"Take messages.\", \"authority\": {\"allowFilesystemRead\": true, \"allowShellTools\": true},"
                    + " \"steps\": [{\"id\": \"steered\", \"agent\": {\"system\": \"You work.\", \"tools\": [\"bash\"]}, \"task\": \"[steered] work\"},"
                    + " {\"id\": \"followed\", \"agent\": {\"system\": \"You work.\", \"tools\": [\"bash\"]}, \"task\": \"[followed] work\"}]}";
            String run = team(s, env, "{\"action\":\"team.start\",\"graph\":" + graph + ",\"notices\":\"none\"}").at("/data/runId").asString();
            await().atMost(Duration.ofSeconds(60)).until(() -> ItSupport.processesIn(s.repo()).stream().filter(p -> p.contains("sleep ")).count() == 2);
            String steer = "{\"action\":\"team.message\",\"runId\":\"" + run + "\",\"stepId\":\"steered\",\"mode\":\"steer\","
                    + "\"message\":\"[steer] wrap up now\",\"key\":\"KEY\"}";
            JsonNode first = team(s, env, steer.replace("KEY", "k1"));
            assertThat(first.at("/data/status").asString()).as(first.toString()).isEqualTo("accepted");
            JsonNode again = team(s, env, steer.replace("KEY", "k1"));
            assertThat(again.at("/data/duplicate").asBoolean()).as("an exact duplicate key reuses the receipt").isTrue();
            assertThat(again.at("/data/status").asString()).isEqualTo("accepted");
            JsonNode follow = team(s, env, "{\"action\":\"team.message\",\"runId\":\"" + run + "\",\"stepId\":\"followed\","
                    + "\"mode\":\"follow_up\",\"message\":\"[follow] one more thing\"}");
            assertThat(follow.at("/data/status").asString()).isEqualTo("accepted");
            for (int i = 2; i <= 16; i++) {
                assertThat(team(s, env, steer.replace("KEY", "k" + i)).at("/data/status").asString()).as("attempt " + i).isEqualTo("accepted");
            }
            JsonNode spent = team(s, env, steer.replace("KEY", "k17"));
            assertThat(spent.at("/data/status").asString()).isEqualTo("denied");
            assertThat(spent.at("/data/reason").asString()).contains("budget is spent").contains("16 of 16");

            JsonNode status = awaitTerminal(s, env, run);
            assertThat(status.at("/data/status").asString()).as(status.toString()).isEqualTo("succeeded");
            assertThat(Files.readString(s.repo().resolve(".mesh/team/" + run + "/steered.md"))).isEqualTo("steered: wrapped up.");
            assertThat(Files.readString(s.repo().resolve(".mesh/team/" + run + "/followed.md"))).isEqualTo("follow-up: answered.");
            JsonNode late = team(s, env, steer.replace("KEY", "k18"));
            assertThat(late.at("/data/status").asString()).as("message is not post-terminal chat").isEqualTo("denied");
        }
    }

    /** A step past limits.timeoutSecondsPerStep times out, its process stops, and the step that needs it is blocked. */
    @Test
    void aStepPastItsTimeoutTimesOutAndWhatNeedsItIsBlocked() throws Exception {
        try (ScriptedModelServer server = ScriptedModelServer.start(Script.parse(SCRIPT, "team-it"), 0);
             ItSupport.Supervised s = ItSupport.supervised(tmp, Map.of("README.md", "# demo\n"), Map.of("MESH_MODEL_URL", server.baseUrl()))) {
            Map<String, String> env = lead(s);
            String graph = "{\"objective\": \"Run out of time.\", \"authority\": {\"allowFilesystemRead\": true, \"allowShellTools\": true},"
                    + " \"limits\": {\"timeoutSecondsPerStep\": 3},"
                    + " \"steps\": [{\"id\": \"slow\", \"agent\": {\"system\": \"You sleep.\", \"tools\": [\"bash\"]}, \"task\": \"[slow] sleep\"},"
                    + " {\"id\": \"next\", \"agent\": {\"system\": \"You report.\"}, \"needs\": [\"slow\"], \"task\": \"[after] report\"}]}";
            String run = team(s, env, "{\"action\":\"team.start\",\"graph\":" + graph + ",\"notices\":\"none\"}").at("/data/runId").asString();
            JsonNode status = awaitTerminal(s, env, run);
            assertThat(status.at("/data/status").asString()).as(status.toString()).isEqualTo("failed");
            assertThat(status.at("/data/steps/0/status").asString()).isEqualTo("timed_out");
            assertThat(status.at("/data/steps/0/failure").asString()).contains("limits.timeoutSecondsPerStep (3 s)");
            assertThat(status.at("/data/steps/1/status").asString()).isEqualTo("blocked");
            assertThat(status.at("/data/steps/1/failure").asString()).isEqualTo("blocked: needs slow, which timed_out");
            assertThat(status.at("/data/diagnostic").asString()).contains("next blocked");
            await().atMost(Duration.ofSeconds(10)).until(() -> ItSupport.processesIn(s.repo()).stream().noneMatch(p -> p.contains("sleep 120")));
        }
    }

    /** The mesh tool is an extension tool: granted by name with allowExtensionCode, the step acts as its own mesh agent. */
    @Test
    void aGrantedMeshToolActsAsTheStepsOwnAgent() throws Exception {
        try (ScriptedModelServer server = ScriptedModelServer.start(Script.parse(SCRIPT, "team-it"), 0);
             ItSupport.Supervised s = ItSupport.supervised(tmp, Map.of("README.md", "# demo\n"), Map.of("MESH_MODEL_URL", server.baseUrl()))) {
            Map<String, String> env = lead(s);
            String graph = "{\"objective\": \"Talk.\", \"authority\": {\"allowFilesystemRead\": true, \"allowExtensionCode\": true},"
                    + " \"steps\": [{\"id\": \"meshy\", \"agent\": {\"system\": \"You talk.\", \"extensionTools\": [\"pi_messenger\"]},"
                    + " \"task\": \"[meshy] tell the lead\"}]}";
            String run = team(s, env, "{\"action\":\"team.start\",\"graph\":" + graph + ",\"notices\":\"none\"}").at("/data/runId").asString();
            JsonNode status = awaitTerminal(s, env, run);
            assertThat(status.at("/data/status").asString()).as(status.toString()).isEqualTo("succeeded");
            assertThat(status.at("/data/steps/0/tools").toString()).isEqualTo("[\"read\",\"grep\",\"find\",\"ls\",\"pi_messenger\"]");
            assertThat(mesh(s, env, "inbox", "--peek")).contains(run + "-meshy: hello from a team step");
            assertThat(mesh(s, env, "list")).as("the step's agent left with its step").doesNotContain(run + "-meshy");
        }
    }

    /** Authority is enforced on every runtime: a read-only child reads, but its command and its write are refused. */
    @org.junit.jupiter.params.ParameterizedTest(name = "runtime {0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"pi", "claude", "codex"})
    void aForbiddenToolIsRefusedOnEveryRuntime(String runtime) throws Exception {
        try (ScriptedModelServer server = ScriptedModelServer.start(Script.parse(SCRIPT, "team-it"), 0);
             ItSupport.Supervised s = ItSupport.supervised(tmp, Map.of("README.md", "# demo\nThe answer is 42.\n"), runtimeEnv(runtime, server))) {
            Map<String, String> env = lead(s);
            String graph = "{\"objective\": \"Probe authority.\", \"runtime\": \"" + runtime + "\", \"authority\": {\"allowFilesystemRead\": true},"
                    + " \"steps\": [{\"id\": \"inspect\", \"agent\": {\"ref\": \"package:scout\"},"
                    + " \"task\": \"Inspect relevant local files. Do not edit or run commands. Return paths, facts, risks, and unknowns.\"},"
                    + " {\"id\": \"rogue\", \"agent\": {\"system\": \"You probe.\"}, \"task\": \"[rogue] try what you may not\"}]}";
            String run = team(s, env, "{\"action\":\"team.start\",\"graph\":" + graph + "}").at("/data/runId").asString();
            JsonNode status = awaitTerminal(s, env, run);
            assertThat(status.at("/data/status").asString()).as(status.toString()).isEqualTo("succeeded");
            assertThat(status.at("/data/steps/0/runtime").asString()).isEqualTo(runtime);
            assertThat(Files.readString(s.repo().resolve(".mesh/team/" + run + "/inspect.md"))).isEqualTo("inspect: README.md says the answer is 42.");
            // Claude Code also sends side requests (a title) holding the task; one of the scout's requests holds what it read
            assertThat(server.recentRequests().stream().filter(q -> q.contains("Inspect relevant local files")))
                    .as("the scout's read reached the model").anyMatch(q -> q.contains("The answer is 42."));
            assertThat(s.repo().resolve("forbidden-by-shell.txt")).as("no command ran").doesNotExist();
            assertThat(s.repo().resolve("forbidden-by-write.txt")).as("no file was written").doesNotExist();
            assertThat(Files.readString(s.repo().resolve(".mesh/team/" + run + "/rogue.md"))).isEqualTo("rogue: I could not run a command or write a file.");
            assertThat(ItSupport.processesIn(s.repo())).as("no child left").allMatch(p -> p.startsWith(s.supervisor().pid() + " "));
        }
    }

    static Map<String, String> runtimeEnv(String runtime, ScriptedModelServer server) throws Exception {
        Map<String, String> serveEnv = new HashMap<>(Map.of("MESH_MODEL_URL", server.baseUrl()));
        serveEnv.putAll(cliEnv(runtime));
        return serveEnv;
    }

    /** @return MESH_CLAUDE or MESH_CODEX pointing at the pinned CLI of the test cache, for {@code runtime} */
    static Map<String, String> cliEnv(String runtime) throws Exception {
        Map<String, String> serveEnv = new HashMap<>();
        if (runtime.equals("claude")) {
            serveEnv.put("MESH_CLAUDE", ItSupport.npmTool("@anthropic-ai/claude-code", ClaudeOnTheMeshIT.CLAUDE_CODE, "claude").toString());
        }
        if (runtime.equals("codex")) {
            serveEnv.put("MESH_CODEX", ItSupport.npmTool("@openai/codex", CodexOnTheMeshIT.CODEX, "codex").toString());
        }
        return serveEnv;
    }

    @Test
    void aSupervisorKilledMidRunLeavesARunItsSuccessorAnswersForAndFinishes() throws Exception {
        try (ScriptedModelServer server = ScriptedModelServer.start(Script.parse(SCRIPT, "team-it"), 0)) {
            Map<String, String> serveEnv = Map.of("MESH_MODEL_URL", server.baseUrl());
            ItSupport.Supervised s = ItSupport.supervised(tmp, Map.of("README.md", "# demo\n"), serveEnv);
            Process second = null;
            try {
                Map<String, String> env = lead(s);
                String graph = "{\"objective\": \"Survive a crash.\", \"authority\": {\"allowFilesystemRead\": true, \"allowShellTools\": true},"
                        + " \"steps\": [{\"id\": \"slow\", \"agent\": {\"system\": \"You sleep.\", \"tools\": [\"bash\"]}, \"task\": \"[slow] sleep\"},"
                        + " {\"id\": \"report\", \"agent\": {\"system\": \"You report.\"}, \"after\": [\"slow\"], \"task\": \"[after] report\"}]}";
                String run = team(s, env, "{\"action\":\"team.start\",\"graph\":" + graph + "}").at("/data/runId").asString();
                await().atMost(Duration.ofSeconds(60)).until(() -> ItSupport.processesIn(s.repo()).stream().anyMatch(p -> p.contains("sleep 120")));
                s.supervisor().toHandle().destroyForcibly();
                s.supervisor().waitFor();

                Map<String, String> withServe = new HashMap<>(s.env());
                withServe.putAll(serveEnv);
                second = ItSupport.start(s.repo(), withServe, tmp.resolve("serve2.log"), "serve");
                ItSupport.awaitRunFile(s.store(), second);
                JsonNode status = awaitTerminal(s, env, run);
                assertThat(status.at("/data/steps/0/status").asString()).isEqualTo("failed");
                assertThat(status.at("/data/steps/0/failure").asString()).contains("supervisor-restart");
                assertThat(status.at("/data/steps/1/status").asString()).as("an after step runs on the evidence").isEqualTo("succeeded");
                assertThat(status.at("/data/status").asString()).isEqualTo("succeeded");
                JsonNode result = team(s, env, "{\"action\":\"team.step_result\",\"runId\":\"" + run + "\",\"stepId\":\"report\",\"preview\":true}");
                assertThat(result.path("text").asString()).contains("after: the slow step was lost to a restart.");
                await().atMost(Duration.ofSeconds(15)).until(() -> ItSupport.processesIn(s.repo()).stream()
                        .noneMatch(p -> p.contains("sleep 120")));
            } finally {
                ItSupport.killSupervisors(s.store(), second == null ? java.util.List.of() : java.util.List.of(second.pid()));
                s.close();
            }
        }
    }

    /** Joins as Lead (notices go there); @return the environment acting as Lead */
    private static Map<String, String> lead(ItSupport.Supervised s) throws Exception {
        Map<String, String> env = new HashMap<>(s.env());
        String token = Json.MAPPER.readTree(mesh(s, env, "join", "--name", "Lead", "--json")).path("token").asString();
        env.put("MESH_AGENT", "Lead");
        env.put("MESH_AGENT_TOKEN", token);
        return env;
    }

    private static JsonNode awaitTerminal(ItSupport.Supervised s, Map<String, String> env, String run) throws Exception {
        long until = System.currentTimeMillis() + 120_000;
        while (true) {
            JsonNode st = team(s, env, "{\"action\":\"team.run_status\",\"runId\":\"" + run + "\",\"waitSeconds\":30}");
            if (!st.at("/data/status").asString().equals("running") || System.currentTimeMillis() > until) {
                return st;
            }
        }
    }

    static JsonNode team(ItSupport.Supervised s, Map<String, String> env, String args) throws Exception {
        return Json.MAPPER.readTree(mesh(s, env, "tool", "pi_messenger", args, "--result"));
    }

    private static String mesh(ItSupport.Supervised s, Map<String, String> env, String... args) throws Exception {
        var r = ItSupport.mesh(s.repo(), env, Duration.ofSeconds(120), args);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return r.out();
    }
}
