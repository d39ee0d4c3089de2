package dev.agentmesh.orchestrator;

import dev.agentmesh.MeshException;
import dev.agentmesh.orchestrator.internal.ReviewTable;
import dev.agentmesh.project.Project;
import dev.agentmesh.store.Store;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What mark_reviewed accepts as a ref: branches, commits, pull-request and branch URLs of a remote mapped to local
 * refs; and every bad ref, URL and sha refused with one line naming it, nothing recorded.
 */
class ReviewRefsTest {
    private static final String HOST = "https://git.agentmesh.invalid";

    @Test
    void pullRequestAndBranchUrlsOfARemoteMapToLocalRefs(@TempDir Path tmp) throws Exception {
        try (GitRepo repo = new GitRepo(tmp)) {
            repo.git("remote", "add", "origin", "git@git.agentmesh.invalid:acme/widgets.git");
            repo.git("checkout", "-q", "-b", "feature/login");
            String login = repo.commit("Ann", "login", null);
            repo.git("checkout", "-q", "-b", "pr-7");
            String seven = repo.commit("Ann", "pr seven", null);
            repo.git("config", "branch.pr-7.merge", "refs/pull/7/head");
            repo.git("checkout", "-q", "main");
            repo.git("update-ref", "refs/pull/12/head", login);
            ReviewQueue q = repo.queue();

            assertThat(q.markReviewed("Olga", HOST + "/acme/widgets/pull/12", null)).extracting(ReviewItem::ref, ReviewItem::reviewedSha)
                    .as("a fetched pull-request ref").containsExactly("refs/pull/12/head", login);
            assertThat(q.markReviewed("Olga", HOST + "/acme/widgets/pull/7/files", null)).extracting(ReviewItem::ref, ReviewItem::reviewedSha)
                    .as("the branch that tracks it, as gh pr checkout records").containsExactly("pr-7", seven);
            assertThat(q.markReviewed("Olga", HOST + "/acme/widgets/tree/feature/login", null).ref()).isEqualTo("feature/login");
            assertThat(q.markReviewed("Olga", "refs/pull/12/head", null).ref()).isEqualTo("refs/pull/12/head");
            assertThat(q.touch("Ann", HOST + "/acme/widgets/pull/12")).contains("refs/pull/12/head");
        }
    }

    @Test
    void aRemoteThatIsALocalPathMatchesOnItsPath(@TempDir Path tmp) throws Exception {
        try (GitRepo repo = new GitRepo(tmp)) {
            repo.git("remote", "add", "upstream", tmp.resolve("srv/acme/widgets.git").toString());
            repo.git("update-ref", "refs/pull/3/head", "HEAD");
            assertThat(repo.queue().markReviewed("Olga", HOST + "/acme/widgets/pull/3", null).ref()).isEqualTo("refs/pull/3/head");
        }
    }

    @Test
    void urlsThatCannotBeMappedAreOneLineErrorsNamingThem(@TempDir Path tmp) throws Exception {
        try (GitRepo repo = new GitRepo(tmp)) {
            ReviewQueue q = repo.queue();
            refused(q, HOST + "/acme/widgets/pull/12", "names repository acme/widgets", "it has no remote");
            repo.git("remote", "add", "origin", HOST + "/acme/widgets.git");
            refused(q, HOST + "/acme/other/pull/12", "acme/other", "not a remote of this repository (remotes: origin)");
            refused(q, "https://elsewhere.agentmesh.invalid/acme/widgets/pull/12", "not a remote");
            refused(q, HOST + "/acme/widgets/pull/99", "maps to no local ref", "refs/pull/99/head", "git fetch origin pull/99/head:refs/pull/99/head");
            refused(q, HOST + "/acme/widgets/issues/3", "names no pull request or branch");
            refused(q, HOST + "/acme/widgets/pull/abc", "'abc', which is not a number");
            refused(q, HOST + "/acme/widgets/tree/no-such", "does not have");
            refused(q, HOST + "/acme/widgets/tree/a..b", "not a valid git ref name");
            refused(q, HOST + "/acme/widgets/tree/x%0Ay", "does not allow");
            refused(q, "ftp://git.agentmesh.invalid/acme/widgets/pull/1", "not an http(s) URL");
            refused(q, "https://exa mple/pull/1", "not a valid URL");
            refused(q, HOST + "/" + "a/".repeat(60_000) + "pull/1", "more than 2000 characters");
        }
    }

    @Test
    void badRefsAndShasAreRefusedAndNothingIsRecorded(@TempDir Path tmp) throws Exception {
        try (GitRepo repo = new GitRepo(tmp)) {
            repo.git("checkout", "-q", "-b", "topic");
            repo.commit("Ann", "topic", null);
            repo.git("checkout", "-q", "main");
            String other = repo.git("rev-parse", "main").strip();
            repo.git("checkout", "-q", "-b", "side");
            String sideOnly = repo.commit("Ann", "side", null);
            repo.git("checkout", "-q", "main");
            ReviewQueue q = repo.queue();

            refused(q, "--upload-pack=evil", "is not a valid git ref name");
            refused(q, "--upload-pack=touch /tmp/x", "holds '\\u0020'");
            refused(q, "a..b", "is not a valid git ref name");
            refused(q, "x\u0000y", "\\u0000");
            refused(q, "line\nbreak", "\\u000a");
            refused(q, "x".repeat(100_000), "has 100000 characters");
            refused(q, "refs/tags/v1", "is not a branch");
            refused(q, "no-such-branch", "'no-such-branch' is not a branch, pull-request ref or commit of " + repo.root);
            refused(q, "deadbeef", "is not a branch, pull-request ref or commit");
            assertThatThrownBy(() -> q.markReviewed("Olga", " ", null)).hasMessageContaining("parameter 'ref' is required");
            assertThatThrownBy(() -> q.markReviewed("Olga", "topic", "xyz")).hasMessage("sha 'xyz' is not a commit id (4..64 hex digits)");
            assertThatThrownBy(() -> q.markReviewed("Olga", "topic", "0123456789abcdef0123")).hasMessageContaining("names no commit of");
            assertThatThrownBy(() -> q.markReviewed("Olga", "topic", sideOnly)).hasMessageStartingWith("sha " + sideOnly + " is not on topic");
            assertThatThrownBy(() -> q.markReviewed("Olga", "topic", "a".repeat(100_000))).hasMessageContaining("is not a commit id")
                    .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(200));
            assertThatThrownBy(() -> q.markReviewed("bad name!", "topic", null)).hasMessageContaining("agent name 'bad name!' is invalid");
            assertThatThrownBy(() -> q.queue("Olga", "x\ny", false)).hasMessageContaining("is invalid");
            assertThat(q.markReviewed("Olga", "topic", other).reviewedSha()).as("main's commit is an ancestor of topic").isEqualTo(other);
            List<RefReview> history = repo.store.read(tx -> ReviewTable.of(tx).history(repo.root.toString()));
            assertThat(history).as("only the good review is recorded").hasSize(1);
        }
    }

    @Test
    void aFolderThatIsNoGitRepositoryHasAnEmptyQueueAndRefusesMarks(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("plain")).toRealPath();
        try (Store store = Store.openSqlite(tmp.resolve("mesh.db"))) {
            var api = dev.agentmesh.api.LocalMeshApi.create(store, Project.locate(dir));
            ReviewQueue q = new ReviewQueue(store, Project.locate(dir), api.mesh().presence());
            assertThat(q.queue("Olga", null, true)).isEmpty();
            assertThat(q.touch("Ann", "main")).isEmpty();
            assertThatThrownBy(() -> q.markReviewed("Olga", "main", null)).hasMessageContaining("mark_reviewed needs a git repository");
        }
    }

    private static void refused(ReviewQueue q, String ref, String... parts) {
        assertThatThrownBy(() -> q.markReviewed("Olga", ref, null)).as(ref.length() > 80 ? ref.substring(0, 80) : ref)
                .isInstanceOf(MeshException.class)
                .satisfies(e -> {
                    assertThat(((MeshException) e).kind()).isEqualTo(MeshException.Kind.INVALID_INPUT);
                    assertThat(e.getMessage()).doesNotContain("\n").hasSizeLessThan(600).contains(parts);
                });
    }
}
