package dev.agentmesh.team;

import dev.agentmesh.agents.AgentProfiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The example graphs in {@code examples/graphs} plan against the bundled library, read as graph files. */
class TeamExampleGraphsTest {
    private static final TeamPlanner.Context CTX = new TeamPlanner.Context(folder(), AgentProfiles.inFolders(null, null), "pi");

    /** @return {@code examples/graphs} of the repository, found from the working folder up */
    private static Path folder() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("examples/graphs"))) {
                try {
                    return p.resolve("examples/graphs").toRealPath();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        }
        throw new IllegalStateException("no examples/graphs above " + Path.of("").toAbsolutePath());
    }

    private static TeamPlan plan(String file) {
        JsonNode graph = TeamPlanner.readGraphFile(CTX.root(), file);
        return TeamPlanner.plan(graph, CTX);
    }

    @ParameterizedTest
    @ValueSource(strings = {"local-read-only-graph.json", "fan-out-fan-in.json", "validation-gate.json"})
    void everyExamplePlans(String file) {
        assertThat(plan(file).steps()).isNotEmpty();
    }

    @Test
    void theLocalReadOnlyGraphIsTheSeedsMinimumGraph() {
        assertThat(plan("local-read-only-graph.json").graph()).isEqualTo(TeamGraphs.minimum());
    }

    @Test
    void theFanOutFansIntoTheSynthesizer() {
        TeamPlan plan = plan("fan-out-fan-in.json");
        assertThat(plan.limits()).isEqualTo(new TeamPlan.RunLimits(3, 600, 86400, 86400));
        assertThat(plan.steps()).extracting(TeamPlan.StepPlan::agentRef)
                .containsExactly("package:scout", "package:reviewer", "package:critic", "package:synthesizer");
        assertThat(plan.steps()).allSatisfy(s -> assertThat(s.tools()).containsExactly("read", "grep", "find", "ls"));
        assertThat(plan.sinks()).extracting(TeamPlan.StepPlan::id).containsExactly("synthesize");
        assertThat(plan.step("synthesize").needs()).containsExactly("map-code", "review-code", "challenge-plan");
    }

    @Test
    void theValidationGateRunsTestsThenAReadOnlyReview() {
        TeamPlan plan = plan("validation-gate.json");
        assertThat(plan.step("run-tests").tools()).containsExactly("read", "grep", "find", "ls", "bash");
        assertThat(plan.step("run-tests").task()).contains("npm test");
        assertThat(plan.step("review").tools()).containsExactly("read", "grep", "find", "ls");
        assertThat(plan.step("review").after()).containsExactly("run-tests");
        assertThat(plan.sinks()).extracting(TeamPlan.StepPlan::id).containsExactly("review");
    }
}
