package dev.agentmesh.cli;

import java.io.IOException;
import java.nio.file.Path;

/** The same commands and assertions as {@link BadInputTest}, through a real supervisor over HTTP (MESH_SERVE=auto). */
class BadInputServedTest extends BadInputTest {
    @Override
    CliRunner runner(Path dir) throws IOException {
        return CliRunner.inGitProject(dir).served();
    }
}
