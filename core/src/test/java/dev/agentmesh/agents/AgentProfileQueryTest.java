package dev.agentmesh.agents;

import dev.agentmesh.agents.AgentProfile.Source;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;

import static dev.agentmesh.agents.ProfileFolders.agent;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Catalog queries rank by name, description, tags, default tools, model and thinking only; the source and the path
 * are provenance, never signals (seed 002, "Catalog query routing").
 */
class AgentProfileQueryTest {
    @TempDir
    Path tmp;

    private static List<String> refs(List<AgentProfiles.Match> matches) {
        return matches.stream().map(m -> m.entry().profile().ref()).toList();
    }

    @Test
    void routingWordsFindTheRole() {
        AgentProfiles library = new ProfileFolders(tmp).library();
        assertThat(refs(library.query("review"))).first().isEqualTo("package:reviewer");
        assertThat(refs(library.query("explore the codebase read-only"))).first().isEqualTo("package:scout");
        assertThat(refs(library.query("synthesis fan-in"))).first().isEqualTo("package:synthesizer");
        assertThat(refs(library.query("audit the docs"))).first().isEqualTo("package:docs-auditor");
        assertThat(refs(library.query("run the tests and prove the build"))).first().isEqualTo("package:validator");
        assertThat(refs(library.query("plan"))).first().isEqualTo("package:planner");
        assertThat(refs(library.query("implementation xhigh"))).startsWith("package:worker-xhigh", "package:worker");
        assertThat(refs(library.query("worker-xhigh"))).first().isEqualTo("package:worker-xhigh");
        assertThat(library.query("review")).allMatch(m -> m.score() > 0);
    }

    @Test
    void toolsModelAndThinkingAreSignals() {
        ProfileFolders f = new ProfileFolders(tmp);
        agent(f.project, "local", "runs on the laptop", "model: ollama/qwen3\nthinking: xhigh\ntools: []\n", "");
        assertThat(refs(f.library().query("bash"))).as("pi's bash is the shell capability")
                .containsExactly("package:reviewer", "package:validator", "package:worker", "package:worker-xhigh");
        assertThat(refs(f.library().query("qwen3"))).containsExactly("project:local");
        assertThat(refs(f.library().query("ollama"))).containsExactly("project:local");
        assertThat(refs(f.library().query("xhigh"))).containsExactlyInAnyOrder("package:worker-xhigh", "project:local");
    }

    @Test
    void theSourcePathAndPromptAreNoSignals() {
        ProfileFolders f = new ProfileFolders(tmp);
        agent(f.project, "zeta", "unrelated", "", "Mention pineapple only here.");
        assertThat(f.library().query("zanzibar")).as("the project folder's name").isEmpty();
        assertThat(f.library().query("package")).isEmpty();
        assertThat(refs(f.library().query("project"))).as("the worker's description says project's; zeta is only in one")
                .doesNotContain("project:zeta");
        assertThat(f.library().query("pineapple")).isEmpty();
        assertThat(refs(f.library().query("zeta"))).containsExactly("project:zeta");
    }

    @Test
    void equalScoresPutTheActiveProfileFirst() {
        ProfileFolders f = new ProfileFolders(tmp);
        AgentProfile worker = AgentProfiles.bundled().stream().filter(p -> p.name().equals("worker")).findFirst().orElseThrow();
        agent(f.user, "worker", worker.description(), "tags: [" + String.join(", ", worker.tags()) + "]\ntools: read, search, edit, write, shell, mesh\n", "");
        List<AgentProfiles.Match> hits = f.library().query("worker");
        assertThat(refs(hits)).startsWith("user:worker", "package:worker");
        assertThat(hits.get(0).score()).isEqualTo(hits.get(1).score());
        assertThat(hits.get(0).entry().active()).isTrue();
        assertThat(hits.get(1).entry().shadowedBy()).isEqualTo("user:worker");
    }

    @Test
    void aBlankQueryListsEverythingAndSourcesNarrowIt() {
        ProfileFolders f = new ProfileFolders(tmp);
        agent(f.project, "code-review", "reviews our code", "", "");
        assertThat(f.library().query(" ")).hasSize(f.library().list().entries().size()).allMatch(m -> m.score() == 0);
        assertThat(f.library().query(null)).hasSize(11);
        assertThat(refs(f.library().query("review", EnumSet.of(Source.PROJECT)))).containsExactly("project:code-review");
        assertThat(refs(f.library().query("review"))).contains("project:code-review", "package:reviewer");
    }
}
