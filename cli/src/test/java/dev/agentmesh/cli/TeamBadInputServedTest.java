package dev.agentmesh.cli;

import java.io.IOException;
import java.nio.file.Path;

/** The same commands and assertions as {@link TeamBadInputTest}, through a real supervisor over HTTP (MESH_SERVE=auto). */
class TeamBadInputServedTest extends TeamBadInputTest {
    @Override
    CliRunner runner(Path dir) throws IOException {
        return CliRunner.inGitProject(dir).served();
    }
}
