package dev.agentmesh.agents;

import dev.agentmesh.agents.internal.ProfileParser;
import dev.agentmesh.runtime.Capability;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Stream;

import static dev.agentmesh.runtime.Capability.EDIT;
import static dev.agentmesh.runtime.Capability.MESH;
import static dev.agentmesh.runtime.Capability.READ;
import static dev.agentmesh.runtime.Capability.SEARCH;
import static dev.agentmesh.runtime.Capability.SHELL;
import static dev.agentmesh.runtime.Capability.WRITE;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The profiles in the core jar: seed 002's package agents plus seed 000's {@code worker-xhigh}, each valid, with the
 * tools its role needs and no more, and no model or runtime pinned (the caller's default applies).
 */
class AgentProfileBundledTest {

    @Test
    void theSeedsPackageAgentsAndWorkerXhighAreBundled(@TempDir Path tmp) {
        assertThat(AgentProfiles.bundled()).extracting(AgentProfile::name).containsExactly("critic", "docs-auditor", "planner",
                "reviewer", "scout", "synthesizer", "validator", "web-researcher", "worker", "worker-xhigh");
        AgentProfiles library = new ProfileFolders(tmp).library();
        for (AgentProfile p : AgentProfiles.bundled()) {
            assertThat(library.get("package:" + p.name())).isEqualTo(p);
            assertThat(library.get(p.name())).as("nothing shadows it here").isEqualTo(p);
            assertThat(p.source()).isEqualTo(AgentProfile.Source.PACKAGE);
            assertThat(p.path()).isNull();
            assertThat(p.runtime()).as(p.name()).isNull();
            assertThat(p.model()).as(p.name()).isNull();
            assertThat(p.description()).isNotBlank();
            assertThat(p.prompt()).as(p.name()).hasSizeGreaterThan(200);
            assertThat(p.tags()).isNotEmpty();
            assertThat(p.tools()).as(p.name() + " names its tools").isNotNull().contains(READ, SEARCH);
            assertThat(p.sha()).isEqualTo(ProfileParser.sha256(resource(p.name() + ".md")));
        }
    }

    @Test
    void workerXhighIsTheWorkerThinkingAtXhigh() {
        AgentProfile worker = bundled("worker");
        AgentProfile xhigh = bundled("worker-xhigh");
        assertThat(xhigh.thinking()).isEqualTo("xhigh");
        assertThat(worker.thinking()).isNull();
        assertThat(xhigh.tools()).isEqualTo(worker.tools()).isEqualTo(EnumSet.allOf(Capability.class));
    }

    @Test
    void eachRoleHasTheToolsItNeedsAndNoMore() {
        // seed 002: package:worker needs edit or write, package:validator needs bash; the read-only roles edit nothing
        assertThat(bundled("validator").tools()).containsExactly(READ, SEARCH, SHELL);
        assertThat(bundled("reviewer").tools()).containsExactly(READ, SEARCH, SHELL, MESH);
        assertThat(bundled("planner").tools()).containsExactly(READ, SEARCH, MESH);
        for (String readOnly : List.of("scout", "critic", "docs-auditor", "synthesizer", "web-researcher")) {
            assertThat(bundled(readOnly).tools()).as(readOnly).containsExactly(READ, SEARCH);
        }
        assertThat(bundled("web-researcher").description()).contains("no web tool");
    }

    @Test
    void theIndexListsEveryBundledFile() throws Exception {
        Path folder = Path.of(AgentProfiles.class.getClassLoader().getResource(AgentProfiles.BUNDLED_FOLDER).toURI());
        try (Stream<Path> files = Files.list(folder)) {
            assertThat(files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".md")).sorted())
                    .containsExactlyElementsOf(AgentProfiles.bundled().stream().map(p -> p.name() + ".md").sorted().toList());
        }
    }

    private static AgentProfile bundled(String name) {
        return AgentProfiles.bundled().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }

    private static byte[] resource(String file) {
        try (InputStream in = AgentProfiles.class.getClassLoader().getResourceAsStream(AgentProfiles.BUNDLED_FOLDER + file)) {
            return in.readAllBytes();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
