package dev.agentmesh.crew;

import dev.agentmesh.project.Project;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Without --prd the crew takes PRD.md, then SPEC.md, ... from the root, then from docs/. */
class PrdDiscoveryTest {
    @Test
    void theRootWinsOverDocsAndPrdOverSpec(@TempDir Path tmp) throws Exception {
        Path root = Files.createDirectories(tmp.resolve("repo/.git")).getParent().toRealPath();
        Project p = Project.locate(root);
        assertThat(PrdDiscovery.find(p)).isEmpty();
        Files.createDirectories(root.resolve("docs"));
        Files.writeString(root.resolve("docs/PRD.md"), "x");
        assertThat(PrdDiscovery.find(p)).contains(root.resolve("docs/PRD.md"));
        Files.writeString(root.resolve("SPEC.md"), "x");
        assertThat(PrdDiscovery.find(p)).contains(root.resolve("SPEC.md"));
        Files.writeString(root.resolve("PRD.md"), "x");
        assertThat(PrdDiscovery.require(p)).isEqualTo(root.resolve("PRD.md"));
    }
}
