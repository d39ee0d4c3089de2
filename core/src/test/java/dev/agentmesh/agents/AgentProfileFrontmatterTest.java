package dev.agentmesh.agents;

import dev.agentmesh.runtime.Capability;
import dev.agentmesh.runtime.ModelRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

import static dev.agentmesh.agents.ProfileFolders.write;
import static org.assertj.core.api.Assertions.assertThat;

/** What every frontmatter key means once read: the shapes YAML allows for each, and the defaults of absent keys. */
class AgentProfileFrontmatterTest {

    @Test
    void everyKeyIsReadIntoTheProfile(@TempDir Path tmp) throws Exception {
        ProfileFolders f = new ProfileFolders(tmp);
        Path file = write(f.project.resolve("builder.md"), """
                ---
                name: builder
                description: >
                  Builds things
                  carefully.
                tags: [build, Java, build]
                runtime: claude
                model: anthropic/claude-sonnet-4
                thinking: high
                tools: read, search,EDIT
                ---

                # Builder

                Build it.
                """);
        AgentProfile p = f.library().get("builder");
        assertThat(p.name()).isEqualTo("builder");
        assertThat(p.description()).as("a folded block, stripped").isEqualTo("Builds things carefully.");
        assertThat(p.tags()).as("in file order, repeats out").containsExactly("build", "Java");
        assertThat(p.runtime()).isEqualTo("claude");
        assertThat(p.model()).isEqualTo(new ModelRef("anthropic", "claude-sonnet-4", null));
        assertThat(p.thinking()).isEqualTo("high");
        assertThat(p.tools()).as("a comma-separated text, any case").containsExactly(Capability.READ, Capability.SEARCH, Capability.EDIT);
        assertThat(p.prompt()).isEqualTo("# Builder\n\nBuild it.");
        assertThat(p.source()).isEqualTo(AgentProfile.Source.PROJECT);
        assertThat(p.path()).isEqualTo(file);
        assertThat(p.sha()).isEqualTo(HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))));
        assertThat(p.ref()).isEqualTo("project:builder");
    }

    @Test
    void absentKeysMeanTheCallersDefaults(@TempDir Path tmp) {
        ProfileFolders f = new ProfileFolders(tmp);
        write(f.project.resolve("plain.md"), "---\nname: plain\ndescription: d\n---\n");
        write(f.project.resolve("empty.md"), "---\nname: empty\ndescription: d\ntools: []\ntags:\nmodel:\nthinking: ''\n---\nBody");
        AgentProfile plain = f.library().get("plain");
        assertThat(plain.tools()).as("no tools key: the caller's default").isNull();
        assertThat(plain.tags()).isEmpty();
        assertThat(plain.runtime()).isNull();
        assertThat(plain.model()).isNull();
        assertThat(plain.thinking()).isNull();
        assertThat(plain.prompt()).isEmpty();
        AgentProfile empty = f.library().get("empty");
        assertThat(empty.tools()).as("tools: [] is text only").isEqualTo(Set.of());
        assertThat(empty.tags()).isEmpty();
        assertThat(empty.model()).isNull();
        assertThat(empty.thinking()).isNull();
    }

    @Test
    void theModelsThinkingSuffixIsTheThinkingLevelWhenTheKeyIsAbsent(@TempDir Path tmp) {
        ProfileFolders f = new ProfileFolders(tmp);
        write(f.project.resolve("deep.md"), "---\nname: deep\ndescription: d\nmodel: openai/gpt-5:xhigh\n---\n");
        write(f.project.resolve("same.md"), "---\nname: same\ndescription: d\nmodel: openai/gpt-5:low\nthinking: low\n---\n");
        write(f.project.resolve("local.md"), "---\nname: local\ndescription: d\nmodel: ollama/qwen3:8b\nthinking: off\n---\n");
        assertThat(f.library().get("deep").thinking()).isEqualTo("xhigh");
        assertThat(f.library().get("same").thinking()).isEqualTo("low");
        assertThat(f.library().get("local").model()).as("':8b' is the model's, and 'off' is text, not false")
                .isEqualTo(new ModelRef("ollama", "qwen3:8b", null));
        assertThat(f.library().get("local").thinking()).isEqualTo("off");
    }

    @Test
    void windowsLineEndingsAByteOrderMarkAndYamlListsAreRead(@TempDir Path tmp) {
        ProfileFolders f = new ProfileFolders(tmp);
        write(f.project.resolve("crlf.md"), "\uFEFF---\r\nname: crlf\r\ndescription: d\r\ntools:\r\n  - read\r\n  - shell\r\n---\r\nLine one.\r\nLine two.\r\n");
        AgentProfile p = f.library().get("crlf");
        assertThat(p.tools()).containsExactly(Capability.READ, Capability.SHELL);
        assertThat(p.prompt()).isEqualTo("Line one.\nLine two.");
        assertThat(p.tags()).isEqualTo(List.of());
    }
}
