package dev.agentmesh.orchestrator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * A peer's branch goes through every state of the review queue (seeds/004) on a real git repository: review-needed,
 * cleared by mark_reviewed, re-review-suggested after a new commit, merged-since-review after a merge, and
 * closed-since-review after an unmerged branch is deleted; reviews survive a reopened store.
 */
class ReviewQueueLifecycleTest {

    @Test
    void aPeersBranchMovesThroughEveryState(@TempDir Path tmp) throws Exception {
        try (GitRepo repo = new GitRepo(tmp)) {
            repo.join("Olga");
            repo.join("Ann");
            repo.git("checkout", "-q", "-b", "feature/login");
            String first = repo.commit("Ann", "login form", null);
            repo.git("checkout", "-q", "main");
            repo.git("checkout", "-q", "-b", "fix/typo");
            String typo = repo.commit("Human", "typo", "Bob");
            repo.git("checkout", "-q", "main");
            repo.git("checkout", "-q", "-b", "human-only");
            repo.commit("Human", "my own change", null);
            repo.git("checkout", "-q", "main");
            ReviewQueue q = repo.queue();

            assertThat(q.queue("Olga", null, false)).extracting(ReviewItem::peer, ReviewItem::ref, ReviewItem::sha, ReviewItem::myAction)
                    .as("an author who is an agent, and a Mesh-Agent trailer; a person's own branch is no peer's")
                    .containsExactly(tuple("Ann", "feature/login", first, "review-needed"), tuple("Bob", "fix/typo", typo, "review-needed"));

            ReviewItem marked = q.markReviewed("Olga", "feature/login", null);
            assertThat(marked).extracting(ReviewItem::peer, ReviewItem::sha, ReviewItem::reviewedSha, ReviewItem::myAction)
                    .containsExactly("Ann", first, first, "none-needed");
            assertThat(q.queue("Olga", null, false)).extracting(ReviewItem::ref).containsExactly("fix/typo");
            assertThat(q.queue("Olga", null, true)).extracting(ReviewItem::ref, ReviewItem::myAction)
                    .containsExactly(tuple("fix/typo", "review-needed"), tuple("feature/login", "none-needed"));

            repo.git("checkout", "-q", "feature/login");
            String second = repo.commit("Ann", "login validation", null);
            repo.git("checkout", "-q", "main");
            assertThat(only(q.queue("Olga", "Ann", false))).extracting(ReviewItem::sha, ReviewItem::reviewedSha, ReviewItem::myAction)
                    .containsExactly(second, first, "re-review-suggested");

            q.markReviewed("Olga", "refs/heads/feature/login", null);
            repo.git("-c", "user.name=Human", "-c", "user.email=h@agentmesh.invalid", "merge", "-q", "--no-ff", "-m", "merge login", "feature/login");
            assertThat(only(q.queue("Olga", "Ann", false))).extracting(ReviewItem::ref, ReviewItem::reviewedSha, ReviewItem::myAction)
                    .containsExactly("feature/login", second, "merged-since-review");
            assertThat(q.markReviewed("Olga", "feature/login", null).myAction()).as("marking it again clears it").isEqualTo("none-needed");
            repo.git("branch", "-q", "-d", "feature/login");
            assertThat(q.queue("Olga", "Ann", false)).as("merged, acknowledged, then deleted: nothing left").isEmpty();
            assertThat(only(q.queue("Olga", "Ann", true))).extracting(ReviewItem::sha, ReviewItem::reviewedSha, ReviewItem::myAction)
                    .containsExactly(null, second, "none-needed");

            q.markReviewed("Olga", "fix/typo", null);
            repo.git("branch", "-q", "-D", "fix/typo");
            assertThat(only(q.queue("Olga", null, false))).extracting(ReviewItem::peer, ReviewItem::ref, ReviewItem::sha, ReviewItem::reviewedSha,
                    ReviewItem::myAction).containsExactly("Bob", "fix/typo", null, typo, "closed-since-review");

            repo.reopen();
            q = repo.queue();
            assertThat(only(q.queue("Olga", null, false)).myAction()).as("reviews are rows of the store").isEqualTo("closed-since-review");
            ReviewItem closed = q.markReviewed("Olga", "fix/typo", null);
            assertThat(closed).extracting(ReviewItem::sha, ReviewItem::reviewedSha, ReviewItem::myAction).containsExactly(null, typo, "none-needed");
            assertThat(q.queue("Olga", null, false)).isEmpty();
        }
    }

    @Test
    void aMergedBranchThatIsDeletedAfterTheReviewIsMergedSinceReview(@TempDir Path tmp) throws Exception {
        try (GitRepo repo = new GitRepo(tmp)) {
            repo.join("Olga");
            repo.join("Ann");
            repo.git("checkout", "-q", "-b", "topic");
            String c = repo.commit("Ann", "topic work", null);
            repo.git("checkout", "-q", "main");
            ReviewQueue q = repo.queue();
            q.markReviewed("Olga", "topic", null);
            repo.git("merge", "-q", "--ff-only", "topic");
            repo.git("branch", "-q", "-d", "topic");
            assertThat(only(q.queue("Olga", null, false))).extracting(ReviewItem::ref, ReviewItem::sha, ReviewItem::reviewedSha, ReviewItem::myAction)
                    .containsExactly("topic", null, c, "merged-since-review");
        }
    }

    @Test
    void eachReviewerOwesItsOwnReviewsAndNeverItsOwnWork(@TempDir Path tmp) throws Exception {
        try (GitRepo repo = new GitRepo(tmp)) {
            repo.join("Olga");
            repo.join("Ann");
            repo.git("checkout", "-q", "-b", "ann-work");
            repo.commit("Ann", "ann", null);
            repo.git("checkout", "-q", "main");
            repo.git("checkout", "-q", "-b", "bob-work");
            repo.commit("Human", "bob", "Bob");
            repo.git("checkout", "-q", "main");
            ReviewQueue q = repo.queue();
            q.markReviewed("Olga", "ann-work", null);

            assertThat(q.queue("Olga", null, false)).extracting(ReviewItem::ref).containsExactly("bob-work");
            assertThat(q.queue("Ann", null, false)).as("Ann's own branch is not in her queue; Olga's review is not hers")
                    .extracting(ReviewItem::ref, ReviewItem::myAction).containsExactly(tuple("bob-work", "review-needed"));
            assertThat(q.queue("Ann", "Ann", false)).as("unless she asks for her own").extracting(ReviewItem::ref).containsExactly("ann-work");
            assertThat(q.queue("Olga", "Bob", false)).extracting(ReviewItem::peer).containsExactly("Bob");
            assertThat(q.queue("Olga", "Zed", true)).isEmpty();
        }
    }

    @Test
    void theBranchAPeerJoinedOnAndRecordedTouchesAreTouched(@TempDir Path tmp) throws Exception {
        try (GitRepo repo = new GitRepo(tmp)) {
            repo.join("Olga");
            repo.git("checkout", "-q", "-b", "wip/cara");
            repo.commit("Human", "started by a person", null);
            repo.join("Cara");
            repo.git("checkout", "-q", "main");
            repo.git("checkout", "-q", "-b", "topic");
            String topic = repo.commit("Human", "job output", null);
            repo.git("checkout", "-q", "main");
            String onMain = repo.commit("Human", "a commit on main", null);
            ReviewQueue q = repo.queue();

            assertThat(q.touch("Dan", "refs/heads/topic")).contains("topic");
            assertThat(q.touch("Dan", onMain.substring(0, 10))).as("a commit id is recorded in full").contains(onMain);
            assertThat(q.touch("Dan", "no-such-branch")).as("not a ref: nothing recorded").isEmpty();
            assertThat(q.touch("Dan", "a..b")).isEmpty();
            assertThat(q.touch("Dan", "x".repeat(100_000))).isEmpty();

            List<ReviewItem> items = q.queue("Olga", null, false);
            assertThat(items).extracting(ReviewItem::peer, ReviewItem::ref, ReviewItem::sha)
                    .containsExactly(tuple("Cara", "wip/cara", repo.git("rev-parse", "wip/cara").strip()), tuple("Dan", onMain, onMain),
                            tuple("Dan", "topic", topic));
            assertThat(q.markReviewed("Olga", onMain, null)).extracting(ReviewItem::peer, ReviewItem::myAction).containsExactly("Dan", "none-needed");
        }
    }

    @Test
    void anOlderCommitOfTheBranchCanBeMarkedAndTheTipStillNeedsAReview(@TempDir Path tmp) throws Exception {
        try (GitRepo repo = new GitRepo(tmp)) {
            repo.join("Ann");
            repo.git("checkout", "-q", "-b", "topic");
            String older = repo.commit("Ann", "one", null);
            String tip = repo.commit("Ann", "two", null);
            repo.git("checkout", "-q", "main");
            ReviewItem item = repo.queue().markReviewed("Olga", "topic", older.substring(0, 8).toUpperCase());
            assertThat(item).extracting(ReviewItem::sha, ReviewItem::reviewedSha, ReviewItem::myAction).containsExactly(tip, older, "re-review-suggested");
        }
    }

    private static ReviewItem only(List<ReviewItem> items) {
        assertThat(items).hasSize(1);
        return items.getFirst();
    }
}
