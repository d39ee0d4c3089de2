package dev.agentmesh.corpus;

import dev.agentmesh.MeshException;
import dev.agentmesh.runtime.AgentEvent;
import dev.agentmesh.runtime.AgentSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The export is one conversation a line in the OpenAI chat-messages shape, filtered by project and training eligibility. */
class CorpusExportTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void aConversationIsOneLineInTheChatMessagesShape(@TempDir Path tmp) {
        try (CorpusFixture f = new CorpusFixture(tmp)) {
            Corpus corpus = f.allowed();
            long id = corpus.begin("Builder", "claude", "anthropic/claude-sonnet-4:high", "production", "You are Builder.");
            corpus.user(id, "Implement Redis caching in src/cache.py");
            corpus.assistant(id, "Reading the file first.");
            corpus.toolCall(id, "t1", "Read", "{\"path\":\"src/cache.py\"}");
            corpus.toolCall(id, "t2", "Bash", "{\"command\":\"ls\"}");
            corpus.toolResult(id, "t2", "cache.py");
            corpus.toolResult(id, "t1", "def get(k): ...");
            corpus.assistant(id, "Done.");
            corpus.end(id, "Added TTL caching");

            List<JsonNode> lines = CorpusFixture.export(corpus, ExportFilter.eligible(CorpusFixture.PROJECT));
            assertThat(lines).hasSize(1);
            JsonNode m = lines.getFirst().get("messages");
            assertThat(m).hasSize(7);
            assertThat(m.get(0).get("role").stringValue()).isEqualTo("system");
            assertThat(m.get(0).get("content").stringValue()).isEqualTo("You are Builder.");
            assertThat(m.get(1).get("role").stringValue()).isEqualTo("user");
            assertThat(m.get(2).get("role").stringValue()).isEqualTo("assistant");
            assertThat(m.get(2).get("content").stringValue()).isEqualTo("Reading the file first.");
            JsonNode calls = m.get(3).get("tool_calls");
            assertThat(m.get(3).get("content").isNull()).isTrue();
            assertThat(calls).hasSize(2);
            assertThat(calls.get(0).get("id").stringValue()).isEqualTo("t1");
            assertThat(calls.get(0).get("type").stringValue()).isEqualTo("function");
            assertThat(calls.get(0).get("function").get("name").stringValue()).isEqualTo("Read");
            assertThat(calls.get(0).get("function").get("arguments").isString()).as("arguments are a JSON string").isTrue();
            assertThat(JSON.readTree(calls.get(0).get("function").get("arguments").stringValue()).get("path").stringValue())
                    .isEqualTo("src/cache.py");
            assertThat(m.get(4).get("role").stringValue()).isEqualTo("tool");
            assertThat(m.get(4).get("tool_call_id").stringValue()).isEqualTo("t2");
            assertThat(m.get(5).get("tool_call_id").stringValue()).isEqualTo("t1");
            assertThat(m.get(5).get("content").stringValue()).isEqualTo("def get(k): ...");
            assertThat(m.get(6).get("content").stringValue()).isEqualTo("Done.");

            JsonNode meta = lines.getFirst().get("metadata");
            assertThat(meta.get("project").stringValue()).isEqualTo(CorpusFixture.PROJECT);
            assertThat(meta.get("agent").stringValue()).isEqualTo("Builder");
            assertThat(meta.get("runtime").stringValue()).isEqualTo("claude");
            assertThat(meta.get("model").stringValue()).isEqualTo("anthropic/claude-sonnet-4:high");
            assertThat(meta.get("category").stringValue()).isEqualTo("production_work");
            assertThat(meta.get("created").stringValue()).isEqualTo("2023-11-14T22:13:20Z");
            assertThat(meta.get("summary").stringValue()).isEqualTo("Added TTL caching");
            assertThat(meta.get("training_eligible").booleanValue()).isTrue();
        }
    }

    @Test
    void onlyEligibleConversationsOfAllowedProjectsAreExportedByDefault(@TempDir Path tmp) {
        try (CorpusFixture f = new CorpusFixture(tmp)) {
            Set<String> allow = Set.of(CorpusFixture.PROJECT);
            Corpus mine = f.corpus(CorpusFixture.PROJECT, allow);
            Corpus other = f.corpus("/work/other", allow);
            CorpusCategoryTest.converse(mine, "production", "mine");
            CorpusCategoryTest.converse(mine, "smoke", "smoke");
            CorpusCategoryTest.converse(mine, "debug", "debug");
            CorpusCategoryTest.converse(mine, "research", "research");
            CorpusCategoryTest.converse(other, "production", "other");

            assertThat(CorpusFixture.export(mine, ExportFilter.eligible(CorpusFixture.PROJECT)))
                    .extracting(l -> l.get("messages").get(1).get("content").stringValue()).containsExactly("user mine");
            assertThat(CorpusFixture.export(mine, ExportFilter.eligible(null))).as("the other project is not in the list")
                    .hasSize(1);
            assertThat(CorpusFixture.export(f.corpus(CorpusFixture.PROJECT, Set.of()), ExportFilter.eligible(null))).isEmpty();
            assertThat(CorpusFixture.export(f.corpus(CorpusFixture.PROJECT, Set.of(CorpusFixture.PROJECT, "/work/other")),
                    ExportFilter.eligible(null))).hasSize(2);

            List<JsonNode> all = CorpusFixture.export(mine, ExportFilter.all(CorpusFixture.PROJECT));
            assertThat(all).extracting(l -> l.get("metadata").get("category").stringValue())
                    .containsExactly("production_work", "smoke_test", "ops_debug", "off_topic");
            assertThat(all.get(1).get("messages")).as("summary only: no messages").isEmpty();
            assertThat(all.get(1).get("metadata").get("summary").stringValue()).isEqualTo("summary smoke");
            assertThat(all.get(3).get("metadata").has("summary")).as("metadata only").isFalse();
            assertThat(all.get(1).get("metadata").get("training_eligible").booleanValue()).isFalse();

            var result = mine.export(java.io.Writer.nullWriter(), ExportFilter.eligible(CorpusFixture.PROJECT));
            assertThat(result).isEqualTo(new ExportResult(1, 5, 3));
            assertThat(CorpusFixture.export(mine, new ExportFilter(CorpusFixture.PROJECT, false, Set.of(Category.OPS_DEBUG), 0)))
                    .hasSize(1);
        }
    }

    @Test
    void runtimeEventsMapOntoTheCaptureCalls(@TempDir Path tmp) {
        try (CorpusFixture f = new CorpusFixture(tmp)) {
            Corpus corpus = f.allowed();
            long id = corpus.begin("Builder", "pi", "openai/gpt-5", null, null);
            corpus.user(id, "Create /tmp/smoke.txt");
            corpus.record(id, new AgentEvent.TurnStarted(1));
            corpus.record(id, new AgentEvent.Text(2, "Writing it."));
            corpus.record(id, new AgentEvent.ToolCallStarted(3, "", "write", "/tmp/smoke.txt"));
            corpus.record(id, new AgentEvent.ToolCallEnded(4, "", "write", false));
            corpus.record(id, new AgentEvent.ToolCallStarted(5, "b1", "bash", null));
            corpus.record(id, new AgentEvent.ToolCallEnded(6, "b1", "bash", true));
            corpus.record(id, new AgentEvent.Usage(7, 120, 30, 0.01));
            corpus.record(id, new AgentEvent.Usage(8, 80, 20, -1));
            corpus.record(id, new AgentEvent.Error(9, "model hiccup"));
            corpus.record(id, new AgentEvent.Text(10, "Done: /tmp/smoke.txt"));
            corpus.record(id, new AgentEvent.TurnEnded(11, true, "Done: /tmp/smoke.txt", null));
            corpus.record(id, new AgentEvent.StateChanged(12, AgentSession.State.IDLE));
            corpus.record(id, new AgentEvent.TurnEnded(13, true, "A final text of its own", null));

            JsonNode line = CorpusFixture.export(corpus, ExportFilter.eligible(CorpusFixture.PROJECT)).getFirst();
            JsonNode m = line.get("messages");
            assertThat(m).extracting(n -> n.get("role").stringValue())
                    .containsExactly("user", "assistant", "assistant", "tool", "assistant", "tool", "assistant", "assistant");
            JsonNode write = m.get(2).get("tool_calls").get(0);
            assertThat(write.get("function").get("arguments").stringValue()).isEqualTo("{\"path\":\"/tmp/smoke.txt\"}");
            assertThat(m.get(3).get("tool_call_id").stringValue()).as("matched by tool when the runtime gives no id")
                    .isEqualTo(write.get("id").stringValue());
            assertThat(m.get(3).get("content").stringValue()).isEqualTo("ok");
            assertThat(m.get(4).get("tool_calls").get(0).get("function").get("arguments").stringValue()).isEqualTo("{}");
            assertThat(m.get(5).get("content").stringValue()).isEqualTo("error");
            assertThat(m.get(6).get("content").stringValue()).as("the final text that repeats is not doubled")
                    .isEqualTo("Done: /tmp/smoke.txt");
            assertThat(m.get(7).get("content").stringValue()).isEqualTo("A final text of its own");
            assertThat(line.get("metadata").get("input_tokens").longValue()).isEqualTo(200);
            assertThat(line.get("metadata").get("output_tokens").longValue()).isEqualTo(50);
            assertThat(line.get("metadata").get("cost_usd").doubleValue()).isEqualTo(0.01);
        }
    }

    @Test
    void openCallsAreAnsweredAndOrphanResultsLeftOutSoTheShapeStaysValid(@TempDir Path tmp) {
        try (CorpusFixture f = new CorpusFixture(tmp)) {
            Corpus corpus = f.allowed();
            long id = corpus.begin("Builder", "codex", null, null, null);
            corpus.toolCall(id, "a", "shell", "{}");
            corpus.assistant(id, "while it runs");
            corpus.toolResult(id, "a", "done");
            corpus.toolResult(id, "nobody", "orphan");
            corpus.toolCall(id, "b", "shell", "{}");
            corpus.user(id, "stop");
            JsonNode m = CorpusFixture.export(corpus, ExportFilter.eligible(CorpusFixture.PROJECT)).getFirst().get("messages");
            assertThat(m).extracting(n -> n.get("role").stringValue())
                    .containsExactly("assistant", "tool", "assistant", "assistant", "tool", "user");
            assertThat(m.get(2).get("content").stringValue()).as("text that came while a call was open follows its result")
                    .isEqualTo("while it runs");
            assertThat(m.get(4).get("content").stringValue()).isEqualTo("[no result captured]");
            assertThat(m.toString()).doesNotContain("orphan");
        }
    }

    @Test
    void aFailingWriterIsOneClearError(@TempDir Path tmp) {
        try (CorpusFixture f = new CorpusFixture(tmp)) {
            Corpus corpus = f.allowed();
            CorpusCategoryTest.converse(corpus, "production", "x");
            Writer broken = new Writer() {
                @Override
                public void write(char[] buf, int off, int len) throws IOException {
                    throw new IOException("disk full");
                }

                @Override
                public void flush() {
                }

                @Override
                public void close() {
                }
            };
            assertThatThrownBy(() -> corpus.export(broken, ExportFilter.eligible(null)))
                    .isInstanceOf(MeshException.class).hasMessage("cannot write the export after 0 conversations: disk full");
        }
    }
}
