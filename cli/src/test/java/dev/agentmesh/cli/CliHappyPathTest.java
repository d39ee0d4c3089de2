package dev.agentmesh.cli;

import dev.agentmesh.crew.TaskSpec;
import dev.agentmesh.mesh.Agent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The everyday commands print what a user expects, exit 0, and with {@code --json} print parseable JSON with the
 * fields of the stored records.
 */
class CliHappyPathTest {
    private static final String CLOCK = "\\d\\d:\\d\\d:\\d\\d";

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
    void aProject() throws IOException {
        mesh = runner(tmp);
    }

    private JsonNode json(String... args) {
        String out = mesh.ok(args);
        return Cli.JSON.readTree(out);
    }

    private void aliceAndBob() {
        mesh.ok("join", "--name", "Alice");
        mesh.ok("join", "--name", "Bob");
    }

    @Test
    void joinWithANamePrintsItAndThePeersAndTheProject() {
        assertThat(mesh.ok("join", "--name", "Alice")).isEqualTo("joined as Alice (0 peer(s)) in " + mesh.root + "\n");
        assertThat(mesh.ok("join", "--name", "Bob")).startsWith("joined as Bob (1 peer(s))");
        List<Agent> present = mesh.inStore(m -> m.mesh().presence().list(false));
        assertThat(present).extracting(Agent::name).containsExactly("Alice", "Bob");
    }

    @Test
    void joinWithoutANameGeneratesOneAndSaysHowToUseIt() {
        List<String> lines = mesh.ok("join").lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).matches("joined as [A-Z][a-z]+[A-Z][a-z]+ \\(0 peer\\(s\\)\\) in .*");
        assertThat(lines.get(1)).contains("later mesh commands of this shell act as it").contains("MESH_AGENT_TOKEN");
        String name = lines.get(0).split(" ")[2];
        assertThat(mesh.ok("status")).as("the shell's later commands act as the agent it joined").startsWith("you are " + name);
        assertThat(mesh.ok("list")).contains(name + " (you)");
    }

    @Test
    void aLeaveThroughTheToolCommandEndsTheShellsIdentityToo() {
        mesh.ok("join", "--name", "Dora");
        assertThat(mesh.ok("status")).startsWith("you are Dora");
        assertThat(mesh.ok("tool", "pi_messenger", "{\"action\":\"leave\"}", "--result")).contains("Dora left the mesh");
        assertThat(mesh.ok("status")).as("no agent of this shell any more").doesNotContain("you are");
    }

    @Test
    void joinTakesTheNameFromMeshAgent() {
        mesh.env("MESH_AGENT", "Carol");
        assertThat(mesh.ok("join")).startsWith("joined as Carol ").doesNotContain("later mesh commands");
    }

    @Test
    void joinJsonPrintsTheAgent() {
        JsonNode a = json("join", "--name", "Alice", "--json");
        assertThat(a.get("name").asString()).isEqualTo("Alice");
        assertThat(a.get("runtime").asString()).isEqualTo("cli");
        assertThat(a.get("branch").asString()).isEqualTo("main");
        assertThat(a.get("cwd").asString()).isEqualTo(mesh.root.toString());
        assertThat(a.get("pid").isIntegralNumber()).isTrue();
        assertThat(a.get("joinedAt").asLong()).isPositive();
        assertThat(a.get("leftAt").isNull()).isTrue();
    }

    @Test
    void listShowsEveryAgentWithRuntimeBranchAndStatus() {
        aliceAndBob();
        mesh.ok("set-status", "reviewing auth", "--as", "Bob");
        assertThat(mesh.ok("list")).as("Bob joined last from this process, so it is Bob")
                .isEqualTo("2 agent(s)\n  Alice  cli @main\n  Bob (you)  cli @main  \"reviewing auth\"\n");
    }

    @Test
    void listAllIncludesAgentsWhoLeft() {
        aliceAndBob();
        assertThat(mesh.ok("leave", "--as", "Bob")).startsWith("Bob left the mesh; 0 reservation(s) released");
        assertThat(mesh.ok("list")).doesNotContain("Bob");
        assertThat(mesh.ok("list", "--all")).contains("Bob (left)");
    }

    @Test
    void globalFlagsGoBeforeOrAfterTheCommand() {
        aliceAndBob();
        assertThat(mesh.ok("--json", "list")).isEqualTo(mesh.ok("list", "--json"));
        CliRunner.Result before = mesh.run("-x", "send", "Nobody", "hi", "--as", "Alice");
        CliRunner.Result after = mesh.run("send", "Nobody", "hi", "--as", "Alice", "-x");
        assertThat(before.code()).isEqualTo(2);
        assertThat(after.code()).isEqualTo(2);
        assertThat(after.err()).startsWith("mesh: unknown agent 'Nobody'").contains("\tat ");
        assertThat(before.err()).contains("\tat ");
        CliRunner.Result literal = mesh.run("send", "Bob", "--as", "Alice", "--", "-x");
        assertThat(literal.code()).as(literal.err()).isZero();
        assertThat(mesh.ok("inbox", "--as", "Bob")).as("after --, -x is the message").contains("Alice: -x");
    }

    @Test
    void listJsonIsAnArrayOfAgents() {
        aliceAndBob();
        JsonNode list = json("list", "--json");
        assertThat(list.isArray()).isTrue();
        assertThat(list.valueStream().map(a -> a.get("name").asString()).toList()).containsExactly("Alice", "Bob");
    }

    @Test
    void sendReportsTheIdAndRecipientsAndTheRecipientIsToldOfIt() {
        aliceAndBob();
        assertThat(mesh.ok("send", "Bob", "auth is done", "--as", "Alice")).isEqualTo("sent #1 to Bob\n");
        assertThat(mesh.ok("status", "--as", "Bob")).contains("1 unread message(s) for Bob");
    }

    @Test
    void sendJsonPrintsTheMessage() {
        aliceAndBob();
        JsonNode m = json("send", "Bob", "auth is done", "--as", "Alice", "--json");
        assertThat(m.get("id").asLong()).isEqualTo(1);
        assertThat(m.get("sender").asString()).isEqualTo("Alice");
        assertThat(m.get("recipients").valueStream().map(JsonNode::asString).toList()).containsExactly("Bob");
        assertThat(m.get("body").asString()).isEqualTo("auth is done");
        assertThat(m.get("broadcast").asBoolean()).isFalse();
    }

    @Test
    void inboxHandsEachMessageOutOnceAndPeekLeavesItUnread() {
        aliceAndBob();
        mesh.ok("send", "Bob", "auth is done", "--as", "Alice");
        mesh.ok("send", "Bob", "thanks", "--reply-to", "1", "--as", "Alice");
        String peeked = mesh.ok("inbox", "--peek", "--as", "Bob");
        assertThat(peeked).matches("(?s)2 message\\(s\\)\n#1 " + CLOCK + " Alice: auth is done\n#2 " + CLOCK
                + " Alice \\(reply to #1\\): thanks\n");
        assertThat(mesh.ok("inbox", "--as", "Bob")).isEqualTo(peeked);
        assertThat(mesh.ok("inbox", "--as", "Bob")).isEqualTo("no new messages\n");
    }

    @Test
    void inboxJsonIsAnArrayOfMessages() {
        aliceAndBob();
        mesh.ok("broadcast", "standup", "--as", "Alice");
        JsonNode inbox = json("inbox", "--json", "--as", "Bob");
        assertThat(inbox.size()).isEqualTo(1);
        assertThat(inbox.get(0).get("body").asString()).isEqualTo("standup");
        assertThat(inbox.get(0).get("broadcast").asBoolean()).isTrue();
        assertThat(json("inbox", "--json", "--as", "Bob").size()).isZero();
    }

    @Test
    void reserveAndReleaseNameThePatternsAndReservationsListsTheLeases() {
        aliceAndBob();
        assertThat(mesh.ok("reserve", "src/a.js", "docs/*.md", "--reason", "auth", "--as", "Alice"))
                .isEqualTo("reserved src/a.js, docs/*.md\n");
        assertThat(mesh.ok("reservations")).matches("(?s)src/a\\.js +Alice +exclusive +since " + CLOCK
                + "  auth\ndocs/\\*\\.md +Alice +exclusive +since " + CLOCK + "  auth\n");
        assertThat(mesh.ok("release", "src/a.js", "--as", "Alice")).isEqualTo("released src/a.js\n");
        assertThat(mesh.ok("release", "--as", "Alice")).isEqualTo("released docs/*.md\n");
        assertThat(mesh.ok("release", "--as", "Alice")).isEqualTo("nothing to release\n");
        assertThat(mesh.ok("reservations")).isEqualTo("no reservations\n");
    }

    @Test
    void aSharedReservationDoesNotBlockAnotherSharedOne() {
        aliceAndBob();
        mesh.ok("reserve", "src/", "--shared", "--as", "Alice");
        assertThat(mesh.ok("reserve", "src/a.js", "--shared", "--as", "Bob")).isEqualTo("reserved src/a.js\n");
    }

    @Test
    void reserveAndReleaseJsonPrintTheLeasesAndPatterns() {
        aliceAndBob();
        JsonNode leases = json("reserve", "src/", "--reason", "auth", "--as", "Alice", "--json");
        assertThat(leases.size()).isEqualTo(1);
        JsonNode r = leases.get(0);
        assertThat(r.get("holder").asString()).isEqualTo("Alice");
        assertThat(r.get("pattern").asString()).isEqualTo("src/");
        assertThat(r.get("exclusive").asBoolean()).isTrue();
        assertThat(r.get("reason").asString()).isEqualTo("auth");
        assertThat(json("reservations", "--json").get(0).get("pattern").asString()).isEqualTo("src/");
        assertThat(json("release", "--as", "Alice", "--json").valueStream().map(JsonNode::asString).toList())
                .containsExactly("src/");
    }

    @Test
    void feedShowsJoinsMessagesAndReservationsInOrder() {
        aliceAndBob();
        mesh.ok("send", "Bob", "auth is done", "--as", "Alice");
        mesh.ok("reserve", "src/a.js", "--reason", "auth", "--as", "Bob");
        List<String> lines = mesh.ok("feed").lines().toList();
        assertThat(lines).hasSize(6);
        assertThat(lines.get(0)).matches(CLOCK + " Alice join: runtime cli");
        assertThat(lines.get(2)).matches(CLOCK + " Alice message Bob: auth is done");
        assertThat(lines.get(3)).matches(CLOCK + " Bob reserve src/a\\.js: auth");
        assertThat(lines.get(5)).as("this process joined Bob last, so it is told of Bob's unread message")
                .startsWith("[mesh] 1 unread message(s) for Bob");
        assertThat(mesh.ok("feed", "--limit", "1").lines().toList()).hasSize(3).first().asString().contains("reserve");
    }

    @Test
    void feedJsonIsAnArrayOfEvents() {
        aliceAndBob();
        JsonNode feed = json("feed", "--json");
        assertThat(feed.valueStream().map(e -> e.get("kind").asString()).toList()).containsExactly("join", "join");
        assertThat(feed.get(1).get("actor").asString()).isEqualTo("Bob");
        assertThat(feed.get(1).get("at").asLong()).isPositive();
    }

    @Test
    void whoisShowsRuntimeBranchCwdStatusAndReservations() {
        aliceAndBob();
        mesh.ok("set-status", "on auth", "--as", "Alice");
        mesh.ok("reserve", "src/a.js", "--as", "Alice");
        String out = mesh.ok("whois", "Alice");
        assertThat(out).startsWith("Alice\n  runtime cli, model -, branch main, pid ")
                .contains("\n  cwd " + mesh.root + "\n")
                .contains("\n  status: on auth\n")
                .endsWith("\n  reservations: src/a.js\n");
    }

    @Test
    void whoisJsonHasTheAgentAndItsReservations() {
        aliceAndBob();
        mesh.ok("reserve", "src/a.js", "--as", "Alice");
        JsonNode a = json("whois", "Alice", "--json");
        assertThat(a.get("name").asString()).isEqualTo("Alice");
        assertThat(a.get("reservations").get(0).get("pattern").asString()).isEqualTo("src/a.js");
    }

    @Test
    void renameKeepsMessagesAndReservations() {
        aliceAndBob();
        mesh.ok("send", "Alice", "hi", "--as", "Bob");
        mesh.ok("reserve", "src/a.js", "--as", "Alice");
        assertThat(mesh.ok("rename", "Carol", "--as", "Alice")).startsWith("you are now Carol");
        assertThat(mesh.ok("list")).contains("Carol").doesNotContain("Alice");
        assertThat(mesh.ok("inbox", "--as", "Carol")).contains("Bob: hi");
        assertThat(mesh.ok("reservations")).contains("Carol");
    }

    @Test
    void renameJsonPrintsTheRenamedAgent() {
        aliceAndBob();
        assertThat(json("rename", "Carol", "--as", "Alice", "--json").get("name").asString()).isEqualTo("Carol");
    }

    @Test
    void setStatusSetsAndClearsTheStatusMessage() {
        aliceAndBob();
        assertThat(mesh.ok("set-status", "reviewing auth", "--as", "Alice")).isEqualTo("status: reviewing auth\n");
        assertThat(json("set-status", "--as", "Alice", "--json").get("statusMessage").isNull()).isTrue();
        assertThat(mesh.ok("set_status", "--as", "Alice")).isEqualTo("status cleared\n");
    }

    @Test
    void taskCommandsMoveATaskFromTodoToDone() {
        aliceAndBob();
        mesh.plan(new TaskSpec("task-1", "Write the parser", "Parse the config.", List.of()),
                new TaskSpec("task-2", "Test the parser", "", List.of("task-1")));
        assertThat(mesh.ok("task", "list")).matches("(?s)task-1 +todo +Write the parser\ntask-2 +todo +Test the parser  \\(after task-1\\)\n");
        assertThat(mesh.ok("task", "ready")).startsWith("task-1").doesNotContain("task-2");
        assertThat(mesh.ok("task", "show", "task-1"))
                .isEqualTo("task-1: Write the parser\n  status todo, attempts 0, reviews 0\n  Parse the config.\n");
        assertThat(mesh.ok("task", "start", "task-1", "--as", "Alice"))
                .startsWith("task-1: Write the parser\n  status in_progress, assignee Alice, attempts 1");
        assertThat(mesh.ok("task", "done", "task-1", "--summary", "parser written", "--as", "Alice"))
                .contains("status done").contains("summary: parser written");
        assertThat(mesh.ok("task", "ready")).startsWith("task-2");
        assertThat(mesh.ok("crew", "status")).startsWith("crew: 2 tasks: 1 done, 0 in progress, 1 todo, 0 blocked; ready: task-2");
    }

    @Test
    void reservationsCheckTellsScriptsWhetherAnEditIsFree() {
        aliceAndBob();
        mesh.ok("reserve", "src/", "--reason", "refactoring src", "--as", "Alice");
        assertThat(mesh.ok("reservations", "check", "src/a.js", "--as", "Alice")).isEqualTo("free: no other agent holds these paths\n");
        CliRunner.Result held = mesh.run("reservations", "check", "README.md", "src/a.js", "--as", "Bob");
        assertThat(held.code()).isEqualTo(3);
        assertThat(held.err()).matches("mesh: src/a.js is reserved by Alice \\(src/\\) since " + CLOCK + " \\(\\d+s ago\\): refactoring src; .*\n");
        assertThat(mesh.ok("reservations")).startsWith("src/").contains("Alice").contains("refactoring src");
    }

    @Test
    void swarmClaimsHaveOneHolderAndAreCompletedOnce() {
        aliceAndBob();
        assertThat(mesh.ok("claim", "t-1", "--as", "Alice")).isEqualTo("claimed t-1\n");
        CliRunner.Result taken = mesh.run("claim", "t-1", "--as", "Bob");
        assertThat(taken.code()).isEqualTo(3);
        assertThat(taken.err()).matches("mesh: t-1 is claimed by Alice since " + CLOCK + "; pick another task .*\n");
        assertThat(mesh.ok("complete", "t-1", "--result", "parser fixed", "--as", "Alice")).isEqualTo("completed t-1\n");
        assertThat(mesh.ok("swarm")).matches("(?s)swarm: 1 completed, 0 claimed\n  t-1 +completed +Alice +since " + CLOCK
                + ": parser fixed\n");
        assertThat(mesh.ok("feed")).contains("Alice swarm.claim t-1").contains("Alice swarm.complete t-1: parser fixed");
    }

    @Test
    void blockedTasksCanBeUnblockedAndReset() {
        aliceAndBob();
        mesh.plan(new TaskSpec("task-1", "Write the parser", "", List.of()), new TaskSpec("task-2", "Test it", "", List.of()));
        assertThat(mesh.ok("task", "block", "task-1", "--reason", "needs a spec", "--as", "Alice"))
                .contains("status blocked").contains("blocked: needs a spec");
        mesh.ok("task", "block", "task-2", "--reason", "needs the parser", "--as", "Alice");
        assertThat(mesh.ok("task", "unblock", "task-1", "task-2", "--as", "Alice"))
                .contains("task-1: Write the parser\n  status todo").contains("task-2: Test it\n  status todo");
        mesh.ok("task", "start", "task-1", "--as", "Alice");
        assertThat(mesh.ok("task", "reset", "task-1", "--as", "Alice")).matches("task-1 +todo +Write the parser\n");
    }

    @Test
    void taskJsonPrintsTheTaskFields() {
        aliceAndBob();
        mesh.plan(new TaskSpec("task-1", "Write the parser", "", List.of()),
                new TaskSpec("task-2", "Test the parser", "", List.of("task-1")));
        JsonNode list = json("task", "list", "--json");
        assertThat(list.size()).isEqualTo(2);
        assertThat(list.get(1).get("id").asString()).isEqualTo("task-2");
        assertThat(list.get(1).get("dependsOn").get(0).asString()).isEqualTo("task-1");
        JsonNode started = json("task", "start", "task-1", "--as", "Alice", "--json");
        assertThat(started.get("assignee").asString()).isEqualTo("Alice");
        assertThat(started.get("attempts").asInt()).isEqualTo(1);
        assertThat(started.get("status").asString()).isEqualToIgnoringCase("in_progress");
    }

    @Test
    void versionPrintsTheVersion() {
        CliRunner.Result r = mesh.run("--version");
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("mesh (agentmesh) ").contains("Java ");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void helpListsTheCommands() {
        CliRunner.Result r = mesh.run("--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("Usage: mesh").contains("join").contains("send").contains("reserve")
                .contains("task").contains("crew").contains("--trace");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void aSubcommandsHelpDescribesItsOptions() {
        CliRunner.Result r = mesh.run("help", "send");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("Usage: mesh send").contains("--reply-to").contains("--as");
    }
}
