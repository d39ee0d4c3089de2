package dev.agentmesh.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code mesh dashboard}: a login link for the human participant of the shell (joined when it has not), through a
 * supervisor in this test process; refused clearly without one or with a bad name.
 */
class DashboardCommandTest {
    @TempDir
    Path tmp;

    @Test
    void itPrintsAOneTimeLinkAndJoinsThePersonOnce() throws Exception {
        try (CliRunner cli = CliRunner.inGitProject(tmp).served()) {
            var first = cli.run("dashboard", "--no-open", "--as", "boss", "--json");
            assertThat(first.code()).as(first.err()).isZero();
            JsonNode o = Cli.JSON.readTree(first.out());
            assertThat(o.path("agent").asString()).isEqualTo("boss");
            assertThat(o.path("opened").asBoolean()).isFalse();
            assertThat(o.path("url").asString()).matches("http://127\\.0\\.0\\.1:\\d+/dashboard/login\\?code=[A-Za-z0-9_-]{43}")
                    .endsWith(o.path("code").asString());
            assertThat(cli.ok("whois", "boss")).contains("runtime human");
            var text = cli.run("dashboard", "--no-open", "--as", "boss");
            assertThat(text.code()).as(text.err()).isZero();
            assertThat(text.out()).contains("as boss (the link works once, for 120 s)").contains("/dashboard/login?code=")
                    .contains("open it in a browser on this machine").doesNotContain(o.path("code").asString());
            assertThat(cli.ok("feed", "--limit", "50").lines().filter(l -> l.contains("boss join")).count())
                    .as("the second run finds the participant present and does not join again").isEqualTo(1);
        }
    }

    @Test
    void withoutASupervisorOrWithABadNameItIsRefused() throws Exception {
        try (CliRunner cli = CliRunner.inGitProject(tmp)) {
            var off = cli.run("dashboard", "--no-open");
            assertThat(off.code()).isEqualTo(2);
            assertThat(off.err()).contains("MESH_SERVE=off runs none: unset MESH_SERVE");
        }
        try (CliRunner cli = CliRunner.inGitProject(tmp.resolve("b")).served()) {
            var bad = cli.run("dashboard", "--no-open", "--as", "bad\u0007name");
            assertThat(bad.code()).isEqualTo(2);
            assertThat(bad.err()).startsWith("mesh: ").doesNotContain("\u0007");
            cli.ok("join", "--name", "taken", "--as", "taken");
            var taken = cli.env("MESH_AGENT_TOKEN", "not-its-token").run("dashboard", "--no-open", "--as", "taken");
            assertThat(taken.code()).isEqualTo(3);
            assertThat(taken.err()).contains("name taken is taken by a live agent");
        }
    }
}
