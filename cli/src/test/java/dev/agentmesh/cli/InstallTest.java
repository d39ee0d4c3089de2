package dev.agentmesh.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code mesh install}: idempotent, keeps what the person wrote, undoes only its own, and refuses files it cannot
 * read or entries it did not write, changing nothing. Real clients read what it writes in ClaudeOnTheMeshIT,
 * CodexOnTheMeshIT and PiOnTheMeshIT.
 */
class InstallTest {
    @TempDir
    Path tmp;
    CliRunner mesh;
    Path codexHome;

    @BeforeEach
    void aProject() throws IOException {
        mesh = CliRunner.inGitProject(tmp);
        codexHome = Files.createDirectories(tmp.resolve("codex"));
        mesh.env("CODEX_HOME", codexHome.toString()).env("PI_CODING_AGENT_DIR", tmp.resolve("pi").toString());
    }

    @Test
    void codexKeepsThePersonsSettingsAroundItsBlock() throws IOException {
        Path config = codexHome.resolve("config.toml");
        String mine = "# my settings\nmodel = \"o3\"\n\n[mcp_servers.docs]\ncommand = \"docs-mcp\"\n";
        Files.writeString(config, mine);
        assertThat(mesh.ok("install", "codex")).isEqualTo(config + ": added [mcp_servers.mesh]\n");
        String installed = Files.readString(config);
        assertThat(installed).startsWith(mine.stripTrailing()).contains("[mcp_servers.mesh]").contains("required = true")
                .as("an orchestrator wait (wait_on_ack, ask_many, job_result) takes up to 600 s").contains("tool_timeout_sec = 660.0")
                .contains("\"mcp\"]\n").contains("MESH_STORE = ");
        assertThat(mesh.ok("install", "codex")).isEqualTo(config + ": unchanged\n");
        Files.writeString(config, installed + "\n[profiles.fast]\nmodel = \"o4-mini\"\n");
        assertThat(mesh.ok("install", "--remove", "codex")).isEqualTo(config + ": removed [mcp_servers.mesh]\n");
        assertThat(Files.readString(config)).isEqualTo(mine.stripTrailing() + "\n\n[profiles.fast]\nmodel = \"o4-mini\"\n");
        assertThat(mesh.ok("install", "--remove", "codex")).isEqualTo(config + ": unchanged\n");
    }

    @Test
    void codexRefusesBrokenTomlAndAMeshServerItDidNotWrite() throws IOException {
        Path config = codexHome.resolve("config.toml");
        Files.writeString(config, "model = \n");
        CliRunner.Result bad = mesh.run("install", "codex");
        BadInputTest.assertOneLineRefusal(bad, 3, "is not valid TOML");
        assertThat(Files.readString(config)).isEqualTo("model = \n");

        Files.writeString(config, "[mcp_servers.mesh]\ncommand = \"someone-elses\"\n");
        BadInputTest.assertOneLineRefusal(mesh.run("install", "codex"), 3, "[mcp_servers.mesh] that agentmesh did not write");

        Files.writeString(config, InstallCommand.TOML_BEGIN + "\n[mcp_servers.mesh]\n");
        BadInputTest.assertOneLineRefusal(mesh.run("install", "--remove", "codex"), 3, "without its end");
        assertThat(Files.readString(config)).isEqualTo(InstallCommand.TOML_BEGIN + "\n[mcp_servers.mesh]\n");
    }

    @Test
    void claudeRefusesSettingsThatAreNotJsonAndChangesNothing() throws IOException {
        Path settings = Files.createDirectories(mesh.root.resolve(".claude")).resolve("settings.local.json");
        Files.writeString(settings, "{\"hooks\": ");
        BadInputTest.assertOneLineRefusal(mesh.run("install", "claude"), 3, "settings.local.json");
        assertThat(Files.readString(settings)).isEqualTo("{\"hooks\": ");
        assertThat(mesh.root.resolve(".mcp.json")).as("nothing written when one file is broken")
                .doesNotExist();
    }

    @Test
    void claudeRefusesAHooksValueOfAnotherTypeAndPiLeavesAForeignExtension() throws IOException {
        Path settings = Files.createDirectories(mesh.root.resolve(".claude")).resolve("settings.local.json");
        Files.writeString(settings, "{\"hooks\": {\"Stop\": \"echo hi\"}}");
        BadInputTest.assertOneLineRefusal(mesh.run("install", "claude"), 3, "'Stop' is not an array");
        assertThat(Files.readString(settings)).isEqualTo("{\"hooks\": {\"Stop\": \"echo hi\"}}");

        Path ext = Files.createDirectories(tmp.resolve("pi/extensions")).resolve("agentmesh.ts");
        Files.writeString(ext, "// someone else's\n");
        BadInputTest.assertOneLineRefusal(mesh.run("install", "--remove", "pi"), 3, "is not agentmesh's extension");
        BadInputTest.assertOneLineRefusal(mesh.run("install", "pi"), 3, "is not agentmesh's extension");
        assertThat(ext).hasContent("// someone else's");
    }

    @Test
    void piWritesTheExtensionOnceAndRemovesIt() {
        Path ext = tmp.resolve("pi/extensions/agentmesh.ts");
        assertThat(mesh.ok("install", "pi")).isEqualTo(ext + ": wrote the agentmesh extension\n");
        assertThat(ext).content().contains("pi_messenger").contains("process.env.MESH_CMD ?? \"[").doesNotContain("__PARAMETERS__")
                .contains("name: \"agent_team\"").doesNotContain("__TEAM_PARAMETERS__", "__TEAM_DESCRIPTION__");
        assertThat(mesh.ok("install", "pi")).isEqualTo(ext + ": unchanged\n");
        assertThat(mesh.ok("install", "--remove", "pi")).isEqualTo(ext + ": removed\n");
        assertThat(mesh.ok("install", "--remove", "pi")).isEqualTo(ext + ": not there; nothing changed\n");
    }

    @Test
    void anUnknownClientIsRefusedWithTheChoices() {
        BadInputTest.assertOneLineRefusal(mesh.run("install", "emacs"), 2, "unknown client 'emacs'; mesh install takes pi, claude or codex");
    }
}
