package dev.agentmesh.agents;

import dev.agentmesh.MeshException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static dev.agentmesh.agents.ProfileFolders.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Every way an agent file can be wrong fails in one line naming the file, the key and its line, with the offending
 * value and what is allowed (DESIGN.md: "validated on load with a clear error naming the file and the key").
 */
class AgentProfileValidationTest {
    @TempDir
    Path tmp;

    /** @return the error of a project file {@code NAME.md} of the frontmatter {@code keys}, without the "agent file PATH: " */
    private String error(String name, String keys) {
        return errorOfFile(name, "---\n" + keys + "---\nPrompt.\n");
    }

    private String errorOfFile(String name, String text) {
        ProfileFolders f = new ProfileFolders(tmp);
        f.clearProject();
        Path file = write(f.project.resolve(name + ".md"), text);
        if (!AgentProfile.NAME.matcher(name).matches()) {
            return problemOf(f, file);
        }
        MeshException e = catchThrowableOfType(MeshException.class, () -> f.library().get(name));
        assertThat(e).as("an error for " + name).isNotNull();
        assertThat(e.kind()).isEqualTo(MeshException.Kind.INVALID_INPUT);
        assertThat(f.library().list().problems()).extracting(AgentProfiles.Problem::message).contains(e.getMessage());
        String prefix = "agent file " + file + ": ";
        assertThat(e.getMessage()).startsWith(prefix).doesNotContain("\n");
        return e.getMessage().substring(prefix.length());
    }

    /** @return the problem reported for a file no ref can name, without the "agent file PATH: " */
    private static String problemOf(ProfileFolders f, Path file) {
        AgentProfiles.Catalog catalog = f.library().list();
        assertThat(catalog.problems()).singleElement().extracting(AgentProfiles.Problem::path).isEqualTo(file);
        assertThat(catalog.entries()).noneMatch(e -> e.profile().source() == AgentProfile.Source.PROJECT);
        String prefix = "agent file " + file + ": ";
        assertThat(catalog.problems().getFirst().message()).startsWith(prefix);
        return catalog.problems().getFirst().message().substring(prefix.length());
    }

    @Test
    void anUnknownKeyIsNamedWithItsLineAndTheKnownKeys() {
        assertThat(error("x", "name: x\ndescription: d\ncolour: blue\n"))
                .isEqualTo("unknown key 'colour' (line 4); keys: name, description, tags, runtime, model, thinking, tools");
        assertThat(error("x", "name: x\ndescription: d\n42: blue\n"))
                .isEqualTo("line 4 has a key that is not a word; keys: name, description, tags, runtime, model, thinking, tools");
    }

    @Test
    void aValueOfTheWrongTypeIsNamedWithItsKey() {
        assertThat(error("x", "name: 123\ndescription: d\n")).isEqualTo("key 'name' (line 2) must be text, not a number; quote it");
        assertThat(error("x", "name: x\ndescription: true\n")).isEqualTo("key 'description' (line 3) must be text, not true or false; quote it");
        assertThat(error("x", "name: x\ndescription: d\nmodel: [a, b]\n")).isEqualTo("key 'model' (line 4) must be text, not a list");
        assertThat(error("x", "name: x\ndescription: d\ntools: {read: yes}\n"))
                .isEqualTo("key 'tools' (line 4) must be a list or a comma-separated text, not a mapping");
        assertThat(error("x", "name: x\ndescription: d\ntags: [1, two]\n")).isEqualTo("key 'tags' (line 4) must list words, not a number");
        assertThat(error("x", "name: x\ndescription: !!binary aGVsbG8=\n"))
                .isEqualTo("key 'description' (line 3) must be text, not a value tagged tag:yaml.org,2002:binary; quote it");
        assertThat(error("x", "- name\n- x\n")).isEqualTo("the frontmatter must be keys with values (a YAML mapping), not a list");
    }

    @Test
    void aBadModelThinkingLevelRuntimeOrCapabilityIsNamed() {
        assertThat(error("x", "name: x\ndescription: d\nmodel: openai/\n"))
                .isEqualTo("key 'model' (line 4): model reference 'openai/' has an empty provider or model");
        assertThat(error("x", "name: x\ndescription: d\nthinking: max\n"))
                .isEqualTo("key 'thinking' (line 4) is 'max'; levels: off, minimal, low, medium, high, xhigh");
        assertThat(error("x", "name: x\ndescription: d\nmodel: openai/gpt-5:high\nthinking: low\n"))
                .isEqualTo("key 'thinking' (line 5) is 'low' but the model 'openai/gpt-5:high' asks for 'high'; keep one of them");
        assertThat(error("x", "name: x\ndescription: d\nruntime: gemini\n"))
                .isEqualTo("key 'runtime' (line 4) is 'gemini'; runtimes: pi, claude, codex, command");
        assertThat(error("x", "name: x\ndescription: d\ntools: [read, sudo]\n"))
                .isEqualTo("key 'tools' (line 4): unknown capability 'sudo'; known: read, search, edit, write, shell, mesh");
        assertThat(error("x", "name: x\ndescription: d\ntools: read,,edit\n"))
                .isEqualTo("key 'tools' (line 4): unknown capability ''; known: read, search, edit, write, shell, mesh");
    }

    @Test
    void theNameIsRequiredValidAndTheFileName() {
        assertThat(error("x", "description: d\n")).isEqualTo("missing key 'name'; it must equal the file name without .md, here 'x'");
        assertThat(error("x", "name: other\ndescription: d\n")).isEqualTo("key 'name' (line 2) is 'other' but the file is 'x.md'; they must match");
        assertThat(error("x", "name: X\ndescription: d\n")).as("case counts").isEqualTo("key 'name' (line 2) is 'X' but the file is 'x.md'; they must match");
        assertThat(error("x", "name: x y\ndescription: d\n")).isEqualTo("key 'name' (line 2): 'x y' is not an agent name: 1 to 64"
                + " letters, digits, '.', '_' or '-', starting with a letter or digit");
        assertThat(error("x", "name: -x\ndescription: d\n")).startsWith("key 'name' (line 2): '-x' is not an agent name");
        assertThat(error("x".repeat(65), "name: x\ndescription: d\n")).isEqualTo("the file name is not usable: '" + "x".repeat(65)
                + "' is not an agent name: 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        assertThat(error("my agent", "name: x\ndescription: d\n")).startsWith("the file name is not usable: 'my agent' is not an agent name");
    }

    @Test
    void theDescriptionIsRequiredAndBounded() {
        assertThat(error("x", "name: x\n")).isEqualTo("missing key 'description': one line saying what the agent is for");
        assertThat(error("x", "name: x\ndescription: '  '\n")).isEqualTo("missing key 'description': one line saying what the agent is for");
        assertThat(error("x", "name: x\ndescription: " + "d".repeat(1025) + "\n"))
                .isEqualTo("key 'description' (line 3) is 1025 characters; the limit is 1024");
    }

    @Test
    void tagsAreBoundedInNumberAndLength() {
        assertThat(error("x", "name: x\ndescription: d\ntags: [a, '']\n")).isEqualTo("key 'tags' (line 4) has an empty tag");
        assertThat(error("x", "name: x\ndescription: d\ntags: [" + "t".repeat(65) + "]\n"))
                .isEqualTo("key 'tags' (line 4) has a tag of 65 characters; the limit is 64");
        String many = String.join(", ", java.util.stream.IntStream.range(0, 33).mapToObj(i -> "t" + i).toList());
        assertThat(error("x", "name: x\ndescription: d\ntags: " + many + "\n")).isEqualTo("key 'tags' (line 4) has 33 tags; the limit is 32");
    }

    @Test
    void theFrontmatterMustBeFencedAndValidYaml() {
        assertThat(errorOfFile("x", "name: x\ndescription: d\n"))
                .isEqualTo("has no frontmatter: the first line must be '---', then the keys, then '---', then the prompt");
        assertThat(errorOfFile("x", "")).isEqualTo("has no frontmatter: the first line must be '---', then the keys, then '---', then the prompt");
        assertThat(errorOfFile("x", "---\nname: x\ndescription: d\nPrompt.\n"))
                .isEqualTo("the frontmatter opened on line 1 is never closed by a line '---'");
        assertThat(error("x", "name: x\ndescription: d\nname: x\n")).isEqualTo("key 'name' is given twice (lines 2 and 4)");
        assertThat(error("x", "name: [x\ndescription: d\n")).startsWith("the frontmatter is not valid YAML at line ");
        assertThat(errorOfFile("x", "---\n---\n")).isEqualTo("missing key 'name'; it must equal the file name without .md, here 'x'");
    }

    @Test
    void thePromptIsBounded() {
        assertThat(errorOfFile("x", "---\nname: x\ndescription: d\n---\n" + "p".repeat(Agents.MAX_PROMPT_CHARS + 1)))
                .isEqualTo("the prompt is 65537 characters; the limit is 65536");
    }
}
