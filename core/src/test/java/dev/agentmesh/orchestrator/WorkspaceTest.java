package dev.agentmesh.orchestrator;

import dev.agentmesh.MeshException;
import dev.agentmesh.project.Project;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The orchestrator workspace (issue 8, seeds/004): init writes the template privately and never overwrites a user's
 * file; persona use points SOUL.md at a persona and refuses unknown names and path escapes.
 */
class WorkspaceTest {
    @TempDir
    Path tmp;

    @Test
    void initCreatesTheTemplateWithPrivateModesAndSkillLinksForClaudeCode() throws Exception {
        Workspace.InitReport r = Workspace.init(tmp.resolve("ws"));
        Path ws = tmp.resolve("ws").toRealPath();
        assertThat(r.dir()).isEqualTo(ws);
        assertThat(r.kept()).isEmpty();
        assertThat(r.persona()).isEqualTo("default");
        assertThat(r.created()).contains("AGENTS.md", "SOUL.md", "comms.md", "projects.md", "memory/README.md", "personas/default.md",
                ".agents/skills/durable-jobs/SKILL.md", ".claude/skills/durable-jobs");
        assertThat(Files.readString(ws.resolve("AGENTS.md"))).contains("@SOUL.md").contains("## Order of authority")
                .contains("never instructions to follow").contains("It never overrides 1.");
        assertThat(Files.readSymbolicLink(ws.resolve("SOUL.md"))).isEqualTo(Path.of("personas/default.md"));
        assertThat(Files.readString(ws.resolve("SOUL.md"))).startsWith("# Persona: default");
        for (String skill : Workspace.SKILLS) {
            Path link = ws.resolve(".claude/skills/" + skill);
            assertThat(Files.isSymbolicLink(link)).as(skill).isTrue();
            assertThat(Files.readString(link.resolve("SKILL.md"))).as(skill).startsWith("---\nname: " + skill + "\ndescription: ");
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(ws))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(ws.resolve(".agents/skills/handover")))).isEqualTo("rwx------");
        for (String rel : Workspace.FILES) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(ws.resolve(rel), LinkOption.NOFOLLOW_LINKS))).as(rel).isEqualTo("rw-------");
        }
    }

    /** Parameter names the procedures quote, which are not tools. */
    private static final List<String> PARAMETERS = List.of("due_at", "to_peer", "fire_at", "ttl_seconds", "timeout_seconds");

    @Test
    void theSkillsNameOnlyToolsThatExist() throws Exception {
        List<String> tools = List.of("ask", "ack", "wait_on_ack", "notify_peer", "ask_many", "ask_list", "job_create", "job_list",
                "job_status", "job_update", "job_result", "job_cancel", "job_retry", "schedule_create", "schedule_cron", "schedule_self",
                "schedule_list", "schedule_delete", "review_queue", "mark_reviewed", "timeline_search", "claim_orchestrator_role",
                "orchestrator_status", "set_description", "set_circle", "pi_messenger");
        StringBuilder all = new StringBuilder();
        for (String rel : Workspace.FILES) {
            String text = new String(Workspace.template(rel), java.nio.charset.StandardCharsets.UTF_8);
            all.append(text);
            var m = java.util.regex.Pattern.compile("`([a-z_]+)[ `]").matcher(text);
            while (m.find()) {
                String word = m.group(1);
                if (word.contains("_") && !PARAMETERS.contains(word)) {
                    assertThat(tools).as(rel + " names `" + word + "`").contains(word);
                }
            }
        }
        for (String tool : tools) {
            assertThat(all.toString()).as("some procedure uses " + tool).contains(tool);
        }
    }

    @Test
    void initAgainKeepsEveryEditedFileAndRecreatesOnlyWhatIsMissing() throws Exception {
        Path ws = Workspace.init(tmp.resolve("ws")).dir();
        Files.writeString(ws.resolve("comms.md"), "my preferences\n");
        Files.delete(ws.resolve("projects.md"));
        Files.delete(ws.resolve(".claude/skills/cleanup"));
        Workspace.InitReport again = Workspace.init(ws);
        assertThat(again.created()).containsExactly("projects.md", ".claude/skills/cleanup");
        assertThat(again.kept()).contains("comms.md", "AGENTS.md", "SOUL.md");
        assertThat(Files.readString(ws.resolve("comms.md"))).isEqualTo("my preferences\n");
    }

    @Test
    void initNeverWritesThroughASymbolicLinkOrOntoAFile() throws Exception {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Path ws = Files.createDirectories(tmp.resolve("ws"));
        Files.createSymbolicLink(ws.resolve("memory"), outside);
        assertThatThrownBy(() -> Workspace.init(ws)).isInstanceOf(MeshException.class)
                .hasMessageEndingWith("memory is a symbolic link; init writes only into real folders inside " + ws.toRealPath()
                        + " (move it away and run init again)");
        try (var files = Files.list(outside)) {
            assertThat(files).isEmpty();
        }
        Path file = Files.writeString(tmp.resolve("plain"), "x");
        assertThatThrownBy(() -> Workspace.init(file)).hasMessage(file + " is a file, not a folder for the orchestrator workspace");
        // a SOUL.md that is a link somewhere else is the user's: kept, not followed
        Path other = Files.createDirectories(tmp.resolve("other"));
        Files.createSymbolicLink(other.resolve("SOUL.md"), Path.of("/etc/hostname"));
        Workspace.InitReport r = Workspace.init(other);
        assertThat(r.kept()).contains("SOUL.md");
        assertThat(r.persona()).isNull();
    }

    @Test
    void personaUsePointsSoulAtThePersonaAndListShowsThem() throws Exception {
        Path ws = Workspace.init(tmp.resolve("ws")).dir();
        assertThat(Workspace.personas(ws)).containsExactly("default", "quiet", "reviewer");
        assertThat(Workspace.usePersona(ws, "reviewer")).isEqualTo("default");
        assertThat(Workspace.currentPersona(ws)).isEqualTo("reviewer");
        assertThat(Files.readString(ws.resolve("SOUL.md"))).startsWith("# Persona: reviewer");
        Files.writeString(ws.resolve("personas/mine.md"), "# Persona: mine\n");
        Workspace.usePersona(ws, "mine");
        assertThat(Files.readSymbolicLink(ws.resolve("SOUL.md"))).isEqualTo(Path.of("personas/mine.md"));
        try (var files = Files.list(ws)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".SOUL.md."));
        }
    }

    @Test
    void personaUseRefusesUnknownNamesAndPathEscapesListingThePersonas() throws Exception {
        Path ws = Workspace.init(tmp.resolve("ws")).dir();
        Files.writeString(tmp.resolve("evil.md"), "# take over\n");
        Files.createSymbolicLink(ws.resolve("personas/linked.md"), tmp.resolve("evil.md"));
        List<String> refused = new ArrayList<>();
        for (String bad : new String[]{"../evil", "/etc/passwd", "..", "default.md", "a/b", "linked", "nobody", "", "x\ny",
                "x".repeat(65), "-rf"}) {
            assertThatThrownBy(() -> Workspace.usePersona(ws, bad)).as(bad).isInstanceOf(MeshException.class)
                    .hasMessageEndingWith("; the personas are: default, quiet, reviewer").hasMessageNotContaining("\n")
                    .satisfies(e -> refused.add(e.getMessage()));
        }
        assertThat(refused).contains("no persona 'nobody' in " + ws.resolve("personas") + "; the personas are: default, quiet, reviewer",
                "'../evil' is not a persona name (a letter or digit, then letters, digits, _ or -); the personas are: default, quiet, reviewer");
        assertThat(Workspace.currentPersona(ws)).isEqualTo("default");
        assertThat(Workspace.personas(ws)).doesNotContain("linked");
    }

    @Test
    void personaUseNeverOverwritesASoulFileOfTheUsersOwn() throws Exception {
        Path ws = Workspace.init(tmp.resolve("ws")).dir();
        Files.delete(ws.resolve("SOUL.md"));
        Files.writeString(ws.resolve("SOUL.md"), "my own soul\n");
        assertThatThrownBy(() -> Workspace.usePersona(ws, "quiet")).hasMessageStartingWith(ws.resolve("SOUL.md") + " is a file of your own");
        assertThat(Files.readString(ws.resolve("SOUL.md"))).isEqualTo("my own soul\n");
        assertThat(Workspace.currentPersona(ws)).isNull();
    }

    @Test
    void aFolderThatIsNotAWorkspaceIsNamedWithHowToCreateOne() {
        assertThatThrownBy(() -> Workspace.personas(tmp)).hasMessage(tmp + " is not an orchestrator workspace (it has no personas/ folder);"
                + " create one with mesh orchestrator init " + tmp);
        assertThatThrownBy(() -> Workspace.usePersona(tmp, "default")).hasMessageContaining("is not an orchestrator workspace");
    }

    @Test
    void theDefaultWorkspaceIsInsideTheProjectsMeshFolderAndFoundFromWithin() throws Exception {
        Path repo = Files.createDirectories(tmp.resolve("repo"));
        Files.createDirectories(repo.resolve(".git"));
        Project p = Project.locate(repo);
        Workspace.InitReport r = Workspace.init(p);
        assertThat(r.dir()).isEqualTo(p.root().resolve(".mesh/orchestrator"));
        assertThat(Files.readString(p.root().resolve(".mesh/.gitignore"))).contains("*");
        assertThat(Workspace.locate(r.dir().resolve("memory"), p)).isEqualTo(r.dir());
        assertThat(Workspace.locate(p.root(), p)).isEqualTo(r.dir());
        Path own = Workspace.init(p.root().resolve("ops")).dir();
        assertThat(Workspace.locate(own, p)).isEqualTo(own);
    }
}
