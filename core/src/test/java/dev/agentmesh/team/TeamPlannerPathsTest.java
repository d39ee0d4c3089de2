package dev.agentmesh.team;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.agentmesh.team.TeamGraphs.agent;
import static dev.agentmesh.team.TeamGraphs.minimum;
import static dev.agentmesh.team.TeamGraphs.refusal;
import static dev.agentmesh.team.TeamGraphs.step;
import static dev.agentmesh.team.TeamGraphs.withAuthority;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Step cwds, the settings-tree rule for bash steps and graph files (seeds/002): relative paths inside the invocation
 * cwd, no symlink in any component, no escape, files within their size limit.
 */
class TeamPlannerPathsTest {
    @TempDir
    Path tmp;
    private TeamGraphs g;

    @BeforeEach
    void setUp() {
        g = new TeamGraphs(tmp);
    }

    private ObjectNode withCwd(String cwd) {
        ObjectNode graph = minimum();
        step(graph).put("cwd", cwd);
        return graph;
    }

    private ObjectNode bashStep(String cwd) {
        ObjectNode graph = withAuthority(withCwd(cwd), "allowShellTools");
        agent(graph).putArray("tools").add("bash");
        return graph;
    }

    @Test
    void aCwdIsAnExistingFolderInsideTheRoot() {
        g.mkdir("src/app");
        assertThat(g.plan(withCwd("src/app")).steps().getFirst().cwd()).isEqualTo("src/app");
        assertThat(g.plan(withCwd("./src//app/")).steps().getFirst().cwd()).isEqualTo("src/app");
        assertThat(g.plan(withCwd("")).steps().getFirst().cwd()).isEmpty();
        assertThat(g.plan(withCwd(".")).steps().getFirst().cwd()).isEmpty();
        assertThat(TeamPlanner.resolveCwd(g.root, "src/app")).isEqualTo(g.root.resolve("src/app"));
        assertThat(TeamPlanner.resolveCwd(g.root, null)).isEqualTo(g.root);
    }

    @Test
    void missingAndNonDirectoryCwdsAreRefused() {
        g.mkdir("src");
        g.write("src/readme.txt", "x");
        assertThat(g.refused(withCwd("src/lib"))).isEqualTo("step 'inspect' cwd 'src/lib' does not exist (no 'src/lib') "
                + "Repair: give an existing path inside the invocation cwd, relative to it");
        assertThat(g.refused(withCwd("src/readme.txt"))).isEqualTo("step 'inspect' cwd 'src/readme.txt': 'src/readme.txt' is not a directory "
                + "Repair: give an existing folder inside the invocation cwd");
        assertThat(g.refused(withCwd("src/readme.txt/deeper"))).contains("'src/readme.txt' is not a directory");
    }

    @ParameterizedTest
    @CsvSource({"../outside", "src/../..", "..", "a/../../b"})
    void dotDotCwdsAreRefused(String cwd) {
        g.mkdir("src");
        assertThat(g.refused(withCwd(cwd))).isEqualTo("step 'inspect' cwd '" + cwd + "' uses '..' to leave the invocation cwd "
                + "Repair: give a folder inside the invocation cwd, relative to it, without '..'");
    }

    @Test
    void absoluteCwdsAreRefused() {
        g.mkdir("src");
        String abs = g.root.resolve("src").toString();
        assertThat(g.refused(withCwd(abs))).isEqualTo("step 'inspect' cwd '" + abs + "' is absolute "
                + "Repair: give a folder relative to the invocation cwd, e.g. src/app");
        assertThat(refusal(() -> TeamPlanner.resolveCwd(g.root, "/etc"))).startsWith("cwd '/etc' is absolute Repair: ");
    }

    @Test
    void controlCharactersInACwdAreRefusedEscaped() {
        assertThat(g.refused(withCwd("src\u0000/x"))).isEqualTo("step 'inspect' cwd 'src\\u0000/x' has a control character (U+0000) "
                + "Repair: give step 'inspect' cwd 'src\\u0000/x' as one line of plain text");
        assertThat(g.refused(withCwd("a\nb"))).contains("cwd 'a\\nb' has a control character (U+000A)");
    }

    @Test
    void aSymlinkInAnyCwdComponentIsRefused() throws Exception {
        Path outside = Files.createDirectories(tmp.toRealPath().resolve("outside/deep"));
        Files.createSymbolicLink(g.root.resolve("link"), outside.getParent());
        g.mkdir("src");
        Files.createSymbolicLink(g.root.resolve("src/inner"), g.root.resolve("src"));
        assertThat(g.refused(withCwd("link"))).isEqualTo("step 'inspect' cwd 'link' passes through the symlink 'link' "
                + "Repair: give the real folder path inside the invocation cwd; symlinks are refused in every component");
        assertThat(g.refused(withCwd("link/deep"))).startsWith("step 'inspect' cwd 'link/deep' passes through the symlink 'link' Repair: ");
        assertThat(g.refused(withCwd("src/inner"))).as("a link that stays inside is refused too")
                .startsWith("step 'inspect' cwd 'src/inner' passes through the symlink 'src/inner'");
        assertThat(refusal(() -> TeamPlanner.resolveCwd(g.root, "link/deep"))).startsWith("cwd 'link/deep' passes through the symlink 'link'");
    }

    @Test
    void theCwdIsRecheckedRightBeforeLaunch() throws Exception {
        Path dir = g.mkdir("lane");
        TeamPlan plan = g.plan(withCwd("lane"));
        Files.delete(dir);
        Files.createSymbolicLink(dir, tmp.toRealPath());
        assertThat(refusal(() -> TeamPlanner.resolveCwd(g.root, plan.steps().getFirst().cwd())))
                .startsWith("cwd 'lane' passes through the symlink 'lane'");
    }

    @Test
    void aBashStepIsRefusedInsideAPiSettingsTree() {
        g.mkdir("src/app");
        assertThat(g.plan(bashStep("src/app")).steps().getFirst().tools()).contains("bash");
        g.write("src/.pi/settings.json", "{}");
        assertThat(g.refused(bashStep("src/app"))).isEqualTo("step 'inspect' has bash, but its cwd 'src/app' is inside a pi settings tree: "
                + "'src/.pi/settings.json' exists Repair: drop bash from the step, choose a cwd outside that settings tree, or run "
                + "outside it (seeds/002 \"Bash child is refused\")");
        assertThat(g.plan(withCwd("src/app")).steps().getFirst().tools()).as("without bash it runs").doesNotContain("bash");
        g.mkdir("other");
        assertThat(g.plan(bashStep("other")).steps().getFirst().cwd()).as("a sibling tree is fine").isEqualTo("other");
        g.write(".pi/settings.json", "{}");
        assertThat(g.refused(bashStep(""))).contains("its cwd '.' is inside a pi settings tree: '.pi/settings.json' exists");
        assertThat(g.refused(bashStep("other"))).as("the root counts").contains("'.pi/settings.json' exists");
    }

    @Test
    void eachRuntimeHasItsOwnSettingsFiles() {
        g.mkdir("app");
        g.write("app/.claude/settings.local.json", "{}");
        assertThat(g.plan(bashStep("app")).steps().getFirst().runtime()).as("pi ignores claude's settings").isEqualTo("pi");
        assertThat(g.refused(bashStep("app").put("runtime", "claude"))).contains("inside a claude settings tree: 'app/.claude/settings.local.json' exists");
        g.write("app/.codex/config.toml", "");
        assertThat(g.refused(bashStep("app").put("runtime", "codex"))).contains("inside a codex settings tree: 'app/.codex/config.toml' exists");
        assertThat(g.plan(bashStep("app").put("runtime", "command")).steps()).hasSize(1);
        g.write(".claude/settings.json", "{}");
        assertThat(refusal(() -> TeamPlanner.checkSettingsTree(g.root, g.root.resolve("app"), "claude")))
                .startsWith("a bash-enabled step has bash, but its cwd 'app' is inside a claude settings tree: 'app/.claude/settings.local.json'");
    }

    @Test
    void theSettingsTreeStopsAtTheRoot() throws Exception {
        Files.createDirectories(tmp.toRealPath().resolve(".pi"));
        Files.writeString(tmp.toRealPath().resolve(".pi/settings.json"), "{}");
        TeamPlanner.checkSettingsTree(g.root, g.root, "pi");
        assertThat(refusal(() -> TeamPlanner.checkSettingsTree(g.root, tmp.toRealPath(), "pi"))).contains("is outside the invocation cwd");
    }

    @Test
    void aGraphFileIsReadAndPlanned() {
        g.write("graphs/local.json", TeamGraphs.MINIMUM.replace('\'', '"'));
        JsonNode graph = TeamPlanner.readGraphFile(g.root, "graphs/local.json");
        assertThat(g.plan(graph).steps().getFirst().agentRef()).isEqualTo("package:scout");
    }

    @Test
    void graphFilePathsAreRelativeJsonInsideTheRoot() {
        g.write("g.yaml", "{}");
        assertThat(refusal(() -> TeamPlanner.readGraphFile(g.root, "g.yaml"))).isEqualTo("graphFile 'g.yaml' is not a .json file "
                + "Repair: point graphFile at a relative .json file that holds only the graph body");
        assertThat(refusal(() -> TeamPlanner.readGraphFile(g.root, g.root.resolve("g.json").toString()))).contains("is absolute");
        assertThat(refusal(() -> TeamPlanner.readGraphFile(g.root, "../g.json"))).startsWith("graphFile '../g.json' uses '..' to leave the invocation cwd");
        assertThat(refusal(() -> TeamPlanner.readGraphFile(g.root, "none.json"))).startsWith("graphFile 'none.json' does not exist");
        assertThat(refusal(() -> TeamPlanner.readGraphFile(g.root, ""))).startsWith("graphFile is empty Repair: ");
        assertThat(refusal(() -> TeamPlanner.readGraphFile(g.root, "g\u0000.json"))).contains("'g\\u0000.json' has a control character (U+0000)");
        g.mkdir("dir.json");
        assertThat(refusal(() -> TeamPlanner.readGraphFile(g.root, "dir.json"))).startsWith("graphFile 'dir.json' is not a regular file");
    }

    @Test
    void aGraphFileReachedThroughASymlinkIsRefused() throws Exception {
        Path real = g.write("real/g.json", TeamGraphs.MINIMUM.replace('\'', '"'));
        Files.createSymbolicLink(g.root.resolve("link.json"), real);
        Files.createSymbolicLink(g.root.resolve("alias"), real.getParent());
        Path outside = Files.writeString(tmp.toRealPath().resolve("outside.json"), TeamGraphs.MINIMUM.replace('\'', '"'));
        Files.createSymbolicLink(g.root.resolve("out.json"), outside);
        assertThat(refusal(() -> TeamPlanner.readGraphFile(g.root, "link.json"))).isEqualTo("graphFile 'link.json' is a symlink "
                + "Repair: point graphFile at a regular .json file inside the invocation cwd, not a symlink or folder");
        assertThat(refusal(() -> TeamPlanner.readGraphFile(g.root, "out.json"))).startsWith("graphFile 'out.json' is a symlink");
        assertThat(refusal(() -> TeamPlanner.readGraphFile(g.root, "alias/g.json"))).startsWith("graphFile 'alias/g.json' passes through the symlink 'alias'");
    }

    @Test
    void aGraphFileIsAtMost256KiB() {
        String body = TeamGraphs.MINIMUM.replace('\'', '"');
        g.write("edge.json", body + " ".repeat(256 * 1024 - body.length()));
        assertThat(g.plan(TeamPlanner.readGraphFile(g.root, "edge.json")).steps()).hasSize(1);
        g.write("big.json", body + " ".repeat(256 * 1024 - body.length() + 1));
        assertThat(refusal(() -> TeamPlanner.readGraphFile(g.root, "big.json"))).isEqualTo("graphFile 'big.json' is 262145 bytes; the limit is "
                + "262144 (256 KiB, seeds/002) Repair: split the work into smaller graphs or shorten the tasks; put long material in files the steps read");
    }

    @Test
    void badJsonInAGraphFileNamesLineAndColumn() {
        g.write("bad.json", "{\n  \"objective\": \"x\",\n  \"steps\": [,]\n}");
        assertThat(refusal(() -> TeamPlanner.readGraphFile(g.root, "bad.json"))).startsWith("graphFile 'bad.json' is not valid JSON at line 3, column 13: ")
                .endsWith("Repair: fix the JSON there; a graph file holds one JSON object, without duplicate keys");
        g.write("dup.json", "{\"objective\": \"x\", \"objective\": \"y\"}");
        assertThat(refusal(() -> TeamPlanner.readGraphFile(g.root, "dup.json"))).contains("is not valid JSON at line 1").contains("Duplicate");
        g.write("list.json", "[1, 2]");
        assertThat(refusal(() -> TeamPlanner.readGraphFile(g.root, "list.json"))).startsWith("graphFile 'list.json' holds an array, not a JSON object");
        g.write("empty.json", "");
        assertThat(refusal(() -> TeamPlanner.readGraphFile(g.root, "empty.json"))).startsWith("graphFile 'empty.json' holds null, not a JSON object");
        g.write("deep.json", "{\"objective\": " + "[".repeat(5000) + "]".repeat(5000) + "}");
        assertThat(refusal(() -> TeamPlanner.readGraphFile(g.root, "deep.json"))).isEqualTo("graphFile 'deep.json' is nested deeper than 64 levels "
                + "Repair: a graph is five levels deep (graph, steps, step, agent, tools); flatten the file");
    }

    @Test
    void anActionWrapperInAGraphFileIsRefused() {
        g.write("wrapped.json", "{\"action\": \"start\", \"graph\": " + TeamGraphs.MINIMUM.replace('\'', '"') + "}");
        assertThat(refusal(() -> TeamPlanner.readGraphFile(g.root, "wrapped.json"))).isEqualTo("graphFile 'wrapped.json' contains control field "
                + "'action' Repair: a graph holds only objective, authority, library, limits, runtime and steps; put action/graphFile in the tool call");
        g.write("nested.json", TeamGraphs.MINIMUM.replace('\'', '"').replaceFirst("\\{", "{\"graphFile\": \"other.json\", "));
        assertThat(refusal(() -> TeamPlanner.readGraphFile(g.root, "nested.json"))).startsWith("graphFile 'nested.json' contains control field 'graphFile'");
        g.write("run.json", "{\"runId\": \"r1\"}");
        assertThat(refusal(() -> TeamPlanner.readGraphFile(g.root, "run.json"))).startsWith("graphFile 'run.json' contains control field 'runId'");
    }
}
