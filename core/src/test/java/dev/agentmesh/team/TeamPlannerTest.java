package dev.agentmesh.team;

import dev.agentmesh.agents.AgentProfiles;
import dev.agentmesh.runtime.Capability;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.util.List;

import static dev.agentmesh.team.TeamGraphs.agent;
import static dev.agentmesh.team.TeamGraphs.json;
import static dev.agentmesh.team.TeamGraphs.minimum;
import static dev.agentmesh.team.TeamGraphs.newStep;
import static dev.agentmesh.team.TeamGraphs.step;
import static dev.agentmesh.team.TeamGraphs.withAuthority;
import static dev.agentmesh.team.TeamGraphs.withSteps;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The planner on graphs (seeds/002): the minimum graph plans to one read-only step, and each broken rule is refused
 * before anything launches, in one line naming the bad value, with repair copy.
 */
class TeamPlannerTest {
    private static final String ONLY_GRAPH_KEYS = "a graph holds only objective, authority, library, limits, runtime and steps; "
            + "put action/graphFile in the tool call";

    @TempDir
    Path tmp;
    private TeamGraphs g;

    @BeforeEach
    void setUp() {
        g = new TeamGraphs(tmp);
    }

    @Test
    void theSeedsMinimumGraphPlansToOneReadOnlyStep() {
        TeamPlan plan = g.plan(minimum());
        assertThat(plan.objective()).isEqualTo("Answer one scoped local question.");
        assertThat(plan.authority()).isEqualTo(new TeamPlan.Authority(true, false, false, false));
        assertThat(plan.limits()).isEqualTo(TeamPlan.RunLimits.DEFAULT);
        assertThat(plan.steps()).hasSize(1);
        TeamPlan.StepPlan s = plan.steps().getFirst();
        var scout = AgentProfiles.bundled().stream().filter(p -> p.name().equals("scout")).findFirst().orElseThrow();
        assertThat(s.id()).isEqualTo("inspect");
        assertThat(s.agentRef()).isEqualTo("package:scout");
        assertThat(s.agentSha()).isEqualTo(scout.sha());
        assertThat(s.systemPrompt()).isEqualTo(scout.prompt());
        assertThat(s.task()).isEqualTo("Inspect relevant local files. Do not edit or run commands. Return paths, facts, risks, and unknowns.");
        assertThat(s.tools()).containsExactly("read", "grep", "find", "ls");
        assertThat(s.capabilities()).containsExactlyInAnyOrder(Capability.READ, Capability.SEARCH);
        assertThat(s.cwd()).isEmpty();
        assertThat(s.runtime()).isEqualTo("pi");
        assertThat(s.model()).isNull();
        assertThat(s.thinking()).isNull();
        assertThat(s.needs()).isEmpty();
        assertThat(s.after()).isEmpty();
        assertThat(s.extensionTools()).isEmpty();
        assertThat(plan.sinks()).extracting(TeamPlan.StepPlan::id).containsExactly("inspect");
        assertThat(plan.graph()).isEqualTo(minimum());
    }

    @Test
    void thePlanKeepsACopyOfTheGraph() {
        ObjectNode graph = minimum();
        TeamPlan plan = g.plan(graph);
        graph.put("objective", "changed later");
        assertThat(plan.graph().get("objective").asString()).isEqualTo("Answer one scoped local question.");
    }

    @Test
    void aGraphMustBeAnObject() {
        assertThat(TeamGraphs.refusal(() -> g.plan(TeamGraphs.JSON.createArrayNode())))
                .startsWith("the graph must be a JSON object, not an array Repair: ");
        assertThat(TeamGraphs.refusal(() -> g.plan(null))).startsWith("the graph must be a JSON object, not null Repair: ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"action", "runId", "graphFile", "cursor", "waitSeconds", "maxBytes", "preview", "debugEvents"})
    void controlFieldsInsideAGraphHaveTheirOwnError(String field) {
        ObjectNode graph = minimum().put(field, "x");
        assertThat(g.refused(graph)).isEqualTo("graph contains control field '" + field + "' Repair: " + ONLY_GRAPH_KEYS);
    }

    @Test
    void unknownGraphKeysAreRefusedNamingTheKeyAndTheAllowedOnes() {
        assertThat(g.refused(minimum().put("objectiv", "x"))).isEqualTo("graph has unknown key 'objectiv' Repair: graph takes only "
                + "objective, authority, library, limits, runtime, steps; drop or rename 'objectiv'");
    }

    @Test
    void theObjectiveIsRequiredNonBlankAndAtMost4000Characters() {
        ObjectNode graph = minimum();
        graph.remove("objective");
        assertThat(g.refused(graph)).startsWith("graph has no objective Repair: ");
        assertThat(g.refused(minimum().put("objective", "  "))).startsWith("graph.objective is blank Repair: ");
        assertThat(g.refused(minimum().put("objective", 7))).startsWith("graph.objective must be a string, not 7 Repair: ");
        assertThat(g.plan(minimum().put("objective", "o".repeat(4000))).objective()).hasSize(4000);
        assertThat(g.refused(minimum().put("objective", "o".repeat(4001))))
                .startsWith("graph.objective is 4001 characters; the limit is 4000 Repair: ");
    }

    @Test
    void everyRunnableGraphNeedsFilesystemRead() {
        ObjectNode graph = minimum();
        graph.remove("authority");
        assertThat(g.refused(graph)).isEqualTo("graph.authority.allowFilesystemRead is missing; every child keeps read, grep, find and ls"
                + " Repair: set authority.allowFilesystemRead: true (seeds/002 \"Built-in tool is rejected\")");
        ObjectNode off = minimum();
        ((ObjectNode) off.get("authority")).put("allowFilesystemRead", false);
        assertThat(g.refused(off)).startsWith("graph.authority.allowFilesystemRead is false;");
    }

    @Test
    void authorityKeysAreKnownBooleans() {
        ObjectNode graph = minimum();
        ((ObjectNode) graph.get("authority")).put("allowNetwork", true);
        assertThat(g.refused(graph)).startsWith("graph.authority has unknown key 'allowNetwork' Repair: graph.authority takes only "
                + "allowFilesystemRead, allowShellTools, allowMutationTools, allowExtensionCode;");
        ObjectNode text = minimum();
        ((ObjectNode) text.get("authority")).put("allowShellTools", "true");
        assertThat(g.refused(text)).startsWith("graph.authority.allowShellTools must be true or false, not 'true' Repair: ");
        assertThat(g.refused(minimum().put("authority", "all"))).startsWith("graph.authority must be an object, not 'all' Repair: ");
    }

    @Test
    void libraryTakesOnlySourcesAndQueryIsCatalogOnly() {
        ObjectNode query = minimum();
        query.putObject("library").put("query", "review");
        assertThat(g.refused(query)).isEqualTo("graph.library.query is catalog-only Repair: drop library.query from the graph; "
                + "call catalog with library.query to choose refs");
        ObjectNode unknown = minimum();
        unknown.putObject("library").putArray("sources").add("global");
        assertThat(g.refused(unknown)).startsWith("graph.library.sources has unknown source 'global' Repair: ");
        ObjectNode empty = minimum();
        empty.putObject("library").putArray("sources");
        assertThat(g.refused(empty)).startsWith("graph.library.sources is empty Repair: ");
        ObjectNode extra = minimum();
        extra.putObject("library").put("depth", 1);
        assertThat(g.refused(extra)).startsWith("graph.library has unknown key 'depth' Repair: graph.library takes only sources;");
    }

    @Test
    void aRefFromASourceOutsideTheLibraryIsRefused() {
        ObjectNode graph = minimum();
        agent(graph).put("ref", "project:helper");
        assertThat(g.refused(graph)).isEqualTo("step 'inspect' agent.ref 'project:helper' is from source project, which "
                + "graph.library.sources (package, user) leaves out Repair: add 'project' to graph.library.sources");
        ObjectNode onlyProject = minimum();
        onlyProject.putObject("library").putArray("sources").add("project");
        assertThat(g.refused(onlyProject)).endsWith("Repair: add 'package' to graph.library.sources");
    }

    @Test
    void projectAndUserProfilesResolveWhenTheirSourceIsListed() {
        g.write(".mesh/agents/helper.md", "---\nname: helper\ndescription: a project helper\nmodel: acme/fast:low\nruntime: claude\n"
                + "tools: [read, search, edit]\n---\nHelp.\n");
        ObjectNode graph = minimum();
        graph.putObject("library").putArray("sources").add("package").add("project");
        agent(graph).put("ref", "project:helper");
        TeamPlan.StepPlan s = g.plan(graph).steps().getFirst();
        assertThat(s.agentRef()).isEqualTo("project:helper");
        assertThat(s.systemPrompt()).isEqualTo("Help.");
        assertThat(s.model()).isEqualTo("acme/fast");
        assertThat(s.thinking()).isEqualTo("low");
        assertThat(s.runtime()).isEqualTo("claude");
        assertThat(s.tools()).as("edit capped: no mutation authority").containsExactly("read", "grep", "find", "ls");
    }

    @Test
    void limitsDefaultAndTakeValuesAtTheirEdges() {
        ObjectNode graph = minimum();
        graph.putObject("limits").put("concurrency", 1).put("timeoutSecondsPerStep", 36000).put("maxRunSeconds", 1).put("retentionSeconds", 604800);
        assertThat(g.plan(graph).limits()).isEqualTo(new TeamPlan.RunLimits(1, 36000, 1, 604800));
        ObjectNode other = minimum();
        other.putObject("limits").put("concurrency", 6).put("timeoutSecondsPerStep", 1).put("maxRunSeconds", 86400).put("retentionSeconds", 1);
        assertThat(g.plan(other).limits()).isEqualTo(new TeamPlan.RunLimits(6, 1, 86400, 1));
        ObjectNode some = minimum();
        some.putObject("limits").put("concurrency", 3);
        assertThat(g.plan(some).limits()).isEqualTo(new TeamPlan.RunLimits(3, 7200, 86400, 86400));
    }

    @ParameterizedTest
    @CsvSource({
            "concurrency, 0, 1 to 6 (default 6)", "concurrency, 7, 1 to 6 (default 6)",
            "timeoutSecondsPerStep, 0, 1 to 36000 (default 7200)", "timeoutSecondsPerStep, 36001, 1 to 36000 (default 7200)",
            "maxRunSeconds, 0, 1 to 86400 (default 86400)", "maxRunSeconds, 86401, 1 to 86400 (default 86400)",
            "retentionSeconds, 0, 1 to 604800 (default 86400)", "retentionSeconds, 604801, 1 to 604800 (default 86400)",
            "concurrency, -1, 1 to 6 (default 6)", "maxRunSeconds, 99999999999999999999, 1 to 86400 (default 86400)"})
    void limitsBeyondAnEdgeAreRefusedNamingTheLimitAndTheRange(String key, String value, String range) {
        ObjectNode graph = minimum();
        graph.set("limits", json("{'" + key + "': " + value + "}"));
        String limit = range.substring(0, range.indexOf(" ("));
        assertThat(g.refused(graph)).isEqualTo("graph.limits." + key + " is " + value + "; the limit is " + limit + " (seeds/002)"
                + " Repair: set graph.limits." + key + " from " + range + ", or omit it for the default");
    }

    @ParameterizedTest
    @ValueSource(strings = {"2.5", "6.0", "'6'", "true", "1e3", "[6]"})
    void limitsAreIntegersOnly(String value) {
        ObjectNode graph = minimum();
        graph.set("limits", json("{'concurrency': " + value + "}"));
        assertThat(g.refused(graph)).startsWith("graph.limits.concurrency must be an integer, not ")
                .contains("Repair: set graph.limits.concurrency to a whole number from 1 to 6 (default 6)");
    }

    @Test
    void unknownLimitKeysAreRefused() {
        ObjectNode graph = minimum();
        graph.putObject("limits").put("steps", 3);
        assertThat(g.refused(graph)).startsWith("graph.limits has unknown key 'steps' Repair: graph.limits takes only "
                + "concurrency, timeoutSecondsPerStep, maxRunSeconds, retentionSeconds;");
    }

    @Test
    void theGraphRuntimeIsKnownAndStepsInheritIt() {
        assertThat(g.plan(minimum().put("runtime", "claude")).steps().getFirst().runtime()).isEqualTo("claude");
        assertThat(g.refused(minimum().put("runtime", "docker")))
                .isEqualTo("graph.runtime 'docker' is not a runtime Repair: use one of pi, claude, codex, command, or omit it for the default");
    }

    @Test
    void stepsAreOneToSixteen() {
        ObjectNode none = minimum();
        none.remove("steps");
        assertThat(g.refused(none)).startsWith("graph has no steps Repair: ");
        assertThat(g.refused(minimum().put("steps", "inspect"))).startsWith("graph.steps must be an array, not 'inspect' Repair: ");
        assertThat(g.refused(withSteps())).startsWith("graph.steps is empty Repair: ");
        ObjectNode[] sixteen = new ObjectNode[16];
        for (int i = 0; i < 16; i++) {
            sixteen[i] = newStep("s" + i, "package:scout");
        }
        assertThat(g.plan(withSteps(sixteen)).steps()).hasSize(16);
        ObjectNode seventeen = withSteps(sixteen);
        ((ArrayNode) seventeen.get("steps")).add(newStep("s16", "package:scout"));
        assertThat(g.refused(seventeen)).isEqualTo("graph.steps has 17 steps; the limit is 16 (seeds/002) Repair: merge small steps, "
                + "or split the work into several runs");
        ObjectNode notObject = minimum();
        ((ArrayNode) notObject.get("steps")).add(3);
        assertThat(g.refused(notObject)).startsWith("graph.steps[1] must be an object, not 3 Repair: ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Inspect", "-inspect", "in_spect", "in spect", "", "inspect.md"})
    void stepIdsFollowThePattern(String id) {
        ObjectNode graph = minimum();
        step(graph).put("id", id);
        assertThat(g.refused(graph)).isEqualTo("graph.steps[0].id '" + id + "' is not a step id Repair: use 1 to 63 lower-case letters, "
                + "digits and '-', starting with a letter or digit, e.g. inspect");
    }

    @Test
    void stepIdsAreAtMost63CharactersRequiredAndUnique() {
        ObjectNode ok = minimum();
        step(ok).put("id", "a".repeat(63));
        assertThat(g.plan(ok).steps().getFirst().id()).hasSize(63);
        ObjectNode longer = minimum();
        step(longer).put("id", "a".repeat(64));
        assertThat(g.refused(longer)).contains("is not a step id");
        ObjectNode missing = minimum();
        step(missing).remove("id");
        assertThat(g.refused(missing)).startsWith("graph.steps[0] has no id Repair: ");
        assertThat(g.refused(withSteps(newStep("a", "package:scout"), newStep("b", "package:scout"), newStep("a", "package:critic"))))
                .isEqualTo("graph.steps[2].id 'a' repeats graph.steps[0].id Repair: give every step its own id");
    }

    @Test
    void unknownStepAndAgentKeysAreRefused() {
        ObjectNode graph = minimum();
        step(graph).put("prompt", "x");
        assertThat(g.refused(graph)).isEqualTo("step 'inspect' has unknown key 'prompt' Repair: step 'inspect' takes only "
                + "id, agent, task, outputContract, needs, after, cwd; drop or rename 'prompt'");
        ObjectNode agentKey = minimum();
        agent(agentKey).put("temperature", 1);
        assertThat(g.refused(agentKey)).startsWith("step 'inspect' agent has unknown key 'temperature' Repair: step 'inspect' agent takes only "
                + "ref, system, tools, extensionTools, model, thinking, runtime;");
    }

    @Test
    void agentSkillsAreAlwaysRefused() {
        ObjectNode graph = minimum();
        agent(graph).putArray("skills").add("pi-multiagent");
        assertThat(g.refused(graph)).isEqualTo("step 'inspect' sets agent.skills; steps[].agent.skills is rejected: subagent skills are "
                + "not graph-controlled Repair: drop agent.skills; skills never grant tools, authority or scope (seeds/002)");
        ObjectNode empty = minimum();
        agent(empty).putArray("skills");
        assertThat(g.refused(empty)).contains("steps[].agent.skills is rejected");
    }

    @Test
    void anAgentIsExactlyOneOfRefAndSystem() {
        ObjectNode none = minimum();
        step(none).remove("agent");
        assertThat(g.refused(none)).startsWith("step 'inspect' has no agent Repair: ");
        ObjectNode both = minimum();
        agent(both).put("system", "You help.");
        assertThat(g.refused(both)).isEqualTo("step 'inspect' agent has both ref and system Repair: give exactly one: a source-qualified "
                + "ref such as package:scout, or an inline system prompt");
        ObjectNode neither = minimum();
        agent(neither).remove("ref");
        assertThat(g.refused(neither)).startsWith("step 'inspect' agent has neither ref nor system Repair: ");
    }

    @Test
    void bareRefsAreRefusedWithTheQualifiedRef() {
        ObjectNode graph = minimum();
        agent(graph).put("ref", "scout");
        assertThat(g.refused(graph)).isEqualTo("step 'inspect' agent.ref 'scout' is a bare ref Repair: use a source-qualified ref such as package:scout");
        agent(graph).put("ref", "reviewer");
        assertThat(g.refused(graph)).endsWith("Repair: use a source-qualified ref such as package:reviewer");
        agent(graph).put("ref", "nobody");
        assertThat(g.refused(graph)).endsWith("Repair: use a source-qualified ref such as package:scout");
    }

    @Test
    void unknownRefsAreRefusedListingCloseAndKnownRefs() {
        ObjectNode graph = minimum();
        agent(graph).put("ref", "package:scot");
        assertThat(g.refused(graph)).startsWith("step 'inspect' agent.ref 'package:scot' is not in the library (sources: package, user) "
                + "Repair: did you mean package:scout? Known refs: package:critic, package:docs-auditor,").contains("package:worker-xhigh");
        agent(graph).put("ref", "package:zzzzzzzz");
        assertThat(g.refused(graph)).contains("Repair: use a ref that catalog lists: package:critic,");
        agent(graph).put("ref", "pkg:scout");
        assertThat(g.refused(graph)).isEqualTo("step 'inspect' agent.ref 'pkg:scout' has unknown source 'pkg' Repair: write the ref as "
                + "package:NAME, user:NAME or project:NAME, e.g. package:scout");
        agent(graph).put("ref", "package:../etc/passwd");
        assertThat(g.refused(graph)).startsWith("step 'inspect' agent.ref 'package:../etc/passwd' does not name an agent Repair: ");
        agent(graph).put("ref", 3);
        assertThat(g.refused(graph)).startsWith("step 'inspect' agent.ref must be a string, not 3 Repair: ");
    }

    @Test
    void aBrokenAgentFileIsRefusedWithItsProblem() {
        g.write(".mesh/agents/broken.md", "---\nname: broken\n---\n");
        ObjectNode graph = minimum();
        graph.putObject("library").putArray("sources").add("project");
        agent(graph).put("ref", "project:broken");
        assertThat(g.refused(graph)).startsWith("step 'inspect' agent.ref 'project:broken' cannot be loaded: agent file ")
                .endsWith("Repair: fix that agent file (catalog lists its problem) or use another ref");
    }

    @Test
    void inlineAgentsAreReadOnlyAndTheirPromptIsChecked() {
        ObjectNode graph = minimum();
        agent(graph).remove("ref");
        agent(graph).put("system", "You list files.");
        TeamPlan.StepPlan s = g.plan(withAuthority(graph, "allowShellTools", "allowMutationTools")).steps().getFirst();
        assertThat(s.agentRef()).isNull();
        assertThat(s.agentSha()).isNull();
        assertThat(s.systemPrompt()).isEqualTo("You list files.");
        assertThat(s.tools()).containsExactly("read", "grep", "find", "ls");
        agent(graph).put("system", " ");
        assertThat(g.refused(graph)).startsWith("step 'inspect' agent.system is blank Repair: ");
        agent(graph).put("system", "s".repeat(64 * 1024));
        assertThat(g.plan(graph).steps().getFirst().systemPrompt()).hasSize(65536);
        agent(graph).put("system", "s".repeat(64 * 1024 + 1));
        assertThat(g.refused(graph)).startsWith("step 'inspect' agent.system is 65537 bytes; the limit is 65536 (64 KiB) Repair: ");
    }

    @Test
    void explicitToolsOutsideTheAuthorityAreErrors() {
        ObjectNode graph = minimum();
        agent(graph).putArray("tools").add("read").add("bash");
        assertThat(g.refused(graph)).isEqualTo("step 'inspect' asks for bash but authority.allowShellTools is false "
                + "Repair: set authority.allowShellTools: true or drop bash");
        agent(graph).putArray("tools").add("edit");
        assertThat(g.refused(graph)).isEqualTo("step 'inspect' asks for edit but authority.allowMutationTools is false "
                + "Repair: set authority.allowMutationTools: true or drop edit");
        agent(graph).putArray("tools").add("write");
        assertThat(g.refused(graph)).endsWith("Repair: set authority.allowMutationTools: true or drop write");
        agent(graph).putArray("tools").add("shell");
        assertThat(g.refused(graph)).startsWith("step 'inspect' asks for shell but authority.allowShellTools is false");
    }

    @Test
    void explicitToolsReplaceTheProfileDefaultsAndKeepReadAndDiscovery() {
        ObjectNode graph = withAuthority(minimum(), "allowShellTools", "allowMutationTools");
        agent(graph).put("ref", "package:reviewer").putArray("tools").add("read");
        assertThat(g.plan(graph).steps().getFirst().tools()).as("reviewer's bash dropped").containsExactly("read", "grep", "find", "ls");
        agent(graph).putArray("tools");
        assertThat(g.plan(graph).steps().getFirst().tools()).containsExactly("read", "grep", "find", "ls");
        agent(graph).put("ref", "package:scout").putArray("tools").add("search").add("shell").add("edit").add("write").add("bash");
        assertThat(g.plan(graph).steps().getFirst().tools()).containsExactly("read", "grep", "find", "ls", "bash", "edit", "write");
    }

    @Test
    void omittedToolsInheritTheProfileDefaultsCappedByTheAuthority() {
        ObjectNode graph = minimum();
        agent(graph).put("ref", "package:reviewer");
        assertThat(g.plan(graph).steps().getFirst().tools()).as("bash capped silently, mesh only by grant")
                .containsExactly("read", "grep", "find", "ls");
        assertThat(g.plan(withAuthority(graph, "allowShellTools")).steps().getFirst().tools()).containsExactly("read", "grep", "find", "ls", "bash");
        ObjectNode planner = withAuthority(minimum(), "allowExtensionCode");
        agent(planner).put("ref", "package:planner");
        assertThat(g.plan(planner).steps().getFirst().tools()).as("the planner's mesh default needs extensionTools")
                .containsExactly("read", "grep", "find", "ls");
    }

    @Test
    void unknownAndExtensionToolsInAgentToolsAreRefused() {
        ObjectNode graph = minimum();
        agent(graph).putArray("tools").add("exa_search");
        assertThat(g.refused(graph)).isEqualTo("step 'inspect' asks for unknown tool 'exa_search' Repair: use built-in tools from "
                + "read, grep, find, ls, bash, edit, write; extension tools go in agent.extensionTools");
        agent(graph).putArray("tools").add("pi_messenger");
        assertThat(g.refused(graph)).isEqualTo("step 'inspect' lists 'pi_messenger' in agent.tools, but it is an extension tool "
                + "Repair: put \"pi_messenger\" in agent.extensionTools and set authority.allowExtensionCode: true");
        ArrayNode many = agent(graph).putArray("tools");
        for (int i = 0; i < 25; i++) {
            many.add("read");
        }
        assertThat(g.refused(graph)).startsWith("step 'inspect' agent.tools has 25 entries; the limit is 24 Repair: ");
        agent(graph).put("tools", "read");
        assertThat(g.refused(graph)).startsWith("step 'inspect' agent.tools must be an array of strings, not 'read' Repair: ");
    }

    @Test
    void piMessengerComesOnlyThroughExtensionToolsWithExtensionAuthority() {
        ObjectNode graph = minimum();
        agent(graph).putArray("extensionTools").add("pi_messenger");
        assertThat(g.refused(graph)).isEqualTo("step 'inspect' asks for extension tool pi_messenger but authority.allowExtensionCode is false "
                + "Repair: set authority.allowExtensionCode: true or drop pi_messenger from extensionTools");
        TeamPlan.StepPlan s = g.plan(withAuthority(graph, "allowExtensionCode")).steps().getFirst();
        assertThat(s.extensionTools()).containsExactly("pi_messenger");
        assertThat(s.capabilities()).contains(Capability.MESH);
        assertThat(s.tools()).containsExactly("read", "grep", "find", "ls", "pi_messenger");
        agent(graph).putArray("extensionTools").add("exa_fetch");
        assertThat(g.refused(graph)).isEqualTo("step 'inspect' asks for extension tool 'exa_fetch', which this mesh does not offer "
                + "Repair: drop it; the only extension tool is pi_messenger (see catalog)");
    }

    @Test
    void theValidatorNeedsBash() {
        ObjectNode graph = minimum();
        agent(graph).put("ref", "package:validator");
        assertThat(g.refused(graph)).isEqualTo("step 'inspect' runs package:validator without bash (effective tools: read, grep, find, ls) "
                + "Repair: set authority.allowShellTools: true and keep bash in agent.tools, or use package:reviewer for non-command review");
        withAuthority(graph, "allowShellTools");
        assertThat(g.plan(graph).steps().getFirst().tools()).contains("bash");
        agent(graph).putArray("tools").add("read");
        assertThat(g.refused(graph)).contains("runs package:validator without bash");
    }

    @ParameterizedTest
    @ValueSource(strings = {"package:worker", "package:worker-xhigh"})
    void aWorkerNeedsEditOrWrite(String ref) {
        ObjectNode graph = withAuthority(minimum(), "allowShellTools");
        agent(graph).put("ref", ref);
        assertThat(g.refused(graph)).isEqualTo("step 'inspect' runs " + ref + " without edit or write (effective tools: read, grep, find, ls, bash) "
                + "Repair: set authority.allowMutationTools: true and keep edit/write in agent.tools, or use package:planner or "
                + "package:reviewer for non-mutating work");
        withAuthority(graph, "allowMutationTools");
        assertThat(g.plan(graph).steps().getFirst().tools()).containsExactly("read", "grep", "find", "ls", "bash", "edit", "write");
        agent(graph).putArray("tools").add("write");
        assertThat(g.plan(graph).steps().getFirst().tools()).containsExactly("read", "grep", "find", "ls", "write");
    }

    @Test
    void theWebResearcherIsRefusedForWantOfWebTools() {
        ObjectNode graph = withAuthority(minimum(), "allowShellTools", "allowMutationTools", "allowExtensionCode");
        agent(graph).put("ref", "package:web-researcher");
        assertThat(g.refused(graph)).isEqualTo("step 'inspect' runs package:web-researcher, which needs the web extension tools exa_search "
                + "and exa_fetch; this mesh does not offer them Repair: use package:scout for local sources or research the web yourself; "
                + "catalog shows the only extension tool, pi_messenger");
    }

    @Test
    void modelThinkingAndRuntimeTakeTheStepsValueThenTheProfilesThenTheGraphs() {
        ObjectNode graph = withAuthority(minimum(), "allowMutationTools");
        agent(graph).put("ref", "package:worker-xhigh");
        TeamPlan.StepPlan profile = g.plan(graph).steps().getFirst();
        assertThat(profile.thinking()).isEqualTo("xhigh");
        assertThat(profile.model()).isNull();
        assertThat(profile.runtime()).isEqualTo("pi");
        agent(graph).put("model", "anthropic/claude-sonnet-4").put("thinking", "medium").put("runtime", "codex");
        TeamPlan.StepPlan step = g.plan(graph.put("runtime", "claude")).steps().getFirst();
        assertThat(step.model()).isEqualTo("anthropic/claude-sonnet-4");
        assertThat(step.thinking()).isEqualTo("medium");
        assertThat(step.runtime()).isEqualTo("codex");
        agent(graph).remove("thinking");
        agent(graph).put("model", "openai/gpt-5:low");
        TeamPlan.StepPlan suffix = g.plan(graph).steps().getFirst();
        assertThat(suffix.model()).isEqualTo("openai/gpt-5");
        assertThat(suffix.thinking()).isEqualTo("low");
    }

    @Test
    void badModelsThinkingLevelsAndRuntimesAreRefused() {
        ObjectNode graph = minimum();
        agent(graph).put("model", "gpt-5");
        assertThat(g.refused(graph)).isEqualTo("step 'inspect' agent.model 'gpt-5' is not provider/model "
                + "Repair: give the model as provider/model, e.g. anthropic/claude-sonnet-4");
        agent(graph).put("model", "a/" + "m".repeat(199));
        assertThat(g.refused(graph)).startsWith("step 'inspect' agent.model is 201 characters; the limit is 200 Repair: ");
        agent(graph).put("model", "a/" + "m".repeat(198));
        assertThat(g.plan(graph).steps().getFirst().model()).hasSize(200);
        agent(graph).put("model", "a/b\u0007");
        assertThat(g.refused(graph)).startsWith("step 'inspect' agent.model 'a/b\\u0007' has a control character (U+0007) Repair: ");
        agent(graph).put("model", "a/b:");
        assertThat(g.refused(graph)).startsWith("step 'inspect' agent.model 'a/b:': model reference 'a/b:' ends with ':'");
        agent(graph).remove("model");
        agent(graph).put("thinking", "extreme");
        assertThat(g.refused(graph)).isEqualTo("step 'inspect' agent.thinking 'extreme' is not a thinking level "
                + "Repair: use one of off, minimal, low, medium, high, xhigh, or omit it");
        agent(graph).remove("thinking");
        agent(graph).put("runtime", "docker");
        assertThat(g.refused(graph)).startsWith("step 'inspect' agent.runtime 'docker' is not a runtime Repair: ");
    }

    @Test
    void theTaskIsRequiredAndTheOutputContractIsAppended() {
        ObjectNode graph = minimum();
        step(graph).remove("task");
        assertThat(g.refused(graph)).startsWith("step 'inspect' has no task Repair: ");
        step(graph).put("task", "\n\t ");
        assertThat(g.refused(graph)).startsWith("step 'inspect'.task is blank Repair: ");
        step(graph).put("task", "List files.").put("outputContract", "One path per line.");
        assertThat(g.plan(graph).steps().getFirst().task()).isEqualTo("List files.\n\nOutput contract: One path per line.");
        step(graph).put("outputContract", "");
        assertThat(g.refused(graph)).startsWith("step 'inspect'.outputContract is blank Repair: ");
    }

    @Test
    void tasksAreAtMost64KiBOfUtf8() {
        ObjectNode graph = minimum();
        step(graph).put("task", "t".repeat(65536));
        assertThat(g.plan(graph).steps().getFirst().task()).hasSize(65536);
        step(graph).put("task", "\u00e9".repeat(32768) + "t");
        assertThat(g.refused(graph)).startsWith("step 'inspect'.task is 65537 bytes; the limit is 65536 (64 KiB) Repair: ");
    }

    @Test
    void dependenciesNameOtherStepsOfTheGraph() {
        ObjectNode a = newStep("a", "package:scout");
        ObjectNode b = newStep("b", "package:critic");
        b.putArray("needs").add("a");
        ObjectNode c = newStep("c", "package:synthesizer");
        c.putArray("needs").add("b");
        c.putArray("after").add("a");
        TeamPlan plan = g.plan(withSteps(c, a, b));
        assertThat(plan.step("c").dependencies()).containsExactly("b", "a");
        assertThat(plan.sinks()).extracting(TeamPlan.StepPlan::id).containsExactly("c");

        b.putArray("needs").add("zz");
        assertThat(g.refused(withSteps(a, b))).isEqualTo("step 'b'.needs names 'zz', which is not a step of this graph "
                + "Repair: use step ids of this graph: a, b");
        b.putArray("needs").add("b");
        assertThat(g.refused(withSteps(a, b))).isEqualTo("step 'b'.needs names the step itself "
                + "Repair: a step cannot wait for itself; drop 'b' from needs");
        b.putArray("needs").add("a").add("a");
        assertThat(g.refused(withSteps(a, b))).startsWith("step 'b'.needs names 'a' twice Repair: ");
        b.putArray("needs").add("a");
        b.putArray("after").add("a");
        assertThat(g.refused(withSteps(a, b))).isEqualTo("step 'b' has 'a' in both needs and after "
                + "Repair: keep it in needs (only after it succeeds) or in after (however it ends), not both");
        b.remove("needs");
        b.put("after", "a");
        assertThat(g.refused(withSteps(a, b))).startsWith("step 'b'.after must be an array of strings, not 'a' Repair: ");
    }

    @Test
    void aStepHasAtMostTwelveDependencies() {
        ObjectNode[] steps = new ObjectNode[14];
        for (int i = 0; i < 13; i++) {
            steps[i] = newStep("s" + i, "package:scout");
        }
        ObjectNode sink = newStep("sink", "package:synthesizer");
        steps[13] = sink;
        ArrayNode needs = sink.putArray("needs");
        for (int i = 0; i < 12; i++) {
            needs.add("s" + i);
        }
        assertThat(g.plan(withSteps(steps)).step("sink").dependencies()).hasSize(12);
        sink.putArray("after").add("s12");
        assertThat(g.refused(withSteps(steps))).isEqualTo("step 'sink' has 13 dependencies (needs plus after); the limit is 12 (seeds/002) "
                + "Repair: fan in through an intermediate step, or drop dependencies");
        sink.remove("after");
        needs.add("s12");
        assertThat(g.refused(withSteps(steps))).startsWith("step 'sink'.needs has 13 entries; the limit is 12 Repair: ");
    }

    @Test
    void cyclesAreRefusedNamingTheCycle() {
        ObjectNode a = newStep("a", "package:scout");
        ObjectNode b = newStep("b", "package:critic");
        a.putArray("needs").add("b");
        b.putArray("after").add("a");
        assertThat(g.refused(withSteps(a, b))).isEqualTo("steps form a cycle: a \u2192 b \u2192 a "
                + "Repair: a graph is a static DAG; remove one of these needs/after links");
        ObjectNode c = newStep("c", "package:scout");
        ObjectNode d = newStep("d", "package:scout");
        a.putArray("needs").add("c");
        b.remove("after");
        c.putArray("needs").add("d");
        d.putArray("after").add("c");
        assertThat(g.refused(withSteps(a, b, c, d))).startsWith("steps form a cycle: c \u2192 d \u2192 c Repair: ");
    }

    @Test
    void aFanOutFanInHasOneSink() {
        ObjectNode join = newStep("join", "package:synthesizer");
        join.putArray("needs").add("x").add("y");
        TeamPlan plan = g.plan(withSteps(newStep("x", "package:scout"), newStep("y", "package:critic"), join));
        assertThat(plan.sinks()).extracting(TeamPlan.StepPlan::id).containsExactly("join");
        assertThat(g.plan(withSteps(newStep("x", "package:scout"), newStep("y", "package:critic"))).sinks())
                .extracting(TeamPlan.StepPlan::id).containsExactly("x", "y");
        assertThat(List.of(plan.step("x").needs(), plan.step("y").after())).allMatch(List::isEmpty);
    }
}
