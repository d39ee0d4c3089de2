package dev.agentmesh.crew;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The verdict is read from a labelled line or a bare first line, never from a word in prose. */
class VerdictTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "VERDICT: SHIP\\nLooks good.|SHIP",
            "**Verdict:** NEEDS_WORK\\nAdd tests.|NEEDS_WORK",
            "Summary first.\\nverdict - major rethink|MAJOR_RETHINK",
            "NEEDS WORK|NEEDS_WORK",
            "ship|SHIP",
            "not ready to SHIP; NEEDS_WORK on tests|",
            "I would SHIP this.|",
            "|",
    })
    void parse(String text, String expected) {
        String t = text == null ? null : text.replace("\\n", "\n");
        assertThat(Verdict.parse(t).map(Enum::name).orElse(null)).isEqualTo(expected);
    }
}
