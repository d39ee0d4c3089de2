package dev.agentmesh.corpus;

import dev.agentmesh.MeshException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Retention deletes this project's conversations last active before the cut-off, with their messages, and nothing else. */
class CorpusRetentionTest {
    private static final long DAY = 86_400_000L;

    @Test
    void conversationsIdleLongerThanTheRetentionAreDeleted(@TempDir Path tmp) {
        try (CorpusFixture f = new CorpusFixture(tmp)) {
            Corpus corpus = f.allowed();
            long old = CorpusCategoryTest.converse(corpus, "production", "old");
            long oldSmoke = CorpusCategoryTest.converse(corpus, "smoke", "old smoke");
            long stillActive = corpus.begin("Builder", "pi", null, null, null);
            Corpus other = f.corpus("/work/other", Set.of());
            long otherOld = CorpusCategoryTest.converse(other, "production", "other");
            f.now.addAndGet(20 * DAY);
            corpus.user(stillActive, "still here");
            long recent = CorpusCategoryTest.converse(corpus, "production", "recent");
            f.now.addAndGet(DAY);

            RetentionResult r = corpus.retention(10); // the production one stored 4 messages, the smoke one none
            assertThat(r).isEqualTo(new RetentionResult(10, f.now.get() - 10 * DAY, 2, 4));
            assertThat(corpus.conversation(old)).isEmpty();
            assertThat(corpus.conversation(oldSmoke)).isEmpty();
            assertThat(corpus.conversation(stillActive)).as("counted from its last activity").isPresent();
            assertThat(corpus.conversation(recent)).isPresent();
            assertThat(other.conversation(otherOld)).as("another project's corpus is its own").isPresent();
            assertThat(corpus.stats().conversations()).isEqualTo(2);
            assertThat(corpus.retention(10).conversations()).as("again: nothing left to delete").isZero();
            assertThatThrownBy(() -> corpus.user(old, "late")).isInstanceOf(MeshException.class)
                    .hasMessageContaining("no conversation " + old);
        }
    }

    @Test
    void theDefaultRetentionIsThePolicysAndZeroDeletesAllNotActiveNow(@TempDir Path tmp) {
        try (CorpusFixture f = new CorpusFixture(tmp)) {
            Corpus corpus = f.allowed();
            assertThat(corpus.policy().retentionDays()).isEqualTo(DataPolicy.DEFAULT_RETENTION_DAYS);
            CorpusCategoryTest.converse(corpus, "production", "a");
            f.now.addAndGet(89 * DAY);
            assertThat(corpus.retention().conversations()).isZero();
            f.now.addAndGet(2 * DAY);
            assertThat(corpus.retention().conversations()).isEqualTo(1);
            CorpusCategoryTest.converse(corpus, "production", "b");
            f.now.incrementAndGet();
            assertThat(corpus.retention(0).conversations()).isEqualTo(1);
        }
    }

    @Test
    void aNegativeOrHugeRetentionIsRefused(@TempDir Path tmp) {
        try (CorpusFixture f = new CorpusFixture(tmp)) {
            Corpus corpus = f.allowed();
            assertThatThrownBy(() -> corpus.retention(-1)).isInstanceOf(MeshException.class)
                    .hasMessage("retention of -1 days is out of range; give 0 to 36500 days (0 deletes every conversation not active now)");
            assertThatThrownBy(() -> corpus.retention(Integer.MAX_VALUE)).hasMessageStartingWith("retention of 2147483647 days");
            assertThatThrownBy(() -> DataPolicy.defaults().withRetentionDays(-5)).hasMessageStartingWith("retention of -5 days");
        }
    }
}
