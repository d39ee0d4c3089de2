package dev.agentmesh.corpus;

import dev.agentmesh.MeshException;
import dev.agentmesh.runtime.AgentEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Path;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bad names are one-line errors naming the value; oversize text is cut with a marker, never an error that loses the conversation. */
class CorpusHostileInputTest {

    @Test
    void badNamesAndRunTypesAreOneLineErrorsNamingTheValue(@TempDir Path tmp) {
        try (CorpusFixture f = new CorpusFixture(tmp)) {
            Corpus corpus = f.allowed();
            assertThatThrownBy(() -> corpus.session("prod")).isInstanceOf(MeshException.class)
                    .hasMessage("unknown runType 'prod'; run types: production, smoke, research, debug (seed 000)")
                    .satisfies(e -> assertThat(((MeshException) e).kind()).isEqualTo(MeshException.Kind.INVALID_INPUT));
            assertThatThrownBy(() -> corpus.session(null)).hasMessageStartingWith("unknown runType ''");
            assertThatThrownBy(() -> corpus.session("s1", "smoke\nproduction"))
                    .hasMessageStartingWith("unknown runType 'smoke\\nproduction'");
            assertThatThrownBy(() -> corpus.session("a\u0007b", "smoke"))
                    .hasMessage("session 'a\\u0007b' holds a control character at 1; names are one line of printable text");
            assertThatThrownBy(() -> corpus.session("smoke", "debug")).hasMessageContaining("is a run type's name");
            assertThatThrownBy(() -> corpus.begin("x".repeat(10_000), "pi", null, null, null))
                    .hasMessageStartingWith("agent is 10000 characters ('xxxx").hasMessageEndingWith("the limit is 256");
            assertThatThrownBy(() -> corpus.begin("Builder", " ", null, null, null)).hasMessage("runtime is empty; give a runtime");
            assertThatThrownBy(() -> corpus.begin("Builder", "pi", "m\r\nx", null, null)).hasMessageStartingWith("model 'm\\r\\nx'");
            assertThatThrownBy(() -> new Corpus(f.store, "", DataPolicy.defaults())).hasMessage("project is empty; give a project");
            assertThatThrownBy(() -> DataPolicy.defaults().withTrainingProjects(Set.of("a\nb")))
                    .hasMessageStartingWith("training project 'a\\nb'");
            assertThatThrownBy(() -> corpus.user(999, "hi"))
                    .hasMessage("no conversation 999 in this project's corpus; begin one first (it may have been deleted by retention)");
            long id = corpus.begin("Builder", "pi", null, null, null);
            assertThatThrownBy(() -> f.corpus("/work/other", Set.of()).user(id, "hi")).as("another project's conversation")
                    .hasMessageStartingWith("no conversation " + id);
            assertThatThrownBy(() -> corpus.toolCall(id, "c\n1", "bash", "{}")).hasMessageStartingWith("call id 'c\\n1'");
            assertThatThrownBy(() -> new ExportFilter(null, true, null, -1)).hasMessageStartingWith("since is -1");
            assertThatThrownBy(() -> corpus.stats("p\u2028q")).hasMessageStartingWith("project 'p\\u2028q'");
            assertThat(corpus.conversation(id).orElseThrow().messages()).as("nothing was captured by the refused calls").isZero();
        }
    }

    @Test
    void hostileRuntimeEventsAreCapturedNotRefused(@TempDir Path tmp) {
        try (CorpusFixture f = new CorpusFixture(tmp)) {
            Corpus corpus = f.allowed();
            long id = corpus.begin("Builder", "pi", null, null, null);
            corpus.record(id, new AgentEvent.ToolCallStarted(1, "bad\nid", "", "x".repeat(200_000)));
            corpus.record(id, new AgentEvent.ToolCallEnded(2, "bad\nid", "", false));
            corpus.record(id, new AgentEvent.Usage(3, -5, Long.MAX_VALUE / 4, Double.NaN));
            corpus.record(id, new AgentEvent.Text(4, null));
            corpus.record(id, new AgentEvent.TurnEnded(5, false, null, "boom"));
            Conversation c = corpus.conversation(id).orElseThrow();
            assertThat(c.messages()).isEqualTo(2);
            assertThat(c.truncated()).isTrue();
            assertThat(c.inputTokens()).isZero();
            assertThat(c.costUsd()).isZero();
            JsonNode m = CorpusFixture.export(corpus, ExportFilter.eligible(null)).getFirst().get("messages");
            assertThat(m.get(0).get("tool_calls").get(0).get("function").get("name").stringValue()).isEqualTo("unknown");
            assertThat(m.get(1).get("tool_call_id").stringValue()).isEqualTo(m.get(0).get("tool_calls").get(0).get("id").stringValue());
        }
    }

    @Test
    void oversizeTextIsCutWithAMarkerAndTheConversationGoesOn(@TempDir Path tmp) {
        try (CorpusFixture f = new CorpusFixture(tmp)) {
            Corpus corpus = f.allowed();
            long id = corpus.begin("Builder", "pi", null, null, "p".repeat(Corpus.MAX_SYSTEM_PROMPT_CHARS + 5));
            String key = "sk-" + "a1".repeat(20);
            corpus.user(id, "u".repeat(Corpus.MAX_MESSAGE_CHARS - 10) + key + "u".repeat(1 << 20));
            corpus.toolCall(id, "c", "write", "{\"content\":\"" + "w".repeat(Corpus.MAX_MESSAGE_CHARS) + "\"}");
            corpus.toolResult(id, "c", "r".repeat(3 << 20));
            corpus.end(id, "s".repeat(Corpus.MAX_SUMMARY_CHARS * 2));
            corpus.assistant(id, "still captured");

            Conversation c = corpus.conversation(id).orElseThrow();
            assertThat(c.truncated()).isTrue();
            assertThat(c.systemPrompt()).hasSizeLessThanOrEqualTo(Corpus.MAX_SYSTEM_PROMPT_CHARS).contains("[TRUNCATED: ");
            assertThat(c.summary()).hasSizeLessThanOrEqualTo(Corpus.MAX_SUMMARY_CHARS).endsWith("characters cut]");
            JsonNode line = CorpusFixture.export(corpus, ExportFilter.eligible(null)).getFirst();
            JsonNode m = line.get("messages");
            assertThat(m.get(1).get("content").stringValue()).hasSizeLessThanOrEqualTo(Corpus.MAX_MESSAGE_CHARS)
                    .doesNotContain(key).doesNotContain("sk-a1").endsWith("characters cut]");
            String args = m.get(2).get("tool_calls").get(0).get("function").get("arguments").stringValue();
            assertThat(args.length()).isLessThanOrEqualTo(Corpus.MAX_MESSAGE_CHARS);
            assertThat(JsonMapper.builder().build().readTree(args).get("truncated").stringValue()).as("still JSON")
                    .startsWith("{\"content\":\"www");
            assertThat(m.get(3).get("content").stringValue()).hasSizeLessThanOrEqualTo(Corpus.MAX_MESSAGE_CHARS);
            assertThat(m.get(4).get("content").stringValue()).isEqualTo("still captured");
        }
    }

    @Test
    void aConversationPastItsLimitKeepsMarkersAndCounts(@TempDir Path tmp) {
        try (CorpusFixture f = new CorpusFixture(tmp)) {
            Corpus corpus = f.allowed();
            long id = corpus.begin("Builder", "pi", null, null, null);
            String big = "b".repeat(Corpus.MAX_MESSAGE_CHARS - 100);
            int fits = Corpus.MAX_CONVERSATION_CHARS / big.length();
            for (int i = 0; i < fits + 3; i++) {
                corpus.user(id, big);
            }
            Conversation c = corpus.conversation(id).orElseThrow();
            assertThat(c.messages()).isEqualTo(fits + 3);
            assertThat(c.truncated()).isTrue();
            assertThat(c.bytes()).isLessThanOrEqualTo(Corpus.MAX_CONVERSATION_CHARS + 3L * 200);
            JsonNode m = CorpusFixture.export(corpus, ExportFilter.eligible(null)).getFirst().get("messages");
            assertThat(m).hasSize(fits + 3);
            assertThat(m.get(fits + 2).get("content").stringValue()).startsWith("[TRUNCATED: the conversation reached its limit");
        }
    }
}
