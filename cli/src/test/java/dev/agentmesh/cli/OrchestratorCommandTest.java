package dev.agentmesh.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code mesh orchestrator ...} in-process (MESH_SERVE=off): the arguments each command sends, its JSON, and bad input
 * printed on one line with exit 2 and nothing written.
 */
class OrchestratorCommandTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path tmp;
    private CliRunner mesh;

    @BeforeEach
    void aProject() throws Exception {
        mesh = CliRunner.inGitProject(tmp);
    }

    @Test
    void initIntoAFolderOfOneOwnPrintsWhatItCreatedAsJson() throws Exception {
        JsonNode r = JSON.readTree(mesh.ok("orchestrator", "init", "ops", "--json"));
        assertThat(r.path("dir").asString()).isEqualTo(mesh.root.resolve("ops").toString());
        assertThat(r.path("created").size()).isEqualTo(21);
        assertThat(r.path("persona").asString()).isEqualTo("default");
        JsonNode list = JSON.readTree(mesh.ok("orchestrator", "persona", "list", "--dir", "ops", "--json"));
        assertThat(list.path("current").asString()).isEqualTo("default");
        assertThat(list.path("personas").toString()).isEqualTo("[\"default\",\"quiet\",\"reviewer\"]");
    }

    @Test
    void badFoldersAndPersonasAreOneLineErrorsWithExitTwo() throws Exception {
        Files.writeString(mesh.root.resolve("plain"), "x");
        CliRunner.Result file = mesh.run("orchestrator", "init", "plain");
        assertThat(file.code()).isEqualTo(2);
        assertThat(file.errLines()).containsExactly("mesh: " + mesh.root.resolve("plain") + " is a file, not a folder for the orchestrator workspace");
        CliRunner.Result none = mesh.run("orchestrator", "persona", "list");
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.errLines()).containsExactly("mesh: " + mesh.root.resolve(".mesh/orchestrator") + " is not an orchestrator workspace"
                + " (it has no personas/ folder); create one with mesh orchestrator init " + mesh.root.resolve(".mesh/orchestrator"));
        mesh.ok("orchestrator", "init");
        CliRunner.Result escape = mesh.run("orchestrator", "persona", "use", "/etc/passwd");
        assertThat(escape.code()).isEqualTo(2);
        assertThat(escape.errLines()).hasSize(1).first().asString().startsWith("mesh: '/etc/passwd' is not a persona name");
        CliRunner.Result nul = mesh.run("orchestrator", "init", "a\u0000b");
        assertThat(nul.code()).isEqualTo(2);
        assertThat(nul.errLines()).containsExactly("mesh: 'a\\u0000b' is not a folder path");
        assertThat(Files.readSymbolicLink(mesh.root.resolve(".mesh/orchestrator/SOUL.md"))).isEqualTo(Path.of("personas/default.md"));
    }

    @Test
    void claimAndStatusSendTheirActionsWithTheFlags() throws Exception {
        mesh.ok("join", "--name", "Olga", "--circle", "ops");
        assertThat(mesh.ok("orchestrator", "claim", "--as", "Olga")).startsWith("Olga is the orchestrator of circle ops since ");
        JsonNode st = JSON.readTree(mesh.ok("orchestrator", "status", "--circle", "ops", "--json"));
        assertThat(st.path("name").asString()).isEqualTo("Olga");
        CliRunner.Result both = mesh.run("orchestrator", "claim", "--as", "Olga", "--force", "--observer");
        assertThat(both.code()).isEqualTo(2);
        assertThat(both.errLines()).containsExactly("mesh: force and observer exclude each other: an observer takes nothing over");
        assertThat(mesh.ok("orchestrator", "claim", "--as", "Olga", "--observer")).isEqualTo("Olga observes circle ops; it has no orchestrator"
                + " (claim without observer to be it)\n");
    }
}
