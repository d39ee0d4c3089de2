package dev.agentmesh.team;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static dev.agentmesh.team.TeamGraphs.agent;
import static dev.agentmesh.team.TeamGraphs.minimum;
import static dev.agentmesh.team.TeamGraphs.step;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile graphs (DESIGN.md, "Bad input"): control characters, huge values, deep nesting and floods are refused in
 * one line that quotes the bad value escaped and cut, quickly, without printing or walking the whole value.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TeamPlannerHostileInputTest {
    @TempDir
    Path tmp;
    private TeamGraphs g;

    @BeforeEach
    void setUp() {
        g = new TeamGraphs(tmp);
    }

    @Test
    void controlCharactersInIdsAreQuotedEscaped() {
        ObjectNode graph = minimum();
        step(graph).put("id", "in\u001b[2Jspect\n");
        assertThat(g.refused(graph)).startsWith("graph.steps[0].id 'in\\u001b[2Jspect\\n' is not a step id Repair: ");
        step(graph).put("id", "inspect\u0000");
        assertThat(g.refused(graph)).startsWith("graph.steps[0].id 'inspect\\u0000' is not a step id");
    }

    @Test
    void controlCharactersInTasksAreRefusedButLineEndsAndTabsAreText() {
        ObjectNode graph = minimum();
        step(graph).put("task", "Line one.\n\tLine two.\r\n");
        assertThat(g.plan(graph).steps().getFirst().task()).isEqualTo("Line one.\n\tLine two.\r\n");
        step(graph).put("task", "Clear \u001b[2J the screen");
        assertThat(g.refused(graph)).isEqualTo("step 'inspect'.task has a control character (U+001B) "
                + "Repair: remove control characters other than tab and line ends from step 'inspect'.task");
        step(graph).put("task", "ok").put("outputContract", "bell\u0007");
        assertThat(g.refused(graph)).startsWith("step 'inspect'.outputContract has a control character (U+0007)");
        assertThat(g.refused(minimum().put("objective", "x\u2028y"))).startsWith("graph.objective has a control character (U+2028)");
    }

    @Test
    void controlCharactersInKeysAndRefsAreQuotedEscaped() {
        assertThat(g.refused(minimum().put("\u001b]0;pwned\u0007", 1))).startsWith("graph has unknown key '\\u001b]0;pwned\\u0007' Repair: ");
        ObjectNode graph = minimum();
        agent(graph).put("ref", "package:scout\n# agent_team error");
        assertThat(g.refused(graph)).startsWith("step 'inspect' agent.ref 'package:scout\\n# agent_team error' has a control character (U+000A)");
    }

    @Test
    void aTenMegabyteTaskIsRefusedBySize() {
        ObjectNode graph = minimum();
        step(graph).put("task", "x".repeat(10 * 1024 * 1024));
        String m = g.refused(graph);
        assertThat(m).startsWith("step 'inspect'.task is 10485760 bytes; the limit is 65536 (64 KiB) Repair: ");
        assertThat(m.length()).isLessThan(400);
    }

    @Test
    void hugeValuesAreCutInMessages() {
        String m = g.refused(minimum().put("runtime", "r".repeat(1_000_000)));
        assertThat(m).startsWith("graph.runtime 'rrr").contains("...' is not a runtime");
        assertThat(m.length()).isLessThan(300);
        ObjectNode graph = minimum();
        agent(graph).put("ref", "package:" + "s".repeat(100_000));
        assertThat(g.refused(graph).length()).isLessThan(400);
    }

    @Test
    void deepNestingIsRefusedByTypeWithoutWalkingIt() {
        ObjectNode graph = minimum();
        ArrayNode tools = agent(graph).putArray("tools");
        ArrayNode deep = tools.addArray();
        for (int i = 0; i < 100_000; i++) {
            deep = deep.addArray();
        }
        assertThat(g.refused(graph)).startsWith("step 'inspect' agent.tools holds an array, not a string Repair: ");
        ObjectNode nested = minimum();
        ObjectNode o = nested.putObject("objective");
        for (int i = 0; i < 100_000; i++) {
            o = o.putObject("o");
        }
        assertThat(g.refused(nested)).startsWith("graph.objective must be a string, not an object Repair: ");
        ObjectNode unknown = minimum();
        ObjectNode u = unknown.putObject("extra");
        for (int i = 0; i < 100_000; i++) {
            u = u.putObject("u");
        }
        assertThat(g.refused(unknown)).startsWith("graph has unknown key 'extra'");
    }

    @Test
    void aFloodOfStepsIsRefusedByCount() {
        ObjectNode graph = minimum();
        ArrayNode steps = graph.putArray("steps");
        for (int i = 0; i < 100_000; i++) {
            steps.add(TeamGraphs.newStep("s" + i, "package:scout"));
        }
        assertThat(g.refused(graph)).startsWith("graph.steps has 100000 steps; the limit is 16 (seeds/002)");
    }

    @Test
    void aFloodOfDependenciesIsRefusedByCount() {
        ObjectNode graph = minimum();
        ArrayNode needs = step(graph).putArray("needs");
        for (int i = 0; i < 1_000_000; i++) {
            needs.add("inspect");
        }
        assertThat(g.refused(graph)).startsWith("step 'inspect'.needs has 1000000 entries; the limit is 12 Repair: ");
    }

    @Test
    void aLongCwdIsRefusedByLength() {
        assertThat(g.refused(minimumWithCwd("a/".repeat(5000)))).startsWith("step 'inspect' cwd is 10000 characters; the limit is 4096");
    }

    private static ObjectNode minimumWithCwd(String cwd) {
        ObjectNode graph = minimum();
        step(graph).put("cwd", cwd);
        return graph;
    }
}
