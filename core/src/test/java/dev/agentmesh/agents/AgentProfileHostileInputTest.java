package dev.agentmesh.agents;

import dev.agentmesh.MeshException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static dev.agentmesh.agents.ProfileFolders.agent;
import static dev.agentmesh.agents.ProfileFolders.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Hostile agent folders and refs (DESIGN.md, "Bad input"): each is refused in one line that quotes the bad value
 * escaped, nothing outside the folder is read, nothing blocks, and the good profiles beside it still load.
 */
class AgentProfileHostileInputTest {
    private static final String NAME_RULE = "1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit";

    @TempDir
    Path tmp;

    private String onlyProblem(ProfileFolders f) {
        AgentProfiles.Catalog catalog = f.library().list();
        assertThat(catalog.active()).as("the good profile beside it").extracting(AgentProfile::ref).contains("project:good");
        assertThat(catalog.problems()).hasSize(1);
        String message = catalog.problems().getFirst().message();
        assertThat(message).doesNotContain("\n", "\u0007", "\u001b", "\u0000");
        return message;
    }

    private ProfileFolders withGoodOne() {
        ProfileFolders f = new ProfileFolders(tmp);
        agent(f.project, "good", "a good one", "", "");
        return f;
    }

    @Test
    void aFileOverTheLimitIsRefusedUnread() {
        ProfileFolders f = withGoodOne();
        Path big = agent(f.project, "big", "d", "", "p".repeat(AgentProfiles.MAX_FILE_BYTES));
        long size = big.toFile().length();
        assertThat(onlyProblem(f)).isEqualTo("agent file " + big + ": is " + size + " bytes; the limit is 131072 (seed 002)");
        assertThatThrownBy(() -> f.library().get("big")).hasMessage("agent file " + big + ": is " + size + " bytes; the limit is 131072 (seed 002)");

        String head = "---\nname: big\ndescription: d\n# ";
        String body = "\n---\n" + "p".repeat(Agents.MAX_PROMPT_CHARS);
        write(big, head + "c".repeat(AgentProfiles.MAX_FILE_BYTES - head.length() - body.length()) + body);
        assertThat(big.toFile().length()).isEqualTo(AgentProfiles.MAX_FILE_BYTES);
        assertThat(f.library().get("big").prompt()).as("exactly the limit still loads").hasSize(Agents.MAX_PROMPT_CHARS);
    }

    @Test
    void controlCharactersInValuesOrThePromptAreRefused() {
        ProfileFolders f = withGoodOne();
        Path bell = write(f.project.resolve("bell.md"), "---\nname: bell\ndescription: \"ring\\a it\"\n---\n");
        assertThat(onlyProblem(f)).isEqualTo("agent file " + bell
                + ": key 'description' (line 3) has a control character (U+0007); values are one line of text");

        f.clearProject();
        agent(f.project, "good", "a good one", "", "");
        Path newline = write(f.project.resolve("nl.md"), "---\nname: nl\ndescription: d\ntags: [\"a\\nb\"]\n---\n");
        assertThat(onlyProblem(f)).isEqualTo("agent file " + newline
                + ": key 'tags' (line 4) has a control character (U+000A); values are one line of text");

        f.clearProject();
        agent(f.project, "good", "a good one", "", "");
        Path escape = agent(f.project, "esc", "d", "", "Fine.\n\u001b[2J wiped\n");
        assertThat(onlyProblem(f)).isEqualTo("agent file " + escape + ": line 6 has a control character (U+001B)");

        f.clearProject();
        agent(f.project, "good", "a good one", "", "");
        Path raw = write(f.project.resolve("raw.md"), "---\nname: raw\ndescription: a\u0000b\n---\n");
        assertThat(onlyProblem(f)).isEqualTo("agent file " + raw + ": line 3 has a control character (U+0000)");
    }

    @Test
    void bytesThatAreNotUtf8AreRefused() {
        ProfileFolders f = withGoodOne();
        Path latin = write(f.project.resolve("latin.md"), concat("---\nname: latin\ndescription: caf".getBytes(), new byte[]{(byte) 0xe9, '\n'}));
        assertThat(onlyProblem(f)).isEqualTo("agent file " + latin + ": is not UTF-8 text");
    }

    @Test
    void aSymlinkOutOfTheFolderIsRefusedAndNotRead() throws Exception {
        ProfileFolders f = withGoodOne();
        Path outside = agent(tmp.resolve("outside"), "evil", "read through a link", "", "Secret.");
        Path link = Files.createSymbolicLink(f.project.resolve("evil.md"), outside);
        String message = "agent file " + link + ": is a symlink to " + outside.toRealPath() + ", outside "
                + f.project.toRealPath() + "; agent files must stay in their folder";
        assertThat(onlyProblem(f)).isEqualTo(message);
        assertThatThrownBy(() -> f.library().get("evil")).hasMessage(message);

        Files.delete(link);
        Path dangling = Files.createSymbolicLink(f.project.resolve("gone.md"), tmp.resolve("missing.md"));
        assertThat(onlyProblem(f)).isEqualTo("agent file " + dangling + ": is a symlink to a missing file");

        Files.delete(dangling);
        Files.createSymbolicLink(f.project.resolve("alias.md"), f.project.resolve("good.md"));
        assertThat(onlyProblem(f)).as("a link inside the folder is read, and must carry its own name")
                .endsWith("alias.md: key 'name' (line 2) is 'good' but the file is 'alias.md'; they must match");
    }

    @Test
    void aFolderOrFifoNamedLikeAnAgentFileIsRefusedWithoutBlocking() throws Exception {
        ProfileFolders f = withGoodOne();
        Path folder = Files.createDirectories(f.project.resolve("folder.md"));
        assertThat(onlyProblem(f)).isEqualTo("agent file " + folder + ": is not a regular file");

        Files.delete(folder);
        Path fifo = f.project.resolve("pipe.md");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assumeThat(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0).as("mkfifo works here").isTrue();
        assertThat(onlyProblem(f)).isEqualTo("agent file " + fifo + ": is not a regular file");
    }

    @Test
    void refsThatAreNoNamesAreRefusedBeforeAnyFileIsTouched() {
        ProfileFolders f = withGoodOne();
        write(tmp.resolve("zanzibar/.mesh/x.md"), "---\nname: x\ndescription: one folder up\n---\n");
        assertThatThrownBy(() -> f.library().get("../x")).isInstanceOf(MeshException.class)
                .hasMessage("agent ref '../x': '../x' is not an agent name: " + NAME_RULE);
        assertThatThrownBy(() -> f.library().find("project:../x"))
                .hasMessage("agent ref 'project:../x': '../x' is not an agent name: " + NAME_RULE);
        assertThatThrownBy(() -> f.library().get("good/../good")).hasMessageStartingWith("agent ref 'good/../good': ");
        assertThatThrownBy(() -> f.library().get("/etc/passwd")).hasMessageStartingWith("agent ref '/etc/passwd': ");
        assertThatThrownBy(() -> f.library().get("good.md")).as("a file name is not a ref").hasMessage("no agent profile 'good.md'; known: "
                + "critic, docs-auditor, good, planner, reviewer, scout, synthesizer, validator, web-researcher, worker, worker-xhigh");
        assertThatThrownBy(() -> f.library().get("go\u0007od")).hasMessage("agent ref 'go\\u0007od': 'go\\u0007od' is not an agent name: " + NAME_RULE);
        assertThatThrownBy(() -> f.library().get("PROJECT:good")).hasMessage("unknown agent source 'PROJECT'; sources: package, user, project");
        assertThatThrownBy(() -> f.library().get("project:")).hasMessage("agent ref 'project:': '' is not an agent name: " + NAME_RULE);
        assertThatThrownBy(() -> f.library().get(" ")).hasMessage("an agent ref is a name or source:name, e.g. package:worker; it was empty");
        assertThatThrownBy(() -> f.library().find(null)).hasMessage("an agent ref is a name or source:name, e.g. package:worker; it was empty");
        assertThat(f.library().get("project:good").name()).isEqualTo("good");
    }

    @Test
    void aYamlAliasBombIsStoppedAndExplicitTagsBuildNothing() {
        ProfileFolders f = withGoodOne();
        StringBuilder bomb = new StringBuilder("---\nname: bomb\ndescription: d\nx0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (int i = 1; i < 10; i++) {
            bomb.append("x").append(i).append(": &a").append(i).append(" [");
            bomb.append(String.join(", ", java.util.Collections.nCopies(9, "*a" + (i - 1)))).append("]\n");
        }
        Path file = write(f.project.resolve("bomb.md"), bomb.append("---\n").toString());
        assertThat(onlyProblem(f)).startsWith("agent file " + file + ": the frontmatter is not valid YAML");

        f.clearProject();
        agent(f.project, "good", "a good one", "", "");
        Path tagged = write(f.project.resolve("tagged.md"), "---\nname: tagged\ndescription: !!java.lang.ProcessBuilder [touch, /tmp/x]\n---\n");
        assertThat(onlyProblem(f)).isEqualTo("agent file " + tagged
                + ": key 'description' (line 3) must be text, not a list");
    }

    @Test
    void aFolderOfTooManyFilesReadsTheFirstByName() {
        ProfileFolders f = new ProfileFolders(tmp);
        for (int i = 0; i < AgentProfiles.MAX_FILES + 2; i++) {
            String name = String.format("a%03d", i);
            agent(f.project, name, "d", "", "");
        }
        write(f.project.resolve(".hidden.md"), "not a profile");
        AgentProfiles.Catalog catalog = f.library().list();
        assertThat(catalog.problems()).extracting(AgentProfiles.Problem::message).containsExactly("agent folder " + f.project
                + " has 258 agent files; only the first 256 by name are read");
        assertThat(catalog.entries()).filteredOn(e -> e.profile().source() == AgentProfile.Source.PROJECT).hasSize(256)
                .last().satisfies(e -> assertThat(e.profile().name()).isEqualTo("a255"));
        assertThat(f.library().find("a257")).isEmpty();
    }

    @Test
    void anOverlongQueryIsRefused() {
        ProfileFolders f = withGoodOne();
        assertThatThrownBy(() -> f.library().query("q".repeat(1001))).hasMessage("agent query is 1001 characters; the limit is 1000");
        assertThat(f.library().query("\u0007\n\u001b")).as("no words, no hits").isEmpty();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
