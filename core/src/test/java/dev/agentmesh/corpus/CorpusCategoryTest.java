package dev.agentmesh.corpus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each run type falls in the seed's category, and each category keeps what the seed says: production_work all,
 * smoke_test and ops_debug the summary, off_topic nothing but metadata (seed 000, "Data Policy + Training Corpus").
 */
class CorpusCategoryTest {

    @Test
    void eachRunTypeFallsInTheSeedsCategory() {
        DataPolicy p = DataPolicy.defaults();
        assertThat(p.categoryOf(RunType.PRODUCTION)).isEqualTo(Category.PRODUCTION_WORK);
        assertThat(p.categoryOf(RunType.SMOKE)).isEqualTo(Category.SMOKE_TEST);
        assertThat(p.categoryOf(RunType.RESEARCH)).isEqualTo(Category.OFF_TOPIC);
        assertThat(p.categoryOf(RunType.DEBUG)).isEqualTo(Category.OPS_DEBUG);
        assertThat(p.withCategory(RunType.RESEARCH, Category.PRODUCTION_WORK).categoryOf(RunType.RESEARCH))
                .as("policy-driven").isEqualTo(Category.PRODUCTION_WORK);
    }

    @Test
    void eachCategoryStoresWhatTheSeedSays(@TempDir Path tmp) throws Exception {
        try (CorpusFixture f = new CorpusFixture(tmp)) {
            Corpus corpus = f.allowed();
            long prod = converse(corpus, "production", "PRODWORDS");
            long smoke = converse(corpus, "smoke", "SMOKEWORDS");
            long debug = converse(corpus, "debug", "DEBUGWORDS");
            long research = converse(corpus, "research", "RESEARCHWORDS");

            Conversation p = corpus.conversation(prod).orElseThrow();
            assertThat(p.category()).isEqualTo(Category.PRODUCTION_WORK);
            assertThat(p.systemPrompt()).isEqualTo("system PRODWORDS");
            assertThat(p.summary()).isEqualTo("summary PRODWORDS");
            assertThat(p.messages()).isEqualTo(4);
            for (long id : new long[]{smoke, debug}) {
                Conversation c = corpus.conversation(id).orElseThrow();
                assertThat(c.systemPrompt()).isNull();
                assertThat(c.summary()).startsWith("summary ");
                assertThat(c.messages()).as("counted, not stored").isEqualTo(4);
            }
            Conversation r = corpus.conversation(research).orElseThrow();
            assertThat(r.category()).isEqualTo(Category.OFF_TOPIC);
            assertThat(r.systemPrompt()).isNull();
            assertThat(r.summary()).isNull();
            assertThat(r.messages()).isEqualTo(4);
            assertThat(r.bytes()).isZero();

            String bytes = f.storeBytes();
            assertThat(bytes).contains("user PRODWORDS", "tool PRODWORDS", "summary SMOKEWORDS", "summary DEBUGWORDS");
            assertThat(bytes).as("no message body of a summary-only category")
                    .doesNotContain("user SMOKEWORDS", "assistant SMOKEWORDS", "system SMOKEWORDS", "user DEBUGWORDS", "tool DEBUGWORDS");
            assertThat(bytes).as("no text at all of off_topic").doesNotContain("RESEARCHWORDS");
        }
    }

    @Test
    void aSessionsRunTypeAppliesToTheConversationsBegunInIt(@TempDir Path tmp) {
        try (CorpusFixture f = new CorpusFixture(tmp)) {
            Corpus corpus = f.allowed();
            assertThat(corpus.runType(null)).as("nothing declared").isEqualTo(Corpus.DEFAULT_RUN_TYPE);
            assertThat(corpus.session("smoke")).isEqualTo(Category.SMOKE_TEST);
            long underSmoke = corpus.begin("SmokeWorker", "pi", null, null, null);
            assertThat(corpus.session("crew-run-7", "debug")).isEqualTo(Category.OPS_DEBUG);
            long inRun = corpus.begin("Worker", "pi", null, "crew-run-7", null);
            long undeclared = corpus.begin("Other", "pi", null, "agent-session-1", null);
            assertThat(corpus.session("production")).isEqualTo(Category.PRODUCTION_WORK);
            long after = corpus.begin("Builder", "pi", null, null, null);

            assertThat(corpus.conversation(underSmoke).orElseThrow().category()).isEqualTo(Category.SMOKE_TEST);
            assertThat(corpus.conversation(inRun).orElseThrow().category()).isEqualTo(Category.OPS_DEBUG);
            assertThat(corpus.conversation(undeclared).orElseThrow().category()).as("the project's run type then")
                    .isEqualTo(Category.SMOKE_TEST);
            assertThat(corpus.conversation(after).orElseThrow().category()).isEqualTo(Category.PRODUCTION_WORK);
            assertThat(corpus.conversation(underSmoke).orElseThrow().category()).as("fixed when it began")
                    .isEqualTo(Category.SMOKE_TEST);
            assertThat(corpus.runType("crew-run-7")).isEqualTo(RunType.DEBUG);
            long named = corpus.begin("Prober", "pi", null, " Smoke ", null);
            assertThat(corpus.conversation(named).orElseThrow().category()).as("a run type given directly").isEqualTo(Category.SMOKE_TEST);
        }
    }

    @Test
    void statsCountSmokeApartFromProductionAndEligibilityFollowsTheAllowList(@TempDir Path tmp) {
        try (CorpusFixture f = new CorpusFixture(tmp)) {
            Corpus corpus = f.allowed();
            corpus.session("smoke");
            converse(corpus, null, "a");
            converse(corpus, null, "b");
            corpus.session("production");
            converse(corpus, null, "c");
            f.now.addAndGet(1000);
            converse(corpus, "research", "d");

            CorpusStats s = corpus.stats();
            assertThat(s.runType()).isEqualTo(RunType.PRODUCTION);
            assertThat(s.conversations()).isEqualTo(4);
            assertThat(s.messages()).isEqualTo(16);
            assertThat(s.eligible()).isEqualTo(1);
            assertThat(s.eligibleMessages()).isEqualTo(4);
            assertThat(s.categories().get(Category.SMOKE_TEST)).isEqualTo(
                    new CorpusStats.PerCategory(1, 2, 8, s.categories().get(Category.SMOKE_TEST).bytes(), 0));
            assertThat(s.categories().get(Category.PRODUCTION_WORK).conversations()).isEqualTo(1);
            assertThat(s.categories().get(Category.OFF_TOPIC).bytes()).isZero();
            assertThat(s.categories().get(Category.OPS_DEBUG).conversations()).isZero();
            assertThat(s.oldest()).isEqualTo(CorpusFixture.T0);
            assertThat(s.newest()).isEqualTo(CorpusFixture.T0 + 1000);
            assertThat(s.bytes()).isPositive();

            Corpus notAllowed = f.corpus(CorpusFixture.PROJECT, Set.of());
            assertThat(notAllowed.stats().eligible()).as("taking the project off the list withdraws it").isZero();
            assertThat(f.corpus("/other", Set.of()).stats().conversations()).isZero();
            assertThat(corpus.stats(null).conversations()).as("every project").isEqualTo(4);
        }
    }

    /** One conversation with a message of each role; @return its id */
    static long converse(Corpus corpus, String runType, String word) {
        long id = corpus.begin("Builder", "claude", "anthropic/claude-sonnet-4", runType, "system " + word);
        corpus.user(id, "user " + word);
        corpus.assistant(id, "assistant " + word);
        String call = corpus.toolCall(id, null, "bash", "{\"command\":\"ls " + word + "\"}");
        corpus.toolResult(id, call, "tool " + word);
        corpus.end(id, "summary " + word);
        return id;
    }
}
