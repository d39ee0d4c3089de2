package dev.agentmesh.corpus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Planted secrets of every kind, fed through every capture call, reach neither the store's files (database, WAL)
 * nor the export (issue 6, part 5: "test it with planted secrets").
 */
class CorpusSecretsNeverStoredTest {

    @Test
    void noPlantedSecretReachesTheStoreFilesOrTheExport(@TempDir Path tmp) throws Exception {
        List<Secrets.Planted> planted = Secrets.all();
        String export;
        try (CorpusFixture f = new CorpusFixture(tmp)) {
            Corpus corpus = f.allowed();
            for (Secrets.Planted p : planted) {
                long id = corpus.begin("Builder", "claude", "anthropic/claude-sonnet-4", "production", "You are Builder. " + p.text());
                corpus.user(id, "Here is the config: " + p.text());
                corpus.assistant(id, "I read " + p.text());
                String call = corpus.toolCall(id, "", "bash", "{\"command\":" + json(p.text()) + ",\"env\":{\"X\":" + json(p.text()) + "}}");
                corpus.toolResult(id, call, p.text());
                corpus.toolCall(id, "c2", "write", "not json at all: " + p.text());
                corpus.toolResult(id, "c2", "wrote " + p.text());
                corpus.end(id, "done; the secret was " + p.text());
            }
            long smoke = corpus.begin("Smoke", "pi", null, "smoke", planted.getFirst().text());
            corpus.end(smoke, planted.getFirst().text());
            StringWriter out = new StringWriter();
            assertThat(corpus.export(out, ExportFilter.all(null)).conversations()).isEqualTo(planted.size() + 1);
            export = out.toString();
            String whileOpen = f.storeBytes();
            for (Secrets.Planted p : planted) {
                assertThat(whileOpen).as("%s in the open store's files", p.kind()).doesNotContain(p.secret());
                assertThat(export).as("%s in the export", p.kind()).doesNotContain(p.secret());
            }
            assertThat(export).contains("[REDACTED:");
            assertThat(whileOpen).as("the texts around the secrets are stored").contains("Here is the config: ");
        }
        String closed = new CorpusFixture(tmp).storeBytes();
        for (Secrets.Planted p : planted) {
            assertThat(closed).as("%s in the checkpointed store file", p.kind()).doesNotContain(p.secret());
        }
    }

    @Test
    void theExportedArgumentsOfARedactedCallAreStillJson(@TempDir Path tmp) {
        try (CorpusFixture f = new CorpusFixture(tmp)) {
            Corpus corpus = f.allowed();
            long id = corpus.begin("Builder", "pi", null, null, null);
            corpus.toolCall(id, "c1", "write", "{\"path\":\".env\",\"content\":\"DB_PASSWORD=hunter2\\n\",\"password\":\"x\"}");
            corpus.toolResult(id, "c1", "ok");
            JsonNode call = CorpusFixture.export(corpus, ExportFilter.eligible(CorpusFixture.PROJECT)).getFirst()
                    .get("messages").get(0).get("tool_calls").get(0).get("function");
            JsonNode args = tools.jackson.databind.json.JsonMapper.builder().build().readTree(call.get("arguments").stringValue());
            assertThat(args.get("content").stringValue()).isEqualTo("DB_PASSWORD=[REDACTED:secret]\n");
            assertThat(args.get("password").stringValue()).isEqualTo("[REDACTED:secret]");
            assertThat(args.get("path").stringValue()).isEqualTo(".env");
        }
    }

    private static String json(String text) {
        return tools.jackson.databind.json.JsonMapper.builder().build().writeValueAsString(text);
    }
}
