package dev.agentmesh.cli;

import dev.agentmesh.api.ApiResult;
import dev.agentmesh.api.Caller;
import dev.agentmesh.api.MeshApi;
import dev.agentmesh.team.TeamErrors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code mesh team ...} and {@code mesh tool agent_team}: each command is one {@code team.*} action with the
 * agent_team argument names, its text (or {@code --json} data) printed, its failure printed on one line with a
 * non-zero exit. The API is a stub recording the arguments, as the backend is not part of this.
 */
class TeamCommandTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path tmp;
    private CliRunner mesh;
    private final List<JsonNode> calls = new ArrayList<>();
    private Function<JsonNode, ApiResult> answer = args -> new ApiResult("ok " + args.path("action").asString(),
            JSON.createObjectNode().put("runId", "r1"));

    @BeforeEach
    void aProject() throws Exception {
        mesh = CliRunner.inGitProject(tmp);
    }

    private final MeshApi api = new MeshApi() {
        @Override
        public ApiResult call(Caller caller, JsonNode args) {
            calls.add(args);
            return answer.apply(args);
        }
    };

    /** @return the arguments the one action of {@code mesh args...} was called with; the command must succeed */
    private String sent(String... args) {
        calls.clear();
        CliRunner.Result r = mesh.runWith(api, args);
        assertThat(r.code()).as("mesh %s: %s", String.join(" ", args), r.err()).isZero();
        assertThat(calls).hasSize(1);
        return calls.getFirst().toString();
    }

    @Test
    void catalogNarrowsTheLibraryOnlyWhenAsked() {
        assertThat(sent("team", "catalog")).isEqualTo("{\"action\":\"team.catalog\"}");
        assertThat(sent("team", "catalog", "--query", "review code", "--sources", "package,project"))
                .isEqualTo("{\"action\":\"team.catalog\",\"library\":{\"query\":\"review code\",\"sources\":[\"package\",\"project\"]}}");
        assertThat(sent("team", "catalog", "--sources", "user")).isEqualTo("{\"action\":\"team.catalog\",\"library\":{\"sources\":[\"user\"]}}");
    }

    @Test
    void startTakesAGraphFileOrAnInlineGraph() throws Exception {
        assertThat(sent("team", "start", "graphs/read-only.json"))
                .isEqualTo("{\"action\":\"team.start\",\"graphFile\":\"graphs/read-only.json\"}");
        Files.createDirectories(mesh.root.resolve("graphs"));
        assertThat(sent("team", "start", mesh.root.resolve("graphs/g.json").toString(), "--notices", "final"))
                .as("an absolute path inside the working folder goes relative to it")
                .isEqualTo("{\"action\":\"team.start\",\"graphFile\":\"graphs/g.json\",\"notices\":\"final\"}");
        assertThat(sent("team", "start", "/elsewhere/g.json")).as("outside: as given, for the backend to refuse")
                .isEqualTo("{\"action\":\"team.start\",\"graphFile\":\"/elsewhere/g.json\"}");
        assertThat(sent("team", "start", "--graph", "{\"objective\":\"o\",\"authority\":{\"allowFilesystemRead\":true},\"steps\":[]}"))
                .isEqualTo("{\"action\":\"team.start\",\"graph\":{\"objective\":\"o\",\"authority\":{\"allowFilesystemRead\":true},\"steps\":[]}}");
    }

    @Test
    void startWithNoGraphOrTwoIsRefusedBeforeAnyCall() {
        CliRunner.Result none = mesh.runWith(api, "team", "start");
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).isEqualTo("mesh: mesh team start needs a graph Repair: give a GRAPH_FILE (a relative .json file "
                + "inside the working folder) or --graph JSON\n");
        CliRunner.Result both = mesh.runWith(api, "team", "start", "g.json", "--graph", "{}");
        assertThat(both.code()).isEqualTo(2);
        assertThat(both.err()).startsWith("mesh: mesh team start takes one graph, not a file and --graph Repair: ");
        CliRunner.Result notJson = mesh.runWith(api, "team", "start", "--graph", "{nope");
        assertThat(notJson.code()).isEqualTo(2);
        assertThat(notJson.err()).startsWith("mesh: --graph: not valid JSON");
        assertThat(calls).isEmpty();
    }

    @Test
    void statusPassesTheReadControlsOnlyWhenGiven() {
        assertThat(sent("team", "status", "r1")).isEqualTo("{\"action\":\"team.run_status\",\"runId\":\"r1\"}");
        assertThat(sent("team", "status", "r1", "--wait", "30", "--cursor", "17", "--step", "inspect", "--preview", "--debug-events"))
                .isEqualTo("{\"action\":\"team.run_status\",\"runId\":\"r1\",\"waitSeconds\":30,\"cursor\":17,\"stepId\":\"inspect\","
                        + "\"preview\":true,\"debugEvents\":true}");
        assertThat(sent("team", "status", "r2", "--cursor", "e-42")).isEqualTo("{\"action\":\"team.run_status\",\"runId\":\"r2\",\"cursor\":\"e-42\"}");
    }

    @Test
    void resultMessageCancelAndCleanupNameTheRunAndStep() {
        assertThat(sent("team", "result", "r1", "inspect")).isEqualTo("{\"action\":\"team.step_result\",\"runId\":\"r1\",\"stepId\":\"inspect\"}");
        assertThat(sent("team", "result", "r1", "inspect", "--preview"))
                .isEqualTo("{\"action\":\"team.step_result\",\"runId\":\"r1\",\"stepId\":\"inspect\",\"preview\":true}");
        assertThat(sent("team", "message", "r1", "inspect", "also check src/b"))
                .isEqualTo("{\"action\":\"team.message\",\"runId\":\"r1\",\"stepId\":\"inspect\",\"mode\":\"steer\",\"message\":\"also check src/b\"}");
        assertThat(sent("team", "message", "r1", "inspect", "then sum up", "--follow-up", "--key", "k1"))
                .isEqualTo("{\"action\":\"team.message\",\"runId\":\"r1\",\"stepId\":\"inspect\",\"mode\":\"follow_up\","
                        + "\"message\":\"then sum up\",\"key\":\"k1\"}");
        assertThat(sent("team", "cancel", "r1")).isEqualTo("{\"action\":\"team.cancel\",\"runId\":\"r1\"}");
        assertThat(sent("team", "cleanup", "r1")).isEqualTo("{\"action\":\"team.cleanup\",\"runId\":\"r1\"}");
    }

    @Test
    void theTextIsPrintedOrTheDataWithJson() {
        assertThat(mesh.runWith(api, "team", "cancel", "r1").out()).isEqualTo("ok team.cancel\n");
        assertThat(JSON.readTree(mesh.runWith(api, "team", "status", "r1", "--json").out()).path("runId").asString()).isEqualTo("r1");
        assertThat(JSON.readTree(mesh.runWith(api, "--json", "team", "cleanup", "r1").out()).path("runId").asString()).isEqualTo("r1");
    }

    @Test
    void aFailurePrintsItsOneLineAndExitsByItsKind() {
        answer = args -> { throw TeamErrors.state("run r9 is not live", "call run_status for its final state"); };
        CliRunner.Result r = mesh.runWith(api, "team", "cancel", "r9");
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("mesh: run r9 is not live Repair: call run_status for its final state\n");
        answer = args -> { throw TeamErrors.invalid("waitSeconds 90 is above 60", "wait at most 60 seconds"); };
        assertThat(mesh.runWith(api, "team", "status", "r1", "--wait", "90").code()).isEqualTo(2);
    }

    @Test
    void theToolCommandMapsAgentTeamActionsAsTheMcpToolDoes() {
        assertThat(sent("tool", "agent_team", "{\"action\":\"run_status\",\"runId\":\"r1\",\"waitSeconds\":30}"))
                .isEqualTo("{\"action\":\"team.run_status\",\"runId\":\"r1\",\"waitSeconds\":30}");
        calls.clear();
        CliRunner.Result result = mesh.runWith(api, "tool", "agent_team", "{\"action\":\"start\",\"graphFile\":\"g.json\"}", "--result");
        assertThat(result.code()).isZero();
        JsonNode answerJson = JSON.readTree(result.out());
        assertThat(answerJson.path("text").asString()).isEqualTo("ok team.start");
        assertThat(answerJson.at("/data/runId").asString()).isEqualTo("r1");
        assertThat(calls).extracting(JsonNode::toString).containsExactly("{\"action\":\"team.start\",\"graphFile\":\"g.json\"}");

        calls.clear();
        CliRunner.Result run = mesh.runWith(api, "tool", "agent_team", "{\"action\":\"run\"}");
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("mesh: run is intentionally absent Repair: use start, then run_status\n");
        CliRunner.Result unknown = mesh.runWith(api, "tool", "agent_team", "{\"action\":\"status\"}");
        assertThat(unknown.err()).isEqualTo("mesh: unknown agent_team action 'status' Repair: use one of catalog, start, run_status, "
                + "step_result, message, cancel, cleanup\n");
        CliRunner.Result otherTool = mesh.runWith(api, "tool", "agent_teams", "{\"action\":\"start\"}");
        assertThat(otherTool.err()).startsWith("mesh: unknown tool 'agent_teams'; the tools are pi_messenger, agent_team and ask, ack,")
                .endsWith(", set_circle\n").doesNotContain("\n\n");
        assertThat(calls).isEmpty();
        assertThat(sent("tool", "pi_messenger", "{\"action\":\"team.cancel\",\"runId\":\"r1\"}")).as("pi_messenger passes actions as given")
                .isEqualTo("{\"action\":\"team.cancel\",\"runId\":\"r1\"}");
    }

    @Test
    void everyTeamCommandHasHelp() {
        for (String c : List.of("catalog", "start", "status", "result", "message", "cancel", "cleanup")) {
            CliRunner.Result r = mesh.runWith(api, "team", c, "--help");
            assertThat(r.code()).as(c).isZero();
            assertThat(r.out()).startsWith("Usage: mesh team " + c);
        }
        assertThat(mesh.runWith(api, "team", "--help").out()).contains("catalog", "start", "status", "result", "message", "cancel", "cleanup");
    }
}
