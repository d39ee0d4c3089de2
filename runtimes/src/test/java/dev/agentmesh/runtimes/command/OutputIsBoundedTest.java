package dev.agentmesh.runtimes.command;

import dev.agentmesh.runtime.AgentEvent;
import dev.agentmesh.runtime.AgentSession;
import dev.agentmesh.runtime.RunResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static dev.agentmesh.runtimes.command.Scripts.events;
import static dev.agentmesh.runtimes.command.Scripts.sh;
import static dev.agentmesh.runtimes.command.Scripts.spec;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * At most 1 MiB of a run's stdout is kept, the rest is read and dropped so the program never blocks; text events
 * come in bounded chunks; stderr is kept as a short tail; a prompt of any bytes reaches the program unchanged.
 */
class OutputIsBoundedTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int MAX = CommandRuntime.MAX_OUTPUT_BYTES;

    @TempDir
    Path dir;

    @Test
    void twentyMegabytesOnOneLineKeepOneMebibyteInBoundedChunksAndSayHowMuchWasDropped() {
        try (AgentSession s = sh("head -c 20000000 /dev/zero | tr '\\0' x").launch(spec(dir, "flood"))) {
            List<AgentEvent> events = events(s);
            s.prompt("flood");
            RunResult r = s.awaitEnd(WAIT);

            assertThat(r.ok()).isTrue();
            assertThat(r.finalText()).startsWith("xxxx")
                    .endsWith("x\n[agentmesh: output cut at 1048576 bytes; " + (20_000_000 - MAX) + " more bytes dropped]");
            assertThat(r.finalText().length()).isLessThan(MAX + 100);
            List<String> texts = texts(events);
            assertThat(texts).allSatisfy(t -> assertThat(t.length()).isLessThanOrEqualTo(CommandSession.CHUNK_BYTES));
            assertThat(texts.stream().mapToInt(String::length).sum()).isEqualTo(MAX);
        }
    }

    @Test
    void millionsOfLinesKeepOneMebibyteOfWholeLines() {
        try (AgentSession s = sh("seq 1 3000000").launch(spec(dir, "counter"))) {
            List<AgentEvent> events = events(s);
            s.prompt("count");
            RunResult r = s.awaitEnd(WAIT);

            assertThat(r.ok()).isTrue();
            assertThat(r.finalText()).startsWith("1\n2\n3\n").contains("[agentmesh: output cut at 1048576 bytes;");
            List<String> texts = texts(events);
            assertThat(texts.size()).as("chunks, not a line each").isLessThan(2000);
            assertThat(texts.stream().mapToInt(t -> t.getBytes(StandardCharsets.UTF_8).length + 1).sum())
                    .isLessThanOrEqualTo(MAX + 1);
            // every chunk but the one cut at the limit ends at a line end: joined, they count on without a gap
            List<String> lines = String.join("\n", texts).lines().toList();
            for (int i = 0; i < lines.size() - 1; i++) {
                assertThat(lines.get(i)).isEqualTo(String.valueOf(i + 1));
            }
        }
    }

    @Test
    void aPromptOfControlCharactersAndOneMebibyteReachesTheProgramUnchanged() {
        String controls = "\u0000\u0001\u0007\b\t\r\n\u000b\f\u001b[31mred\u001b[0m\u007f\u2028\u2029é€😀 \"'$(rm -rf /)`id`\n";
        StringBuilder prompt = new StringBuilder(controls);
        int bytes = controls.getBytes(StandardCharsets.UTF_8).length;
        while (bytes < MAX - 100) {
            String line = "line of text " + prompt.length() + "\n";
            prompt.append(line);
            bytes += line.length();
        }
        prompt.append("y".repeat(MAX - bytes));
        assertThat(prompt.toString().getBytes(StandardCharsets.UTF_8)).hasSize(MAX);
        try (AgentSession s = sh("cat").launch(spec(dir, "mirror"))) {
            s.prompt(prompt.toString());
            RunResult r = s.awaitEnd(WAIT);

            assertThat(r.ok()).isTrue();
            assertThat(r.finalText()).isEqualTo(prompt.toString());
        }
    }

    @Test
    void aProgramThatDoesNotReadItsPromptStillEndsItsTurn() {
        try (AgentSession s = sh("echo ignored").launch(spec(dir, "deaf"))) {
            s.prompt("z".repeat(4 * MAX));
            RunResult r = s.awaitEnd(WAIT);

            assertThat(r.ok()).isTrue();
            assertThat(r.finalText()).isEqualTo("ignored");
        }
    }

    @Test
    void megabytesOfStderrGiveAShortErrorOfItsLastLines() {
        try (AgentSession s = sh("head -c 5000000 /dev/zero | tr '\\0' e >&2; echo >&2; for i in 1 2 3; do printf 'last %s\\033[0m\\n' $i >&2; done; exit 9")
                .launch(spec(dir, "noisy"))) {
            s.prompt("x");
            RunResult r = s.awaitEnd(WAIT);

            assertThat(r.ok()).isFalse();
            assertThat(r.error()).isEqualTo("'sh' exited with code 9: last 1\\u001b[0m | last 2\\u001b[0m | last 3\\u001b[0m");
        }
    }

    @Test
    void oneHugeLineOfStderrGivesItsEndCutShort() {
        try (AgentSession s = sh("head -c 5000000 /dev/zero | tr '\\0' e >&2; exit 9").launch(spec(dir, "shouter"))) {
            s.prompt("x");
            RunResult r = s.awaitEnd(WAIT);

            assertThat(r.ok()).isFalse();
            assertThat(r.error()).startsWith("'sh' exited with code 9: eeee").endsWith("eee").doesNotContain("\n");
            assertThat(r.error().length()).isLessThan(CommandSession.STDERR_TAIL_BYTES + 100);
        }
    }

    private static List<String> texts(List<AgentEvent> events) {
        return events.stream().filter(e -> e instanceof AgentEvent.Text).map(e -> ((AgentEvent.Text) e).text()).toList();
    }
}
