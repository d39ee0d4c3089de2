package dev.agentmesh.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The same commands and assertions as {@link CliHappyPathTest}, through a real supervisor over HTTP (MESH_SERVE=auto). */
class CliHappyPathServedTest extends CliHappyPathTest {
    @Override
    CliRunner runner(Path dir) throws IOException {
        return CliRunner.inGitProject(dir).served();
    }

    @Test
    void theCommandsGoThroughTheSupervisor() {
        mesh.ok("join", "--name", "Alice");
        mesh.ok("list");
        assertThat(mesh.servedRequests()).isEqualTo(2);
    }
}
