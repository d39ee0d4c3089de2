package dev.agentmesh.runtimes.internal;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A child's output read line by line, a line over the cap skipped and reported (seeds/002's 8 MiB record cap). */
class BoundedLinesTest {
    private static List<String> read(String text, int max) throws IOException {
        BoundedLines lines = new BoundedLines(new StringReader(text), max);
        List<String> out = new ArrayList<>();
        for (String l; (l = lines.next()) != null; ) {
            out.add(l == BoundedLines.OVERSIZED ? "<over>" : l);
        }
        return out;
    }

    @Test
    void linesEndAtNewlinesWithOrWithoutCarriageReturns() throws IOException {
        assertThat(read("a\nb\r\n\nc", 10)).containsExactly("a", "b", "", "c");
        assertThat(read("", 10)).isEmpty();
        assertThat(read("x\n", 10)).containsExactly("x");
    }

    @Test
    void aLineOverTheCapIsSkippedToItsEndAndTheNextOneIsRead() throws IOException {
        String big = "y".repeat(20_000);
        assertThat(read("ok\n" + big + "\nafter\n" + big, 10_000)).containsExactly("ok", "<over>", "after", "<over>");
        assertThat(read("z".repeat(10_000) + "\n", 10_000)).as("at the cap it is kept").hasSize(1).first().asString().hasSize(10_000);
    }
}
