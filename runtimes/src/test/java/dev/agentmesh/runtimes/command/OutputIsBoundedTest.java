package dev.agentmesh.runtimes.command;

import dev.agentmesh.runtime.AgentEvent;
import dev.agentmesh.runtime.RunResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static dev.agentmesh.runtimes.command.Scripts.once;
import static dev.agentmesh.runtimes.command.Scripts.sh;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * At most 1 MiB of a run's stdout is kept, the rest is read and dropped so the program never blocks; text events
 * come in bounded chunks; stderr is kept as a short tail; a prompt of any bytes reaches the program unchanged.
 */
class OutputIsBoundedTest {
    private static final int MAX = CommandRuntime.MAX_OUTPUT_BYTES;

    @TempDir
    Path dir;

    @Test
    void twentyMegabytesOnOneLineKeepOneMebibyteInBoundedChunksAndSayHowMuchWasDropped() {
        Scripts.Outcome o = once(sh("head -c 20000000 /dev/zero | tr '\\0' x"), dir, "flood", "flood");

        assertThat(o.result().ok()).isTrue();
        assertThat(o.result().finalText()).startsWith("xxxx")
                .endsWith("x\n[agentmesh: output cut at 1048576 bytes; " + (20_000_000 - MAX) + " more bytes dropped]");
        assertThat(o.result().finalText().length()).isLessThan(MAX + 100);
        assertThat(o.texts()).allSatisfy(t -> assertThat(t.length()).isLessThanOrEqualTo(CommandSession.CHUNK_BYTES));
        assertThat(o.texts().stream().mapToInt(String::length).sum()).isEqualTo(MAX);
        assertThat(o.events()).filteredOn(e -> e instanceof AgentEvent.Error).singleElement()
                .satisfies(e -> assertThat(((AgentEvent.Error) e).message()).contains("passed 1048576 bytes"));
    }

    @Test
    void millionsOfLinesKeepOneMebibyteOfWholeLines() {
        Scripts.Outcome o = once(sh("seq 1 3000000"), dir, "counter", "count");

        assertThat(o.result().ok()).isTrue();
        assertThat(o.result().finalText()).startsWith("1\n2\n3\n").contains("[agentmesh: output cut at 1048576 bytes;");
        assertThat(o.texts().size()).as("chunks, not a line each").isLessThan(2000);
        assertThat(o.texts().stream().mapToInt(t -> t.getBytes(StandardCharsets.UTF_8).length + 1).sum())
                .isLessThanOrEqualTo(MAX + 1);
        // every chunk but the one cut at the limit ends at a line end: joined, they count on without a gap
        List<String> lines = String.join("\n", o.texts()).lines().toList();
        for (int i = 0; i < lines.size() - 1; i++) {
            assertThat(lines.get(i)).isEqualTo(String.valueOf(i + 1));
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

        RunResult r = once(sh("cat"), dir, "mirror", prompt.toString()).result();

        assertThat(r.ok()).isTrue();
        assertThat(r.finalText()).isEqualTo(prompt.toString());
    }

    @Test
    void aProgramThatDoesNotReadItsPromptStillEndsItsTurn() {
        RunResult r = once(sh("echo ignored"), dir, "deaf", "z".repeat(4 * MAX)).result();

        assertThat(r.ok()).isTrue();
        assertThat(r.finalText()).isEqualTo("ignored");
    }

    @Test
    void megabytesOfStderrGiveAShortErrorOfItsLastLines() {
        RunResult r = once(sh("head -c 5000000 /dev/zero | tr '\\0' e >&2; echo >&2;"
                + " for i in 1 2 3; do printf 'last %s\\033[0m\\n' $i >&2; done; exit 9"), dir, "noisy", "x").result();

        assertThat(r.ok()).isFalse();
        assertThat(r.error()).isEqualTo("'sh' exited with code 9: last 1\\u001b[0m | last 2\\u001b[0m | last 3\\u001b[0m");
    }

    @Test
    void oneHugeLineOfStderrGivesItsEndCutShort() {
        RunResult r = once(sh("head -c 5000000 /dev/zero | tr '\\0' e >&2; exit 9"), dir, "shouter", "x").result();

        assertThat(r.ok()).isFalse();
        assertThat(r.error()).startsWith("'sh' exited with code 9: eeee").endsWith("eee").doesNotContain("\n");
        assertThat(r.error().length()).isLessThan(CommandSession.STDERR_TAIL_BYTES + 100);
    }
}
