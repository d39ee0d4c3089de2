package dev.agentmesh.model;

import dev.agentmesh.MeshException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Scripts load from YAML or JSON; a bad script is refused with one line naming the file, rule and step. */
class ScriptLoadingTest {

    static final String EXAMPLE = """
            # rules are tried in order; the first whose phrases all occur in the last real user message wins
            rules:
              - match: "[crew planner]"
                steps:
                  - tool: read
                    args: {path: PRD.md}
                  - text: |
                      Plan below.
              - match: ["[crew worker]", "task-1:"]
                steps:
                  - tool: write
                    args: {path: src/a.js, content: "..."}
                  - tool: bash
                  - text: done
            default: "No script rule matches this prompt."
            """;

    @Test
    void theDocumentedExampleLoads(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("crew.yaml");
        Files.writeString(file, EXAMPLE);

        Script script = Script.load(file);

        assertThat(script.source()).isEqualTo(file.toString());
        assertThat(script.rules()).extracting(Script.Rule::match)
                .containsExactly(List.of("[crew planner]"), List.of("[crew worker]", "task-1:"));
        assertThat(script.rules().getFirst().steps()).containsExactly(
                new Script.ToolCall("read", "{\"path\":\"PRD.md\"}"), new Script.Text("Plan below.\n"));
        assertThat(script.rules().get(1).steps()).containsExactly(
                new Script.ToolCall("write", "{\"path\":\"src/a.js\",\"content\":\"...\"}"),
                new Script.ToolCall("bash", "{}"), new Script.Text("done"));
        assertThat(script.defaultText()).isEqualTo("No script rule matches this prompt.");
    }

    @Test
    void theFirstRuleWhosePhrasesAllOccurWins() {
        Script script = Script.parse(EXAMPLE, "crew.yaml");

        assertThat(script.ruleFor("[crew worker] task-2: do it")).isEmpty();
        assertThat(script.ruleFor("[crew worker] task-1: do it")).contains(script.rules().get(1));
        assertThat(script.ruleFor("[crew planner] and [crew worker] task-1:")).contains(script.rules().getFirst());
        assertThat(script.ruleFor("[CREW PLANNER]")).isEmpty();
    }

    @Test
    void aJsonScriptLoadsAndTheDefaultIsBuiltIn() {
        Script script = Script.parse("""
                {"rules": [{"match": "hi", "steps": [{"tool": "bash", "args": {"command": "ls", "timeout": 5}}]}]}
                """, "s.json");

        assertThat(script.rules().getFirst().steps()).containsExactly(new Script.ToolCall("bash", "{\"command\":\"ls\",\"timeout\":5}"));
        assertThat(script.defaultText()).isEqualTo(Script.BUILT_IN_DEFAULT);
    }

    @Test
    void oneNeutralScriptPlaysAsEachRuntimesOwnTools() {
        Script script = Script.parse("""
                rules:
                  - match: go
                    steps:
                      - shell: "npm test"
                      - write: {path: "it's.txt", content: hi}
                      - edit: {path: a.txt, old: hi, new: ho}
                      - read: a.txt
                      - mesh: {action: send, to: Boss, message: done}
                """, "neutral.yaml");
        List<Script.Step> steps = script.rules().getFirst().steps();
        java.util.function.BiFunction<Integer, Script.Dialect, String> play = (i, d) -> {
            Script.ToolCall c = ((Script.Action) steps.get(i)).toolCall(d);
            return c.tool() + " " + c.arguments();
        };
        assertThat(play.apply(0, Script.Dialect.PI)).isEqualTo("bash {\"command\":\"npm test\"}");
        assertThat(play.apply(0, Script.Dialect.CLAUDE)).isEqualTo("Bash {\"command\":\"npm test\",\"description\":\"run a command\"}");
        assertThat(play.apply(0, Script.Dialect.CODEX)).isEqualTo("exec_command {\"cmd\":\"npm test\"}");
        assertThat(play.apply(1, Script.Dialect.PI)).isEqualTo("write {\"path\":\"it's.txt\",\"content\":\"hi\"}");
        assertThat(play.apply(1, Script.Dialect.CLAUDE)).isEqualTo("Write {\"file_path\":\"it's.txt\",\"content\":\"hi\"}");
        assertThat(play.apply(1, Script.Dialect.CODEX)).isEqualTo("exec_command {\"cmd\":\"apply_patch <<'AGENTMESH_PATCH'\\n"
                + "*** Begin Patch\\n*** Add File: it's.txt\\n+hi\\n*** End Patch\\nAGENTMESH_PATCH\\n\"}");
        assertThat(play.apply(2, Script.Dialect.CODEX)).isEqualTo("exec_command {\"cmd\":\"apply_patch <<'AGENTMESH_PATCH'\\n"
                + "*** Begin Patch\\n*** Update File: a.txt\\n@@\\n-hi\\n+ho\\n*** End Patch\\nAGENTMESH_PATCH\\n\"}");
        assertThat(play.apply(2, Script.Dialect.PI)).isEqualTo("edit {\"path\":\"a.txt\",\"edits\":[{\"oldText\":\"hi\",\"newText\":\"ho\"}]}");
        assertThat(play.apply(2, Script.Dialect.CLAUDE)).isEqualTo("Edit {\"file_path\":\"a.txt\",\"old_string\":\"hi\",\"new_string\":\"ho\"}");
        assertThat(play.apply(3, Script.Dialect.CODEX)).isEqualTo("exec_command {\"cmd\":\"cat -- 'a.txt'\"}");
        assertThat(play.apply(4, Script.Dialect.PI)).isEqualTo("pi_messenger {\"action\":\"send\",\"to\":\"Boss\",\"message\":\"done\"}");
        assertThat(play.apply(4, Script.Dialect.CODEX)).startsWith("mcp__mesh__pi_messenger {");
    }

    @Test
    void aTeamStepPlaysAsEachRuntimesAgentTeamToolWithItsArgumentsAsWritten() {
        Script script = Script.parse("""
                rules:
                  - match: delegate
                    steps:
                      - team:
                          action: start
                          graph:
                            objective: Answer one scoped local question.
                            authority: {allowFilesystemRead: true}
                            steps:
                              - id: inspect
                                agent: {ref: "package:scout"}
                                task: Inspect relevant local files.
                      - team: {action: run_status, runId: r1, waitSeconds: 30, preview: true}
                      - team: {action: run}
                """, "team.yaml");
        List<Script.Step> steps = script.rules().getFirst().steps();
        assertThat(steps).allSatisfy(s -> assertThat(((Script.Action) s).kind()).isEqualTo("team"));
        java.util.function.BiFunction<Integer, Script.Dialect, Script.ToolCall> play = (i, d) -> ((Script.Action) steps.get(i)).toolCall(d, "/w");
        String start = "{\"action\":\"start\",\"graph\":{\"objective\":\"Answer one scoped local question.\","
                + "\"authority\":{\"allowFilesystemRead\":true},\"steps\":[{\"id\":\"inspect\",\"agent\":{\"ref\":\"package:scout\"},"
                + "\"task\":\"Inspect relevant local files.\"}]}}";
        assertThat(play.apply(0, Script.Dialect.PI)).isEqualTo(new Script.ToolCall("agent_team", start));
        assertThat(play.apply(0, Script.Dialect.CLAUDE)).isEqualTo(new Script.ToolCall("mcp__mesh__agent_team", start));
        assertThat(play.apply(0, Script.Dialect.CODEX)).isEqualTo(new Script.ToolCall("mcp__mesh__agent_team", start));
        assertThat(play.apply(1, Script.Dialect.PI).arguments())
                .isEqualTo("{\"action\":\"run_status\",\"runId\":\"r1\",\"waitSeconds\":30,\"preview\":true}");
        assertThat(play.apply(2, Script.Dialect.CLAUDE).arguments()).as("a bad call is played as written").isEqualTo("{\"action\":\"run\"}");
    }

    @Test
    void aCallStepPlaysAnotherMeshToolUnderEachRuntimesName() {
        Script script = Script.parse("""
                rules:
                  - match: "[orchestrate]"
                    steps:
                      - call: {tool: ask, peer: Scout, brief: "summarize README"}
                      - call: {tool: wait_on_ack, id: 1, timeout_seconds: 30}
                """, "call.yaml");
        List<Script.Step> steps = script.rules().getFirst().steps();
        Script.Action ask = (Script.Action) steps.getFirst();
        assertThat(ask.toolCall(Script.Dialect.PI)).isEqualTo(new Script.ToolCall("ask", "{\"peer\":\"Scout\",\"brief\":\"summarize README\"}"));
        assertThat(ask.toolCall(Script.Dialect.CLAUDE).tool()).isEqualTo("mcp__mesh__ask");
        assertThat(((Script.Action) steps.get(1)).toolCall(Script.Dialect.CODEX))
                .isEqualTo(new Script.ToolCall("mcp__mesh__wait_on_ack", "{\"id\":1,\"timeout_seconds\":30}"));
        assertThatThrownBy(() -> Script.parse("rules: [{match: x, steps: [{call: {peer: Scout}}]}]", "bad.yaml"))
                .hasMessageStartingWith("bad.yaml: rule 1, step 1: 'call' must be a mapping with a 'tool'");
        assertThatThrownBy(() -> Script.parse("rules: [{match: x, steps: [{call: {tool: \"../x\"}}]}]", "bad.yaml"))
                .hasMessageContaining("'call' must be a mapping with a 'tool'");
    }

    static Stream<Arguments> badScripts() {
        return Stream.of(
                Arguments.of("", "s.yaml is empty; a script needs 'rules', a list of {match, steps}"),
                Arguments.of("# only a comment\n", "s.yaml is empty; a script needs 'rules', a list of {match, steps}"),
                Arguments.of("- a\n- b\n", "s.yaml: the top level must be a mapping with 'rules', not a list"),
                Arguments.of("default: hi\n", "s.yaml: missing 'rules', a list of {match, steps}"),
                Arguments.of("rules: []\n", "s.yaml: 'rules' must be a non-empty list of {match, steps}, not an empty list"),
                Arguments.of("rules:\n  - match: a\n    steps: [{text: x}]\nextra: 1\n",
                        "s.yaml: unknown top-level key 'extra'; the keys are default, rules"),
                Arguments.of("rules:\n  - match: a\n    steps: [{text: x}]\n  - steps: [{text: y}]\n",
                        "s.yaml: rule 2: missing 'match' (a phrase, or a list of phrases that must all occur)"),
                Arguments.of("rules:\n  - match: a\n",
                        "s.yaml: rule 1: missing 'steps' (a list of {tool, args} calls and {text} answers)"),
                Arguments.of("rules:\n  - match: a\n    step: [{text: x}]\n",
                        "s.yaml: rule 1: unknown key 'step'; the keys are match, steps"),
                Arguments.of("rules:\n  - match: []\n    steps: [{text: x}]\n",
                        "s.yaml: rule 1: 'match' must be a phrase or a non-empty list of phrases, not an empty list"),
                Arguments.of("rules:\n  - match: [a, \"\"]\n    steps: [{text: x}]\n",
                        "s.yaml: rule 1: a 'match' phrase must be a non-empty text, not an empty text"),
                Arguments.of("rules:\n  - match: a\n    steps: []\n",
                        "s.yaml: rule 1: 'steps' must be a non-empty list of steps, not an empty list"),
                Arguments.of("rules:\n  - match: a\n    steps:\n      - text: x\n      - {tool: write, text: y}\n",
                        "s.yaml: rule 1, step 2: has both 'tool' and 'text'; a step is either one tool call or one final text"),
                Arguments.of("rules:\n  - match: a\n    steps:\n      - args: {path: x}\n",
                        "s.yaml: rule 1, step 1: has neither 'tool' nor 'text'; a step is either one tool call or one final text"),
                Arguments.of("rules:\n  - match: a\n    steps:\n      - tool: read\n        args: [x]\n",
                        "s.yaml: rule 1, step 1: 'args' must be a mapping of argument names to values, not a list"),
                Arguments.of("rules:\n  - match: a\n    steps:\n      - tool: read\n        argz: {path: x}\n",
                        "s.yaml: rule 1, step 1: unknown key 'argz'; the keys are args, call, edit, mesh, read, shell, team, text, tool, write"),
                Arguments.of("rules:\n  - match: a\n    steps:\n      - {shell: ls, text: y}\n",
                        "s.yaml: rule 1, step 1: a 'shell' step has no other key; a step is one action"),
                Arguments.of("rules:\n  - match: a\n    steps:\n      - shell: \"\"\n",
                        "s.yaml: rule 1, step 1: 'shell' must be a command, not an empty text"),
                Arguments.of("rules:\n  - match: a\n    steps:\n      - write: {path: a}\n",
                        "s.yaml: rule 1, step 1: 'write' must be a mapping of path, content to texts, not a mapping"),
                Arguments.of("rules:\n  - match: a\n    steps:\n      - edit: {path: a, old: 1, new: b}\n",
                        "s.yaml: rule 1, step 1: 'edit' must be a mapping of path, old, new to texts, not a mapping"),
                Arguments.of("rules:\n  - match: a\n    steps:\n      - mesh: {to: x}\n",
                        "s.yaml: rule 1, step 1: 'mesh' must be a mapping of pi_messenger arguments with an 'action', not a mapping"),
                Arguments.of("rules:\n  - match: a\n    steps:\n      - team: {runId: r1}\n",
                        "s.yaml: rule 1, step 1: 'team' must be a mapping of agent_team arguments with an 'action', not a mapping"),
                Arguments.of("rules:\n  - match: a\n    steps:\n      - team: start\n",
                        "s.yaml: rule 1, step 1: 'team' must be a mapping of agent_team arguments with an 'action', not the text 'start'"),
                Arguments.of("rules:\n  - match: a\n    steps:\n      - {team: {action: start}, text: y}\n",
                        "s.yaml: rule 1, step 1: a 'team' step has no other key; a step is one action"),
                Arguments.of("rules:\n  - match: a\n    steps:\n      - text: 42\n",
                        "s.yaml: rule 1, step 1: 'text' must be a text (quote it), not the integer 42"),
                Arguments.of("rules:\n  - match: a\n    steps: [{text: x}]\ndefault: [x]\n",
                        "s.yaml: 'default' must be a text, not a list"));
    }

    @ParameterizedTest
    @MethodSource("badScripts")
    void aBadScriptIsRefusedWithOneLine(String yaml, String message) {
        assertThatThrownBy(() -> Script.parse(yaml, "s.yaml"))
                .isInstanceOfSatisfying(MeshException.class, e -> assertThat(e.kind()).isEqualTo(MeshException.Kind.INVALID_INPUT))
                .hasMessage(message);
    }

    @Test
    void aYamlSyntaxErrorNamesTheLine() {
        String yaml = "rules:\n  - match: a\n    steps:\n      - text: \"unterminated\n";

        assertThatThrownBy(() -> Script.parse(yaml, "s.yaml"))
                .hasMessageStartingWith("s.yaml line 5, column 1: YAML syntax error: ")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void aDuplicateKeyIsASyntaxError() {
        String yaml = "rules:\n  - match: a\n    match: b\n    steps: [{text: x}]\n";

        assertThatThrownBy(() -> Script.parse(yaml, "s.yaml")).hasMessageStartingWith("s.yaml line 3").hasMessageContaining("match");
    }

    @Test
    void aMissingFileOrAFolderIsRefused(@TempDir Path tmp) {
        assertThatThrownBy(() -> Script.load(tmp.resolve("nope.yaml")))
                .hasMessage("script file " + tmp.resolve("nope.yaml") + " does not exist");
        assertThatThrownBy(() -> Script.load(tmp))
                .hasMessage("script file " + tmp + " is a directory; give a YAML file");
    }

    @Test
    void anEmptyFileIsRefused(@TempDir Path tmp) throws Exception {
        Path file = Files.createFile(tmp.resolve("empty.yaml"));

        assertThatThrownBy(() -> Script.load(file)).hasMessage(file + " is empty; a script needs 'rules', a list of {match, steps}");
    }
}
