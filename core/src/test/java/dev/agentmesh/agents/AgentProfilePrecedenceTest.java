package dev.agentmesh.agents;

import dev.agentmesh.MeshException;
import dev.agentmesh.agents.AgentProfile.Source;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;

import static dev.agentmesh.agents.ProfileFolders.agent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/**
 * A bare name resolves project, then user, then package (issue 6 part 2); a source-qualified ref picks its source
 * (seed 002); the catalog shows which profile wins each name, and a bad file never hides the good ones.
 */
class AgentProfilePrecedenceTest {

    @Test
    void aBareNameResolvesProjectThenUserThenPackage(@TempDir Path tmp) {
        ProfileFolders f = new ProfileFolders(tmp);
        assertThat(f.library().get("worker").source()).as("only the bundled one").isEqualTo(Source.PACKAGE);

        Path userFile = agent(f.user, "worker", "my worker", "", "User prompt.");
        AgentProfile user = f.library().get("worker");
        assertThat(user.source()).isEqualTo(Source.USER);
        assertThat(user.path()).isEqualTo(userFile);
        assertThat(user.prompt()).isEqualTo("User prompt.");

        agent(f.project, "worker", "our worker", "", "Project prompt.");
        assertThat(f.library().get("worker").source()).as("read again on every call").isEqualTo(Source.PROJECT);
        assertThat(f.library().get("worker").ref()).isEqualTo("project:worker");
    }

    @Test
    void aQualifiedRefPicksItsSource(@TempDir Path tmp) {
        ProfileFolders f = new ProfileFolders(tmp);
        agent(f.user, "worker", "my worker", "", "User prompt.");
        agent(f.project, "worker", "our worker", "", "Project prompt.");
        agent(f.user, "helper", "only in the user folder", "", "");

        assertThat(f.library().get("package:worker").source()).isEqualTo(Source.PACKAGE);
        assertThat(f.library().get("user:worker").description()).isEqualTo("my worker");
        assertThat(f.library().get("project:worker").description()).isEqualTo("our worker");
        assertThat(f.library().find("project:helper")).as("the user's helper is not the project's").isEmpty();
        assertThat(f.library().find("helper")).map(AgentProfile::ref).contains("user:helper");
        assertThat(f.library().get("helper").prompt()).as("an empty body").isEmpty();
    }

    @Test
    void theCatalogShowsWhichProfileWinsEachName(@TempDir Path tmp) {
        ProfileFolders f = new ProfileFolders(tmp);
        agent(f.user, "worker", "my worker", "", "");
        agent(f.project, "worker", "our worker", "", "");

        AgentProfiles.Catalog catalog = f.library().list();
        assertThat(catalog.problems()).isEmpty();
        assertThat(catalog.entries()).filteredOn(e -> e.profile().name().equals("worker"))
                .extracting(e -> e.profile().ref(), AgentProfiles.Entry::shadowedBy)
                .containsExactly(tuple("project:worker", null), tuple("user:worker", "project:worker"),
                        tuple("package:worker", "project:worker"));
        assertThat(catalog.active()).extracting(AgentProfile::ref).contains("project:worker", "package:scout")
                .doesNotContain("user:worker", "package:worker");

        AgentProfiles.Catalog packageOnly = f.library().list(EnumSet.of(Source.PACKAGE));
        assertThat(packageOnly.active()).as("shadowing among the sources asked for only")
                .extracting(AgentProfile::ref).contains("package:worker");
        assertThat(packageOnly.entries()).allMatch(e -> e.profile().source() == Source.PACKAGE);
    }

    @Test
    void aBadProjectFileHidesNoGoodOneButItsOwnNameFailsWithItsError(@TempDir Path tmp) {
        ProfileFolders f = new ProfileFolders(tmp);
        agent(f.project, "helper", "a good one", "", "");
        Path bad = agent(f.project, "worker", "broken", "colour: blue\n", "");
        String error = "agent file " + bad + ": unknown key 'colour' (line 4); keys: name, description, tags, runtime, model, thinking, tools";

        AgentProfiles.Catalog catalog = f.library().list();
        assertThat(catalog.problems()).singleElement().satisfies(p -> {
            assertThat(p.message()).isEqualTo(error);
            assertThat(p.name()).isEqualTo("worker");
            assertThat(p.source()).isEqualTo(Source.PROJECT);
            assertThat(p.path()).isEqualTo(bad);
        });
        assertThat(catalog.active()).extracting(AgentProfile::ref).contains("project:helper", "package:scout");
        assertThat(catalog.entries()).filteredOn(e -> e.profile().ref().equals("package:worker"))
                .extracting(AgentProfiles.Entry::shadowedBy).as("the broken file still takes the bare name")
                .containsExactly("project:worker");

        assertThatThrownBy(() -> f.library().get("worker")).isInstanceOf(MeshException.class).hasMessage(error);
        assertThatThrownBy(() -> f.library().find("project:worker")).hasMessage(error);
        assertThat(f.library().get("package:worker").source()).isEqualTo(Source.PACKAGE);
        assertThat(f.library().get("helper").ref()).isEqualTo("project:helper");
    }

    @Test
    void anUnknownRefNamesTheKnownProfiles(@TempDir Path tmp) {
        ProfileFolders f = new ProfileFolders(tmp);
        agent(f.project, "helper", "a good one", "", "");
        assertThatThrownBy(() -> f.library().get("nobody")).isInstanceOf(MeshException.class)
                .satisfies(e -> assertThat(((MeshException) e).kind()).isEqualTo(MeshException.Kind.INVALID_INPUT))
                .hasMessage("no agent profile 'nobody'; known: critic, docs-auditor, helper, planner, reviewer, scout,"
                        + " synthesizer, validator, web-researcher, worker, worker-xhigh");
        assertThatThrownBy(() -> f.library().get("user:helper")).hasMessage("no agent profile 'user:helper'; known: "
                + "package:critic, package:docs-auditor, project:helper, package:planner, package:reviewer, package:scout,"
                + " package:synthesizer, package:validator, package:web-researcher, package:worker, package:worker-xhigh");
        assertThatThrownBy(() -> f.library().get("team:helper"))
                .hasMessage("unknown agent source 'team'; sources: package, user, project");
    }

    @Test
    void theHomeComesFromTheEnvironmentAndAProjectAtHomeIsReadOnce(@TempDir Path tmp) throws Exception {
        ProfileFolders f = new ProfileFolders(tmp);
        agent(f.user, "helper", "from home", "", "");
        assertThat(AgentProfiles.forProject(f.root, Map.of("HOME", f.home.toString())).get("helper").ref()).isEqualTo("user:helper");

        AgentProfiles atHome = AgentProfiles.forProject(f.home, Map.of("HOME", f.home.toString()));
        assertThat(atHome.list().entries()).filteredOn(e -> e.profile().name().equals("helper"))
                .extracting(e -> e.profile().ref()).containsExactly("project:helper");

        Files.createDirectories(f.root);
        Files.createSymbolicLink(f.root.resolve("home-link"), f.home);
        AgentProfiles linked = AgentProfiles.inFolders(f.root.resolve("home-link/.mesh/agents"), f.user);
        assertThat(linked.list().entries()).as("the same folder through a link").filteredOn(e -> e.profile().name().equals("helper"))
                .hasSize(1);
    }
}
