package dev.agentmesh.cli;

import dev.agentmesh.agents.AgentProfiles;
import dev.agentmesh.team.TeamEvent;
import dev.agentmesh.team.TeamPlan;
import dev.agentmesh.team.TeamPlanner;
import dev.agentmesh.team.TeamRun;
import dev.agentmesh.team.TeamRuns;
import dev.agentmesh.team.TeamStep;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input to {@code mesh team ...} and {@code mesh tool agent_team} (seeds/002): each is refused with a non-zero
 * exit (2 for bad input, 3 for a state that does not allow it), one stderr line naming the bad value without echoing
 * a huge one and without a raw control character, nothing on stdout, and the store as it was: no run, step, event or
 * run handle is used up by a refusal. Here with {@code MESH_SERVE=off}; {@link TeamBadInputServedTest} runs the same
 * through a real supervisor.
 */
class TeamBadInputTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** The seed's minimum read-only graph. */
    private static final String MINIMUM = """
            {"objective": "Answer one scoped local question.",
             "authority": {"allowFilesystemRead": true},
             "steps": [{"id": "inspect", "agent": {"ref": "package:scout"},
                        "task": "Inspect relevant local files. Do not edit or run commands. Return paths, facts, risks, and unknowns."}]}""";
    private static final String NO_RUNS = "no agent_team runs in this project";

    @TempDir
    Path tmp;
    CliRunner mesh;

    /** @return the runner the tests use: in-process services here, a supervisor in the served variant */
    CliRunner runner(Path dir) throws IOException {
        return CliRunner.inGitProject(dir);
    }

    @BeforeEach
    void aProject() throws IOException {
        mesh = runner(tmp.resolve("p"));
    }

    @AfterEach
    void stopSupervisor() {
        mesh.close();
    }

    private boolean served() {
        return mesh.servedRequests() >= 0;
    }

    /** Everything the store holds of the project's agent_team runs. */
    private record TeamState(List<TeamRun> runs, Map<String, List<TeamStep>> steps, Map<String, List<TeamEvent>> events) {
    }

    private TeamState teamState() {
        return mesh.inStore(api -> {
            TeamRuns r = api.teamRuns();
            List<TeamRun> all = r.list();
            Map<String, List<TeamStep>> steps = new LinkedHashMap<>();
            Map<String, List<TeamEvent>> events = new LinkedHashMap<>();
            for (TeamRun run : all) {
                steps.put(run.runId(), r.steps(run.runId()));
                events.put(run.runId(), r.events(run.runId(), 0, null, false, 10_000));
            }
            return new TeamState(all, steps, events);
        });
    }

    /**
     * Runs {@code args}, asserting it is refused with {@code code}, one short stderr line holding {@code named} and
     * no raw control character, nothing on stdout, and the store unchanged (the run list still answers).
     */
    private CliRunner.Result refused(int code, String named, String... args) {
        CliRunner.Snapshot before = mesh.snapshot();
        TeamState teamBefore = teamState();
        CliRunner.Result r = mesh.run(args);
        BadInputTest.assertOneLineRefusal(r, code, named);
        assertThat(r.err().strip().chars().noneMatch(c -> c < 0x20 || c == 0x7f)).as("no raw control character in: %s", r.err()).isTrue();
        assertThat(r.err().length()).as("the error does not echo a long input: %s", r.err()).isLessThan(700);
        assertThat(r.out()).as("stdout of a refused command").isEmpty();
        assertThat(mesh.snapshot()).as("the mesh after a refused command").isEqualTo(before);
        assertThat(teamState()).as("the agent_team runs after a refused command").isEqualTo(teamBefore);
        String list = mesh.ok("tool", "agent_team", "{\"action\":\"run_status\"}");
        if (teamBefore.runs().isEmpty()) {
            assertThat(list).isEqualTo(NO_RUNS + "\n");
        } else {
            assertThat(list).startsWith(teamBefore.runs().size() + " agent_team run(s):");
        }
        return r;
    }

    private static ObjectNode minimum() {
        return (ObjectNode) JSON.readTree(MINIMUM);
    }

    private static ObjectNode step(ObjectNode graph) {
        return (ObjectNode) graph.get("steps").get(0);
    }

    private void write(String relative, String text) throws IOException {
        Path file = mesh.root.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    /** @return the handle of a run of the minimum graph put in the store directly, as a supervisor's start would */
    private String seed() {
        TeamPlan plan = TeamPlanner.plan(minimum(), new TeamPlanner.Context(mesh.root,
                AgentProfiles.forProject(mesh.root, Map.of("HOME", mesh.home.toString())), "pi"));
        return mesh.inStore(api -> api.teamRuns().create(plan, null, "none", 0, 10, mesh.root, mesh.root.resolve(".mesh"),
                ProcessHandle.current().pid()).runId());
    }

    // -- start: the graph file -----------------------------------------------------------------------------------

    @Test
    void startRefusesAGraphFileThatIsMissingOutsideTheFolderOrASymlink() throws IOException {
        Files.writeString(tmp.resolve("x.json"), MINIMUM);
        write("g.json", MINIMUM);
        Files.createSymbolicLink(mesh.root.resolve("link.json"), mesh.root.resolve("g.json"));
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("g.json"), MINIMUM);
        Files.createSymbolicLink(mesh.root.resolve("graphs"), outside);
        Files.createDirectories(mesh.root.resolve("folder.json"));
        write("g.txt", MINIMUM);

        refused(2, "graphFile 'missing.json' does not exist", "team", "start", "missing.json");
        refused(2, "graphFile '../x.json' uses '..' to leave the invocation cwd", "team", "start", "../x.json");
        refused(2, "graphFile '" + tmp.resolve("x.json") + "' is absolute", "team", "start", tmp.resolve("x.json").toString());
        refused(2, "graphFile 'link.json' is a symlink", "team", "start", "link.json");
        refused(2, "graphFile 'graphs/g.json' passes through the symlink 'graphs'", "team", "start", "graphs/g.json");
        refused(2, "graphFile 'folder.json' is not a regular file", "team", "start", "folder.json");
        refused(2, "graphFile 'g.txt' is not a .json file", "team", "start", "g.txt");
        refused(2, "graphFile 'missing.json' does not exist", "tool", "agent_team", "{\"action\":\"start\",\"graphFile\":\"missing.json\"}");
        refused(2, "graphFile '../x.json' uses '..'", "tool", "agent_team", "{\"action\":\"start\",\"graphFile\":\"../x.json\"}");
        assertThat(seed()).as("no refused start used a run handle").isEqualTo("r1");
    }

    @Test
    void startRefusesAGraphFileThatIsTooBigMalformedOrHoldsControlFields() throws IOException {
        write("big.json", "{\"objective\": \"" + "x".repeat(300 * 1024) + "\"}");
        write("bad.json", "{\"objective\": \"o\", nope");
        write("dup.json", MINIMUM.replace("{\"objective\": \"Answer", "{\"objective\": \"x\", \"objective\": \"Answer"));
        write("array.json", "[" + MINIMUM + "]");
        for (String field : List.of("action", "runId", "graphFile")) {
            ObjectNode g = minimum();
            g.put(field, field.equals("action") ? "start" : "r1");
            write(field + ".json", g.toString());
        }

        CliRunner.Result big = refused(2, "graphFile 'big.json' is " + Files.size(mesh.root.resolve("big.json"))
                + " bytes; the limit is 262144 (256 KiB", "team", "start", "big.json");
        assertThat(big.err()).doesNotContain("xxxxxxxxxx");
        refused(2, "graphFile 'bad.json' is not valid JSON at line 1, column 20", "team", "start", "bad.json");
        assertThat(refused(2, "graphFile 'dup.json' is not valid JSON", "team", "start", "dup.json").err()).contains("objective");
        refused(2, "graphFile 'array.json' holds an array, not a JSON object", "team", "start", "array.json");
        refused(2, "graphFile 'action.json' contains control field 'action'", "team", "start", "action.json");
        refused(2, "graphFile 'runId.json' contains control field 'runId'", "team", "start", "runId.json");
        refused(2, "graphFile 'graphFile.json' contains control field 'graphFile'", "team", "start", "graphFile.json");
        assertThat(seed()).as("no refused start used a run handle").isEqualTo("r1");
    }

    // -- start: graphs that do not plan ------------------------------------------------------------------------------

    @Test
    void startRefusesABareOrUnknownRefACycleAndAValidatorWithoutShell() throws IOException {
        ObjectNode bare = minimum();
        ((ObjectNode) step(bare).get("agent")).put("ref", "scout");
        write("bare.json", bare.toString());
        ObjectNode unknown = minimum();
        ((ObjectNode) step(unknown).get("agent")).put("ref", "package:nobody");
        write("unknown.json", unknown.toString());
        ObjectNode cycle = minimum();
        ObjectNode b = step(cycle).deepCopy().put("id", "b");
        step(cycle).put("id", "a").putArray("needs").add("b");
        b.putArray("after").add("a");
        ((tools.jackson.databind.node.ArrayNode) cycle.get("steps")).add(b);
        write("cycle.json", cycle.toString());
        ObjectNode validator = minimum();
        ((ObjectNode) step(validator).get("agent")).put("ref", "package:validator");
        write("validator.json", validator.toString());

        refused(2, "step 'inspect' agent.ref 'scout' is a bare ref", "team", "start", "bare.json");
        refused(2, "step 'inspect' agent.ref 'package:nobody' is not in the library", "team", "start", "unknown.json");
        refused(2, "steps form a cycle: a → b → a", "team", "start", "cycle.json");
        assertThat(refused(2, "step 'inspect' runs package:validator without bash", "team", "start", "validator.json").err()).contains("allowShellTools");
        refused(2, "agent.ref 'scout' is a bare ref", "team", "start", "--graph", bare.toString());
        refused(2, "steps form a cycle", "tool", "agent_team", "{\"action\":\"start\",\"graph\":" + cycle + "}");
        assertThat(seed()).as("no refused start used a run handle").isEqualTo("r1");
    }

    @Test
    void aControlCharacterInAStepIdIsRefusedEscaped() throws IOException {
        ObjectNode bell = minimum();
        step(bell).put("id", "ins\u0007pect");
        refused(2, "graph.steps[0].id 'ins\\u0007pect' is not a step id", "team", "start", "--graph", bell.toString());
        ObjectNode newline = minimum();
        step(newline).put("id", "ins\n12:00:00 forged");
        write("newline.json", newline.toString());
        refused(2, "graph.steps[0].id 'ins\\n12:00:00 forged' is not a step id", "team", "start", "newline.json");
        refused(2, "is not a step id", "tool", "agent_team", "{\"action\":\"start\",\"graph\":" + bell + "}");
    }

    @Test
    void aHugeTaskIsRefusedNamingTheLimitWithoutEchoingIt() throws IOException {
        ObjectNode huge = minimum();
        step(huge).put("task", "t".repeat(10_000_000));
        String hugeGraph = huge.toString();
        refused(2, "--graph: " + hugeGraph.length() + " characters; the limit is 1048576", "team", "start", "--graph", hugeGraph);
        assertThat(refused(2, "the arguments: ", "tool", "agent_team", "{\"action\":\"start\",\"graph\":" + hugeGraph + "}").err()).contains("the limit is 1048576");
        write("huge.json", hugeGraph);
        refused(2, "graphFile 'huge.json' is " + Files.size(mesh.root.resolve("huge.json")) + " bytes; the limit is 262144",
                "team", "start", "huge.json");
        ObjectNode long600k = minimum();
        step(long600k).put("task", "t".repeat(600_000));
        refused(2, "step 'inspect'.task is 600000 bytes; the limit is 65536", "team", "start", "--graph", long600k.toString());
    }

    // -- the tool ----------------------------------------------------------------------------------------------------

    @Test
    void theToolRefusesRunAnUnknownActionAndTwoGraphs() throws IOException {
        write("g.json", MINIMUM);
        assertThat(refused(2, "run is intentionally absent", "tool", "agent_team", "{\"action\":\"run\"}").err()).contains("Repair: use start, then run_status");
        refused(2, "unknown agent_team action 'bogus'", "tool", "agent_team", "{\"action\":\"bogus\"}");
        refused(2, "start got both graph and graphFile", "tool", "agent_team",
                "{\"action\":\"start\",\"graph\":" + minimum() + ",\"graphFile\":\"g.json\"}");
        refused(2, "catalog takes no read control 'preview'", "tool", "agent_team", "{\"action\":\"catalog\",\"preview\":true}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"waitSeconds\":5", "\"cursor\":\"3\"", "\"preview\":true", "\"debugEvents\":true", "\"maxBytes\":100"})
    void startTakesNoReadControl(String control) {
        String name = control.substring(1, control.indexOf('"', 1));
        refused(2, "start takes no read control '" + name + "'", "tool", "agent_team",
                "{\"action\":\"start\",\"graph\":" + minimum() + "," + control + "}");
        assertThat(seed()).isEqualTo("r1");
    }

    // -- status, result, message, cleanup ---------------------------------------------------------------------------

    @Test
    void statusAndResultRefuseABadOrUnknownRunHandle() {
        refused(2, "runId 'r0' is not a run handle", "team", "status", "r0");
        refused(2, "runId 'x' is not a run handle", "team", "status", "x");
        refused(2, "runId 'r10000000' is not a run handle", "team", "status", "r10000000");
        refused(2, "run 'r99' is not a run of this project", "team", "status", "r99");
        refused(2, "run 'r1' is not a run of this project", "team", "status", "r1", "--wait", "5");
        refused(2, "run 'r1' is not a run of this project", "team", "result", "r1", "inspect");
        refused(2, "run 'r1' is not a run of this project", "team", "cleanup", "r1");
        refused(2, "run 'r1' is not a run of this project", "tool", "agent_team", "{\"action\":\"step_result\",\"runId\":\"r1\",\"stepId\":\"inspect\"}");
    }

    @Test
    void statusRefusesAWaitAbove60SecondsABadCursorAndAnUnknownStep() {
        String run = seed();
        refused(2, "waitSeconds 61 is outside 0..60", "team", "status", run, "--wait", "61");
        refused(2, "waitSeconds -1 is outside 0..60", "team", "status", run, "--wait", "-1");
        refused(2, "waitSeconds 3600 is outside 0..60", "tool", "agent_team", "{\"action\":\"run_status\",\"runId\":\"r1\",\"waitSeconds\":3600}");
        refused(2, "is not a cursor", "team", "status", run, "--cursor", "abc");
        refused(2, "run r1 has no step 'nope'", "team", "status", run, "--step", "nope");
        assertThat(refused(2, "run r1 has no step 'nope'", "team", "result", run, "nope").err()).contains("use one of: inspect");
        refused(3, "run r1 is running; cleanup frees terminal runs only", "team", "cleanup", run);
        assertThat(mesh.ok("team", "status", run, "--wait", "0")).contains("run r1 running").contains("wait: timeout");
    }

    @Test
    void messageRefusesAnEmptyOrHugeTextAnUnknownStepAndABadModeOrKey() {
        String run = seed();
        refused(2, "'message'", "team", "message", run, "inspect", "");
        refused(2, "'message'", "team", "message", run, "inspect", "   ");
        refused(2, "'message' has 70000 characters; it must have 1..65536", "team", "message", run, "inspect", "x".repeat(70_000));
        refused(2, "run r1 has no step 'nope'", "team", "message", run, "nope", "hi");
        refused(2, "message key 'a\\nb' must have 1..200 characters and no control characters", "team", "message", run, "inspect", "hi",
                "--key", "a\nb");
        refused(2, "mode 'shout' is not a message mode", "tool", "agent_team",
                "{\"action\":\"message\",\"runId\":\"r1\",\"stepId\":\"inspect\",\"message\":\"hi\",\"mode\":\"shout\"}");
        refused(2, "run 'r2' is not a run of this project", "team", "message", "r2", "inspect", "hi");
    }

    // -- without a supervisor ---------------------------------------------------------------------------------------

    @Test
    void startMessageAndCancelNeedTheSupervisorAndARunItDoesNotDriveIsEndedByCancel() throws IOException {
        write("g.json", MINIMUM);
        if (served()) {
            // a run put into the store by hand has no driver: message is denied, cancel ends it here
            String run = seed();
            assertThat(mesh.ok("team", "message", run, "inspect", "hi")).contains("denied").contains("not driven by this supervisor");
            assertThat(mesh.ok("team", "cancel", run)).contains("run " + run + " is cancelled");
            assertThat(mesh.ok("team", "status", run)).contains("inspect  cancelled");
            return;
        }
        CliRunner.Result r = refused(2, "agent_team start needs the supervisor", "team", "start", "g.json");
        assertThat(r.err()).contains("MESH_SERVE=off").contains(" Repair: ");
        refused(2, "agent_team start needs the supervisor", "team", "start", "--graph", MINIMUM);
        refused(2, "agent_team start needs the supervisor", "tool", "agent_team", "{\"action\":\"start\",\"graphFile\":\"g.json\"}");
        String run = seed();
        assertThat(run).as("the refused starts used no handle").isEqualTo("r1");
        refused(2, "agent_team message needs the supervisor", "team", "message", run, "inspect", "hi");
        refused(2, "agent_team cancel needs the supervisor", "team", "cancel", run);
        assertThat(mesh.ok("tool", "agent_team", "{\"action\":\"run_status\"}")).as("the read actions need none")
                .isEqualTo("1 agent_team run(s):\n  r1 running  Answer one scoped local question.\n");
    }

    @Test
    void theRefusalsGoThroughTheSupervisorWhenServed() {
        long before = mesh.servedRequests();
        refused(2, "run 'r99' is not a run of this project", "team", "status", "r99");
        if (served()) {
            assertThat(mesh.servedRequests()).as("requests the supervisor answered").isGreaterThan(before);
        } else {
            assertThat(mesh.servedRequests()).isEqualTo(-1);
        }
    }
}
