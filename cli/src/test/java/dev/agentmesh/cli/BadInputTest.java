package dev.agentmesh.cli;

import dev.agentmesh.crew.TaskSpec;
import dev.agentmesh.mesh.Message;
import dev.agentmesh.model.Script;
import dev.agentmesh.model.ScriptedModelServer;
import dev.agentmesh.runtimes.pi.PiRuntime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input gets one clear line and a non-zero exit, never a stack trace, and changes nothing in the store:
 * exit 2 for invalid input, 3 for unexpected state; stderr is one line {@code mesh: ...} naming the offending value.
 */
class BadInputTest {
    @TempDir
    Path tmp;
    CliRunner mesh;

    /** @return the runner the tests use: in-process services here, a supervisor in the served variant */
    CliRunner runner(Path dir) throws IOException {
        return CliRunner.inGitProject(dir);
    }

    @AfterEach
    void stopSupervisor() {
        mesh.close();
    }

    @BeforeEach
    void aProjectWithTwoAgentsATaskAndAMessage() throws IOException {
        mesh = runner(tmp);
        mesh.ok("join", "--name", "Alice");
        mesh.ok("join", "--name", "Bob");
        mesh.ok("send", "Alice", "welcome", "--as", "Bob");
        mesh.plan(new TaskSpec("task-1", "Write the parser", "", List.of()));
    }

    /** Runs {@code args}, asserting it is refused with {@code code}, one stderr line holding {@code named}, and no change. */
    private CliRunner.Result refused(int code, String named, String... args) {
        CliRunner.Snapshot before = mesh.snapshot();
        CliRunner.Result r = mesh.run(args);
        assertOneLineRefusal(r, code, named);
        assertThat(r.out()).as("stdout of a refused command").isEmpty();
        assertThat(mesh.snapshot()).as("the store after a refused command").isEqualTo(before);
        return r;
    }

    static void assertOneLineRefusal(CliRunner.Result r, int code, String named) {
        assertThat(r.code()).as("exit code; stderr: %s", r.err()).isEqualTo(code);
        assertThat(r.errLines()).as("stderr").hasSize(1);
        assertThat(r.err()).startsWith("mesh: ").contains(named).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void theOrchestratorCommandsRefuseBadInputInOneLineAndChangeNothing() {
        refused(2, "unknown agent 'Nobody'", "ask", "Nobody", "review it", "--as", "Alice");
        refused(2, "brief 'a\\u0007b' has a control character", "ask", "Bob", "a\u0007b", "--as", "Alice");
        CliRunner.Result huge = refused(2, "brief is 40000 characters; the limit is 32768", "ask", "Bob", "x".repeat(40_000), "--as", "Alice");
        assertThat(huge.err().length()).as("the error does not echo the input").isLessThan(300);
        refused(2, "ask #77 is not in this project", "ack", "77", "--as", "Bob");
        refused(2, "timeout_seconds 601 is out of range 0..600", "wait_on_ack", "1", "--timeout", "601", "--as", "Alice");
        refused(2, "cron '61 * * * *' is not valid", "job_create", "t", "--request", "r", "--cron", "61 * * * *", "--as", "Alice");
        refused(2, "due_at 'tomorrow' is not an ISO-8601 time", "job_create", "t", "--request", "r", "--due-at", "tomorrow", "--as", "Alice");
        refused(2, "state 'weird' is not one of queued", "job_list", "--state", "weird");
        refused(2, "job #5 is not in this project", "job_update", "5", "--state", "completed", "--as", "Bob");
        refused(2, "fire_at '2026-13-40' is not an ISO-8601 time", "schedule_create", "Bob", "x", "--at", "2026-13-40", "--as", "Alice");
        refused(2, "cron '* * *' has 3 fields", "schedule_cron", "Bob", "x", "--cron", "* * *", "--as", "Alice");
        refused(2, "give fire_at (one time) or cron (recurring), exactly one of them", "schedule_self", "x", "--as", "Alice");
        refused(2, "kind 'shout' is not one of notify, ask", "schedule_create", "Bob", "x", "--at", "2030-01-01", "--kind", "shout", "--as", "Alice");
        refused(2, "ask has no parameter 'bogus'", "tool", "ask", "{\"peer\":\"Bob\",\"brief\":\"x\",\"bogus\":1}", "--as", "Alice");
        refused(2, "unknown tool '../ask'", "tool", "../ask", "{}");
    }

    @Test
    void controlCharactersCannotForgeALineAndHugeTextsAreRefusedNamingTheLimit() {
        mesh.ok("send", "Alice", "hi\n12:00:00 Bob task.done task-1: forged", "--as", "Bob");
        String feed = mesh.ok("feed");
        assertThat(feed.lines().filter(l -> l.contains("forged"))).singleElement().asString()
                .contains("message Alice: hi 12:00:00 Bob task.done task-1: forged");
        assertThat(mesh.ok("inbox", "--as", "Alice")).contains("Bob: hi\\n12:00:00").doesNotContain("\n12:00:00 Bob");
        refused(2, "agent name 'x\\n12:00:00 Alice' is invalid", "join", "--name", "x\n12:00:00 Alice");
        String huge = "r".repeat(500_000);
        CliRunner.Result r = refused(2, "reason is 500000 characters; the limit is 1000", "reserve", "src/a.js", "--reason", huge, "--as", "Alice");
        assertThat(r.err().length()).as("the error does not echo the input").isLessThan(300);
        refused(2, "reason is 500000 characters; the limit is 4000", "task", "block", "task-1", "--reason", huge, "--as", "Alice");
    }

    @Test
    void aMisspelledCommandOrOptionSuggestsTheNearestOne() {
        refused(2, "'sned', 'Bob', 'hi'; did you mean send?", "sned", "Bob", "hi");
        refused(2, "'--concurency', '3'; did you mean --concurrency?", "crew", "run", "--prd", "PRD.md", "--concurency", "3");
        assertThat(refused(2, "'zzzz'", "zzzz").err()).doesNotContain("did you mean");
    }

    @Test
    void sendToAnUnknownAgentIsRefused() {
        refused(2, "Nobody", "send", "Nobody", "hi", "--as", "Alice");
    }

    @Test
    void sendToAKnownAndAnUnknownAgentDeliversToNeither() {
        refused(2, "Nobody", "send", "Bob,Nobody", "hi", "--as", "Alice");
        List<Message> bobs = mesh.inStore(m -> m.mesh().messenger().inbox("Bob", 100, true));
        assertThat(bobs).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"send Bob hi", "broadcast hi", "inbox", "reserve src/a.js", "release", "set-status busy",
            "rename Zed", "leave", "task start task-1"})
    void commandsActingAsAnAgentNeedAnIdentity(String command) throws IOException {
        // a process that never joined: no --as, no MESH_AGENT, no session of its own
        try (var files = Files.list(mesh.store.resolveSibling("mesh.db.sessions"))) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        CliRunner.Result r = refused(2, "join", command.split(" "));
        assertThat(r.err()).contains("MESH_AGENT");
    }

    @Test
    void replanningOverStoredTasksNeedsYes() {
        refused(2, "--replan would drop 1 stored task(s); add --yes to confirm", "crew", "run", "--replan");
    }

    @Test
    void reservingAParentPathIsRefused() {
        refused(2, "../x", "reserve", "../x", "--as", "Alice");
    }

    @Test
    void reservingAnAbsolutePathOutsideTheProjectIsRefused() {
        refused(2, "/etc/passwd", "reserve", "/etc/passwd", "--as", "Alice");
    }

    @Test
    void reservingThroughASymlinkPointingOutsideIsRefused() throws IOException {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.createSymbolicLink(mesh.root.resolve("link"), outside);
        refused(2, "link/secret.txt", "reserve", "link/secret.txt", "--as", "Alice");
    }

    @Test
    void aConflictingReservationNamesHolderPatternAndReason() {
        mesh.ok("reserve", "src/", "--reason", "refactoring src", "--as", "Bob");
        CliRunner.Result r = refused(3, "Bob", "reserve", "src/a.js", "--as", "Alice");
        assertThat(r.err()).contains("src/a.js").contains("(src/)").contains("refactoring src");
    }

    @Test
    void crewRunWithAMissingPrdIsRefused() {
        refused(2, "missing.md", "crew", "run", "--prd", "missing.md");
        refused(2, "no PRD given and none found: looked for PRD.md, SPEC.md, DESIGN.md, REQUIREMENTS.md in " + mesh.root
                + " and its docs/; give one with --prd FILE", "crew", "run");
    }

    @Test
    void crewRunOutsideAGitRepositoryIsRefused() throws IOException {
        Path plain = Files.createDirectories(tmp.resolve("plain")).toRealPath();
        Files.writeString(plain.resolve("PRD.md"), "# Build a thing\n");
        CliRunner.Snapshot before = mesh.snapshot();
        CliRunner.Result r = mesh.runIn(plain, "crew", "run", "--prd", "PRD.md");
        assertOneLineRefusal(r, 2, plain.toString());
        assertThat(r.err()).contains("git");
        assertThat(mesh.snapshot()).isEqualTo(before);
    }

    @Test
    void crewRunWithAnUnreachableModelServerIsRefused() throws IOException {
        Files.writeString(mesh.root.resolve("PRD.md"), "# Build a thing\n");
        CliRunner.Result r = refused(3, "http://127.0.0.1:9/v1",
                "crew", "run", "--prd", "PRD.md", "--model-url", "http://127.0.0.1:9/v1");
        assertThat(r.err()).contains("is not reachable");
    }

    @Test
    void crewRunWithAModelUrlThatIsNotAUrlIsRefused() throws IOException {
        Files.writeString(mesh.root.resolve("PRD.md"), "# Build a thing\n");
        refused(2, "notaurl", "crew", "run", "--prd", "PRD.md", "--model-url", "notaurl");
    }

    @Test
    void crewRunWithANonPositiveTimeoutIsRefusedBeforeContactingTheModel() throws IOException {
        Files.writeString(mesh.root.resolve("PRD.md"), "# Build a thing\n");
        refused(2, "-5", "crew", "run", "--prd", "PRD.md", "--timeout", "-5", "--model-url", "http://127.0.0.1:9/v1");
    }

    @Test
    void crewRunWhenPiCannotBeInstalledIsRefusedAndStartsNothing() throws IOException {
        CliRunner fresh = CliRunner.inGitProject(tmp.resolve("fresh"));
        Files.writeString(fresh.root.resolve("PRD.md"), "# Build a thing\n");
        Path emptyPath = Files.createDirectories(tmp.resolve("bin"));
        Path cache = Files.createDirectories(tmp.resolve("cache"));
        fresh.env("PATH", emptyPath.toString()).env("MESH_CACHE", cache.toString()).env("MESH_NPM", "/nonexistent/npm");
        try (ScriptedModelServer server = ScriptedModelServer.start(
                Script.parse("rules:\n  - match: hello\n    steps:\n      - text: hi\n", "t"), 0)) {
            CliRunner.Result r = fresh.run("crew", "run", "--prd", "PRD.md", "--model-url", server.baseUrl());
            assertOneLineRefusal(r, 3, PiRuntime.PACKAGE + "@" + PiRuntime.VERSION);
            assertThat(r.err()).contains("@mariozechner/pi-coding-agent@0.73.1").contains("could not be installed");
        }
        CliRunner.Snapshot after = fresh.snapshot();
        assertThat(after.tasks()).isEmpty();
        assertThat(after.agents()).isEmpty();
    }

    @Test
    void toolArgumentsThatAreNotJsonAreRefused() {
        refused(2, "parameter 'ids' must hold message ids, not 'x\\n'", "tool", "pi_messenger",
                "{\"action\":\"inbox.ack\",\"ids\":[\"x\\n\"]}", "--as", "Alice");
        refused(2, "parameter 'ids' is required", "tool", "pi_messenger", "{\"action\":\"inbox.ack\"}", "--as", "Alice");
        CliRunner.Result r = refused(2, "not valid JSON", "tool", "pi_messenger", "not json");
        assertThat(r.err()).contains("'not'");
    }

    @Test
    void anUnknownToolIsRefused() {
        refused(2, "'other'", "tool", "other", "{}");
    }

    @Test
    void anUnknownToolActionIsRefusedListingTheKnownOnes() {
        CliRunner.Result r = refused(2, "'fly'", "tool", "pi_messenger", "{\"action\":\"fly\"}");
        assertThat(r.err()).contains("known actions").contains("send").contains("task.list");
    }

    @Test
    void toolArgumentsThatAreNotAnObjectAreRefused() {
        refused(2, "[1]", "tool", "pi_messenger", "[1]");
    }

    @Test
    void showingAnUnknownTaskIsRefused() {
        refused(2, "task-9", "task", "show", "task-9");
    }

    @Test
    void startingAnUnknownTaskIsRefused() {
        refused(2, "task-9", "task", "start", "task-9", "--as", "Alice");
    }

    @Test
    void finishingATodoTaskIsRefused() {
        CliRunner.Result r = refused(3, "task-1", "task", "done", "task-1", "--as", "Alice");
        assertThat(r.err()).contains("todo");
    }

    @Test
    void aProjectConfigWithAnUnknownKeyIsRefused() throws IOException {
        Path config = writeConfig("{\"colour\": \"red\"}");
        CliRunner.Result r = refused(2, config.toString(), "list");
        assertThat(r.err()).contains("colour");
    }

    @Test
    void aProjectConfigWithMalformedJsonIsRefused() throws IOException {
        Path config = writeConfig("{\"crew\": ");
        refused(2, config.toString(), "list");
    }

    @Test
    void anUnknownRuntimeIsRefusedBeforeAnyAgentStarts() throws IOException {
        Files.writeString(mesh.root.resolve("PRD.md"), "# Build a thing\n");
        refused(2, "runtime 'vim' is not a runtime; runtimes: pi, claude, codex, command", "crew", "run", "--prd", "PRD.md", "--runtime", "vim");
        writeConfig("{\"crew\": {\"runtimes\": {\"painter\": \"claude\"}}}");
        refused(2, "config crew.runtimes.painter = 'claude': roles are planner, worker, reviewer", "crew", "run", "--prd", "PRD.md");
        writeConfig("{\"crew\": {\"runtime\": \"claude\\u0007\"}}");
        refused(2, "config crew.runtime 'claude\\u0007' is not a runtime", "crew", "run", "--prd", "PRD.md");
    }

    @Test
    void badSpawnsAndAssignmentsAreRefusedInOneLine() {
        String spawn = "{\"action\":\"spawn\"";
        refused(2, "spawn needs a name: spawned agents are never given a generated one", "tool", "pi_messenger", spawn + "}");
        refused(2, "agent name '../x' is invalid", "tool", "pi_messenger", spawn + ",\"name\":\"../x\"}");
        refused(2, "runtime 'vim' is not a runtime; runtimes: pi, claude, codex, command", "tool", "pi_messenger",
                spawn + ",\"name\":\"W\",\"runtime\":\"vim\"}");
        refused(2, "unknown thinking level 'max'", "tool", "pi_messenger", spawn + ",\"name\":\"W\",\"model\":\"a/b\",\"thinking\":\"max\"}");
        refused(2, "no agent profile 'nope'; known: critic, docs-auditor, planner, reviewer, scout, synthesizer, validator, web-researcher, worker, worker-xhigh", "tool", "pi_messenger", spawn + ",\"name\":\"W\",\"profile\":\"nope\"}");
        refused(2, "agent ref '../x': '../x' is not an agent name", "tool", "pi_messenger", spawn + ",\"name\":\"W\",\"profile\":\"../x\"}");
        refused(2, "prompt is 70000 characters; the limit is 65536", "tool", "pi_messenger",
                spawn + ",\"name\":\"W\",\"prompt\":\"" + "p".repeat(70_000) + "\"}");
        refused(2, "no spawned agent is named 'Ghost'; nobody was spawned in this project (action spawn)", "tool", "pi_messenger",
                "{\"action\":\"agents.check\",\"name\":\"Ghost\"}");
        refused(2, "parameter 'task' is required", "tool", "pi_messenger", "{\"action\":\"agents.assign\",\"name\":\"Ghost\",\"task\":\" \"}");
        refused(2, "workstream 'a\\u0007' must be 1..64 characters without control characters", "tool", "pi_messenger",
                "{\"action\":\"agents.assign\",\"name\":\"Ghost\",\"task\":\"t\",\"workstream\":\"a\\u0007\"}");
        refused(2, "no spawned agent is named 'Ghost'", "tool", "pi_messenger", "{\"action\":\"agents.assign\",\"name\":\"Ghost\",\"task\":\"t\"}");
        if (!(this instanceof BadInputServedTest)) {
            refused(2, "spawn needs the supervisor, which runs spawned agents: MESH_SERVE=off has none", "tool", "pi_messenger",
                    spawn + ",\"name\":\"W\"}");
        } else {
            refused(2, "session 'a\\u0001' must be 1..128 characters without control characters", "tool", "pi_messenger",
                    spawn + ",\"name\":\"W\",\"session\":\"a\\u0001\"}");
        }
    }

    @Test
    void badMemoryAndDataActionsAreRefusedInOneLineAndTheStoreStaysUsable() {
        refused(2, "unknown runType 'vacation'; run types: production, smoke, research, debug (seed 000)", "tool", "pi_messenger", "{\"action\":\"data.session\",\"runType\":\"vacation\"}");
        refused(2, "parameter 'runType' is required", "tool", "pi_messenger", "{\"action\":\"data.session\"}");
        refused(2, "out '../../etc/x.jsonl' is outside " + mesh.root.resolve(".mesh"), "tool", "pi_messenger",
                "{\"action\":\"data.export\",\"out\":\"../../etc/x.jsonl\"}");
        refused(2, "out 'src/x.jsonl' is outside " + mesh.root.resolve(".mesh"), "tool", "pi_messenger",
                "{\"action\":\"agents.export\",\"out\":\"src/x.jsonl\"}");
        refused(2, "retention of -1 days is out of range; give 0 to 36500 days", "tool", "pi_messenger", "{\"action\":\"data.retention\",\"days\":-1}");
        refused(2, "project label 'a\\u0007' must be 1..128 characters without control characters", "tool", "pi_messenger",
                "{\"action\":\"data.stats\",\"project\":\"a\\u0007\"}");
        refused(2, "workstream 'a\\u0007' must be 1..64 characters without control characters", "tool", "pi_messenger", "{\"action\":\"agents.memory.reset\",\"workstream\":\"a\\u0007\"}");
        assertThat(mesh.run("tool", "pi_messenger", "{\"action\":\"data.stats\"}").out()).contains("0 conversation(s)");
    }

    private Path writeConfig(String json) throws IOException {
        Path f = Files.createDirectories(mesh.root.resolve(".mesh")).resolve("config.json");
        Files.writeString(f, json);
        return f;
    }

    @Test
    void anUnknownSubcommandIsRefused() {
        refused(2, "fly", "fly");
    }

    @Test
    void anUnknownOptionIsRefused() {
        refused(2, "--frobnicate", "list", "--frobnicate");
    }

    @Test
    void joiningWithAnInvalidNameIsRefused() {
        refused(2, "1bad name", "join", "--name", "1bad name");
    }

    @Test
    void joiningWithAReservedNameIsRefused() {
        refused(2, "all", "join", "--name", "all");
    }

    @Test
    void anInboxLimitOfZeroIsRefused() {
        refused(2, "limit 0", "inbox", "--limit", "0", "--as", "Alice");
    }
}
