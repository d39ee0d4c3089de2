package dev.agentmesh.team;

import dev.agentmesh.agents.AgentProfile;
import dev.agentmesh.agents.AgentProfiles;
import dev.agentmesh.team.TeamCatalog.Listing;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.List;

import static dev.agentmesh.team.TeamGraphs.json;
import static dev.agentmesh.team.TeamGraphs.refusal;
import static org.assertj.core.api.Assertions.assertThat;

/** The {@code catalog} action (seeds/002): refs, descriptions, default tools, provenance, extension tools, problems. */
class TeamCatalogTest {
    @TempDir
    Path tmp;
    private TeamGraphs g;
    private AgentProfiles profiles;

    @BeforeEach
    void setUp() {
        g = new TeamGraphs(tmp);
        profiles = g.ctx.profiles();
    }

    private static AgentProfile bundled(String name) {
        return AgentProfiles.bundled().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }

    private static List<String> refs(Listing r) {
        return r.data().get("agents").valueStream().map(a -> a.get("ref").asString()).toList();
    }

    @Test
    void withoutArgumentsItListsEveryBundledAgent() {
        Listing r = TeamCatalog.catalog(profiles, null);
        assertThat(refs(r)).containsExactly("package:critic", "package:docs-auditor", "package:planner", "package:reviewer",
                "package:scout", "package:synthesizer", "package:validator", "package:web-researcher", "package:worker",
                "package:worker-xhigh");
        assertThat(r.text()).startsWith("agent_team catalog: 10 agents from package, user\n");
        assertThat(r.text()).contains("\npackage:scout | " + bundled("scout").description() + " | tools: read, grep, find, ls | bundled | sha "
                + bundled("scout").sha().substring(0, 12) + "\n");
        assertThat(r.text()).contains("\npackage:worker-xhigh | " + bundled("worker-xhigh").description()
                + " | tools: read, grep, find, ls, bash, edit, write, pi_messenger | thinking: xhigh | bundled | sha ");
        assertThat(r.text()).endsWith("\n" + TeamCatalog.EXTENSION_ROW);
        assertThat(TeamCatalog.EXTENSION_ROW)
                .isEqualTo("extension tools: pi_messenger (agentmesh mesh tool; needs authority.allowExtensionCode and extensionTools)");
    }

    @Test
    void theDataHoldsEachAgentsFieldsAndTheExtensionTools() {
        JsonNode d = TeamCatalog.catalog(profiles, json("{'action': 'catalog'}")).data();
        JsonNode reviewer = d.get("agents").valueStream().filter(a -> a.get("ref").asString().equals("package:reviewer")).findFirst().orElseThrow();
        assertThat(reviewer.propertyNames()).containsExactly("ref", "name", "source", "description", "tags", "defaultTools", "model",
                "thinking", "runtime", "path", "sha");
        assertThat(reviewer.get("name").asString()).isEqualTo("reviewer");
        assertThat(reviewer.get("source").asString()).isEqualTo("package");
        assertThat(reviewer.get("defaultTools").valueStream().map(JsonNode::asString).toList())
                .containsExactly("read", "grep", "find", "ls", "bash", "pi_messenger");
        assertThat(reviewer.get("tags").valueStream().map(JsonNode::asString).toList()).contains("review", "verdict");
        assertThat(reviewer.get("path").isNull()).isTrue();
        assertThat(reviewer.get("model").isNull()).isTrue();
        assertThat(reviewer.get("sha").asString()).isEqualTo(bundled("reviewer").sha());
        assertThat(d.get("extensionTools")).hasSize(1);
        assertThat(d.get("extensionTools").get(0).get("name").asString()).isEqualTo("pi_messenger");
        assertThat(d.get("problems")).isEmpty();
        assertThat(d.get("sources").valueStream().map(JsonNode::asString).toList()).containsExactly("package", "user");
    }

    @Test
    void aQueryRanksTheAgents() {
        Listing r = TeamCatalog.catalog(profiles, json("{'library': {'query': 'code review verdict'}}"));
        assertThat(refs(r).getFirst()).isEqualTo("package:reviewer");
        assertThat(r.text()).startsWith("agent_team catalog: ").contains(" matching 'code review verdict'\n");
        assertThat(r.data().get("query").asString()).isEqualTo("code review verdict");
        Listing none = TeamCatalog.catalog(profiles, json("{'library': {'query': 'zzzzqqq'}}"));
        assertThat(refs(none)).isEmpty();
        assertThat(none.text()).contains("no agent matches; omit library.query to list them all, or widen library.sources");
    }

    @Test
    void projectAgentsAndFileProblemsShowWhenTheSourceIsAsked() {
        Path helper = g.write(".mesh/agents/helper.md", "---\nname: helper\ndescription: A project helper.\nmodel: acme/fast\ntools: [read, edit]\n---\nHelp.\n");
        g.write(".mesh/agents/broken.md", "---\nname: broken\n---\n");
        Listing def = TeamCatalog.catalog(profiles, null);
        assertThat(refs(def)).doesNotContain("project:helper");
        Listing r = TeamCatalog.catalog(profiles, json("{'library': {'sources': ['project', 'package']}}"));
        assertThat(refs(r).getFirst()).isEqualTo("project:helper");
        assertThat(refs(r)).contains("package:scout");
        assertThat(r.text()).contains("\nproject:helper | A project helper. | tools: read, grep, find, ls, edit | model: acme/fast | " + helper + " | sha ");
        assertThat(r.text()).contains("\nproblem: agent file ");
        assertThat(r.data().get("problems").get(0).get("source").asString()).isEqualTo("project");
        assertThat(r.data().get("problems").get(0).get("name").asString()).isEqualTo("broken");
    }

    @Test
    void aShadowedAgentIsNotListed() {
        g.write(".mesh/agents/scout.md", "---\nname: scout\ndescription: Our own scout.\n---\nLook.\n");
        Listing r = TeamCatalog.catalog(profiles, json("{'library': {'sources': ['package', 'project']}}"));
        assertThat(refs(r)).contains("project:scout").doesNotContain("package:scout");
    }

    @Test
    void badArgumentsAreRefused() {
        assertThat(refusal(() -> TeamCatalog.catalog(profiles, json("{'preview': true}"))))
                .isEqualTo("catalog takes no read control 'preview' Repair: narrow catalog with library.query");
        assertThat(refusal(() -> TeamCatalog.catalog(profiles, json("{'library': {'sources': []}}"))))
                .startsWith("catalog library.sources is empty Repair: ");
    }
}
