package dev.agentmesh.runtimes.command;

import dev.agentmesh.MeshException;
import dev.agentmesh.runtime.AgentSession;
import dev.agentmesh.runtime.AgentSpec;
import dev.agentmesh.runtime.RunResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.agentmesh.runtimes.command.Scripts.sh;
import static dev.agentmesh.runtimes.command.Scripts.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A program that is not there, a malformed argv and values no program can receive give one clear line each. */
class BadCommandConfigurationIsRefusedTest {
    @TempDir
    Path dir;

    @Test
    void aProgramNotOnPathIsRefusedAtLaunchInOneLineNamingIt() {
        CommandRuntime runtime = CommandRuntime.create(List.of("no-such-program-7f3a", "--flag"), Map.of("PATH", "/usr/bin:/bin"));

        assertThatThrownBy(() -> runtime.launch(spec(dir, "ghost")))
                .isInstanceOfSatisfying(MeshException.class, e -> assertThat(e.kind()).isEqualTo(MeshException.Kind.UNEXPECTED_STATE))
                .hasMessage("the command runtime cannot run 'no-such-program-7f3a': no such program on PATH (/usr/bin:/bin);"
                        + " set MESH_COMMAND_ARGV to an installed program");
    }

    @Test
    void aMissingOrNonExecutableFileIsRefusedAtLaunch() throws Exception {
        Path plain = Files.writeString(dir.resolve("notes.txt"), "echo hi");
        Files.setPosixFilePermissions(plain, PosixFilePermissions.fromString("rw-------"));

        assertThatThrownBy(() -> CommandRuntime.create(List.of("./missing.sh"), Map.of()).launch(spec(dir, "a")))
                .isInstanceOf(MeshException.class).hasMessageStartingWith("the command runtime cannot run './missing.sh': no such file (")
                .hasMessageNotContaining("\n");
        assertThatThrownBy(() -> CommandRuntime.create(List.of(plain.toString()), Map.of()).launch(spec(dir, "b")))
                .isInstanceOf(MeshException.class).hasMessageContaining("not an executable file");
    }

    @Test
    void aProgramRemovedAfterLaunchEndsTheTurnNotOkInOneLine() throws Exception {
        Path script = Files.writeString(dir.resolve("answer.sh"), "#!/bin/sh\necho 42\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        try (AgentSession s = CommandRuntime.create(List.of("./answer.sh"), Map.of()).launch(spec(dir, "vanishing"))) {
            s.prompt("q");
            assertThat(s.awaitEnd(Duration.ofSeconds(20)).finalText()).isEqualTo("42");
            Files.delete(script);

            s.prompt("q");
            RunResult r = s.awaitEnd(Duration.ofSeconds(20));

            assertThat(r.ok()).isFalse();
            assertThat(r.error()).startsWith("'answer.sh' exited with code ").contains("answer.sh").doesNotContain("\n");
            assertThat(s.state()).isEqualTo(AgentSession.State.IDLE);
        }
    }

    @Test
    void anEmptyOrNulHoldingArgvIsRefused() {
        assertThatThrownBy(() -> CommandRuntime.create(List.of(), Map.of())).isInstanceOf(MeshException.class)
                .hasMessageStartingWith("the command runtime needs a program");
        assertThatThrownBy(() -> CommandRuntime.create(List.of(" "), Map.of())).isInstanceOf(MeshException.class)
                .hasMessageStartingWith("the command runtime needs a program");
        assertThatThrownBy(() -> CommandRuntime.create(Arrays.asList("sh", null), Map.of())).isInstanceOf(MeshException.class)
                .hasMessageContaining("a null argument");
        assertThatThrownBy(() -> CommandRuntime.create(List.of("sh", "a\u0000b"), Map.of())).isInstanceOf(MeshException.class)
                .hasMessage("the command runtime's argv holds a NUL character in 'a\\u0000b'; no program can receive it");
    }

    @Test
    void theArgvVariableMustBeAJsonArrayOfStrings() {
        for (String bad : new String[]{null, " ", "sh -c cat", "{\"argv\":[\"sh\"]}", "[\"sh\", 1]", "[]", "\"sh\"", "[[\"sh\"]]"}) {
            Map<String, String> env = new java.util.HashMap<>();
            if (bad != null) {
                env.put(CommandRuntime.ARGV_ENV, bad);
            }
            assertThatThrownBy(() -> CommandRuntime.fromEnv(env)).as(String.valueOf(bad))
                    .isInstanceOfSatisfying(MeshException.class, e -> assertThat(e.kind()).isEqualTo(MeshException.Kind.INVALID_INPUT))
                    .hasMessageContaining("MESH_COMMAND_ARGV").hasMessageNotContaining("\n");
        }
        CommandRuntime ok = CommandRuntime.fromEnv(Map.of(CommandRuntime.ARGV_ENV, "[\"sh\", \"-c\", \"echo \\\"$1\\\"\", \"x y\"]"));
        assertThat(ok.argv()).containsExactly("sh", "-c", "echo \"$1\"", "x y");
        assertThat(ok.name()).isEqualTo("command");
    }

    @Test
    void theArgvFromTheEnvironmentRunsWithThatEnvironment() throws Exception {
        Map<String, String> env = Map.of(CommandRuntime.ARGV_ENV, "[\"sh\", \"-c\", \"read -r x; echo \\\"$GREETING $x\\\"\"]",
                "PATH", System.getenv("PATH"), "GREETING", "hello");
        try (AgentSession s = CommandRuntime.fromEnv(env).launch(spec(dir, "env-configured"))) {
            s.prompt("world");
            assertThat(s.awaitEnd(Duration.ofSeconds(20)).finalText()).isEqualTo("hello world");
        }
    }

    @Test
    void valuesNoProgramCanReceiveAreRefusedAtLaunch() {
        CommandRuntime runtime = sh("cat");
        AgentSpec nulEnv = new AgentSpec("a", null, null, null, Set.of(), dir, Map.of("K", "v\u0000"), null);
        assertThatThrownBy(() -> runtime.launch(nulEnv)).isInstanceOf(MeshException.class)
                .hasMessage("environment variable 'K' cannot be passed to a program: its value holds a NUL character");
        AgentSpec badName = new AgentSpec("a", null, null, null, Set.of(), dir, Map.of("A=B", "v"), null);
        assertThatThrownBy(() -> runtime.launch(badName)).isInstanceOf(MeshException.class).hasMessageContaining("its name holds");
        AgentSpec hugePrompt = new AgentSpec("a", null, null, "p".repeat(CommandRuntime.MAX_ENV_BYTES), Set.of(), dir, Map.of(), null);
        assertThatThrownBy(() -> runtime.launch(hugePrompt)).isInstanceOfSatisfying(MeshException.class,
                e -> assertThat(e.kind()).isEqualTo(MeshException.Kind.INVALID_INPUT)).hasMessageContaining("shorten it");
        AgentSpec noCwd = new AgentSpec("a", null, null, null, Set.of(), dir.resolve("gone"), Map.of(), null);
        assertThatThrownBy(() -> runtime.launch(noCwd)).isInstanceOf(MeshException.class).hasMessageContaining("is not a folder");
    }

    @Test
    void resumeRefusesAnIdOfAnotherForm() {
        CommandRuntime runtime = sh("cat");
        for (String bad : new String[]{null, "", "../../etc/passwd", "1-1-1-1-1", "123e4567-e89b-12d3-a456-42661417400\n"}) {
            assertThatThrownBy(() -> runtime.resume(spec(dir, "r"), bad)).as(String.valueOf(bad))
                    .isInstanceOfSatisfying(MeshException.class, e -> assertThat(e.kind()).isEqualTo(MeshException.Kind.INVALID_INPUT))
                    .hasMessageContaining("is not a command runtime session id").hasMessageNotContaining("\n");
        }
    }
}
