package dev.agentmesh.runtimes.codex;

import dev.agentmesh.api.Json;
import dev.agentmesh.runtime.Capability;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** A read-only Codex agent runs the commands that only read, and nothing else (issue 7, seeds/002). */
class ReadOnlyCommandsTest {
    private static final Set<Capability> READ_ONLY = Set.of(Capability.READ, Capability.SEARCH);

    private static JsonNode json(String s) {
        return Json.MAPPER.readTree(s.replace('\'', '"'));
    }

    @ParameterizedTest
    @ValueSource(strings = {"cat README.md", "/bin/bash -lc 'cat README.md'", "bash -lc \"rg -n answer src | head -20\"",
            "ls -la && wc -l README.md", "find . -name '*.md'", "grep -rn 'a b' ."})
    void readingCommandsAreReads(String command) {
        assertThat(ReadOnlyCommands.allowed(Json.MAPPER.getNodeFactory().stringNode(command),
                json("[{'type':'read','command':'x','name':'x','path':'x'}]"), READ_ONLY)).as(command).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"touch x", "cat a > b", "cat a >> b", "cat a; rm -rf /", "cat a & rm b", "cat a || rm b",
            "cat $(rm x)", "cat `rm x`", "cat \"$HOME\"", "find . -delete", "find . -exec rm {} +", "rg --pre ./evil x",
            "rg --pre=./evil x", "cat a | sh", "bash -lc 'touch x'", "cat 'unclosed", "cat a\nrm b", "tee out", "sed -i s/a/b/ f",
            "", "| cat", "cat a |", "cat <(rm x)", "(cat a)", "cat a\\ b"})
    void anythingElseNeedsTheShell(String command) {
        assertThat(ReadOnlyCommands.allowed(Json.MAPPER.getNodeFactory().stringNode(command),
                json("[{'type':'read','command':'x','name':'x','path':'x'}]"), READ_ONLY)).as(command).isFalse();
    }

    @Test
    void codexsOwnParseMustBeReadsAndTheCapabilitiesMustAllowThem() {
        var cat = Json.MAPPER.getNodeFactory().stringNode("cat README.md");
        assertThat(ReadOnlyCommands.allowed(cat, json("[{'type':'unknown','command':'cat README.md'}]"), READ_ONLY)).isFalse();
        assertThat(ReadOnlyCommands.allowed(cat, null, READ_ONLY)).isFalse();
        assertThat(ReadOnlyCommands.allowed(cat, json("[]"), READ_ONLY)).isFalse();
        assertThat(ReadOnlyCommands.allowed(cat, json("[{'type':'read'}]"), Set.of(Capability.SEARCH))).isFalse();
        assertThat(ReadOnlyCommands.allowed(Json.MAPPER.getNodeFactory().stringNode("ls"), json("[{'type':'listFiles'}]"),
                Set.of(Capability.SEARCH))).isTrue();
        assertThat(ReadOnlyCommands.allowed(cat, json("[{'type':'read'}]"), Set.of(Capability.EDIT))).isFalse();
        assertThat(ReadOnlyCommands.allowed(json("['bash','-lc','cat README.md']"), json("[{'type':'read'}]"), READ_ONLY))
                .as("the older protocol's argv").isTrue();
        assertThat(ReadOnlyCommands.allowed(json("['bash','-lc','cat a > b']"), json("[{'type':'read'}]"), READ_ONLY)).isFalse();
    }
}
