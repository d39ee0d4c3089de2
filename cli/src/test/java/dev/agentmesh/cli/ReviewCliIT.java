package dev.agentmesh.cli;

import dev.agentmesh.api.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's review lines as a user types them (issue 8), through a real supervisor on a real git repository: a
 * peer's branch in {@code mesh review-queue}, cleared by {@code mesh mark-reviewed}, back as re-review-suggested after a
 * new commit; {@code mesh timeline} finds the peer's message; bad input is a one-line error and exit 2.
 */
class ReviewCliIT {
    @TempDir
    Path tmp;

    @Test
    void theReadmesReviewAndTimelineCommands() throws Exception {
        try (ItSupport.Supervised s = ItSupport.supervised(tmp, Map.of("README.md", "demo\n"))) {
            Path repo = s.repo();
            ItSupport.run(repo, "git", "symbolic-ref", "HEAD", "refs/heads/main");
            commit(repo, "Human", "start");
            Map<String, String> olga = joined(s, "Olga");
            Map<String, String> ann = joined(s, "Ann");
            ItSupport.run(repo, "git", "checkout", "-q", "-b", "feature/login");
            Files.writeString(repo.resolve("login.txt"), "form\n");
            String first = commit(repo, "Ann", "login form");
            ItSupport.run(repo, "git", "checkout", "-q", "main");
            mesh(s, ann, "send", "Olga", "feature/login is ready for review");

            assertThat(mesh(s, olga, "review-queue")).contains("review queue of Olga: 1 item(s)")
                    .containsPattern("review-needed +Ann +feature/login @ " + first.substring(0, 12));
            var data = Json.MAPPER.readTree(mesh(s, olga, "review-queue", "--json"));
            assertThat(data.at("/items/0/sha").asString()).isEqualTo(first);
            assertThat(data.at("/items/0/myAction").asString()).isEqualTo("review-needed");

            assertThat(mesh(s, olga, "mark-reviewed", "feature/login")).startsWith("reviewed feature/login at " + first.substring(0, 12)
                    + " (touched by Ann): none-needed");
            assertThat(mesh(s, olga, "review-queue")).startsWith("review queue of Olga is empty");
            assertThat(mesh(s, olga, "review-queue", "--all", "--peer", "Ann")).contains("none-needed").contains("reviewed " + first.substring(0, 12));

            ItSupport.run(repo, "git", "checkout", "-q", "feature/login");
            Files.writeString(repo.resolve("login.txt"), "form and validation\n");
            String second = commit(repo, "Ann", "login validation");
            ItSupport.run(repo, "git", "checkout", "-q", "main");
            assertThat(mesh(s, olga, "review-queue")).containsPattern("re-review-suggested +Ann +feature/login @ " + second.substring(0, 12)
                    + " +reviewed " + first.substring(0, 12));
            assertThat(mesh(s, olga, "mark-reviewed", "feature/login", "--sha", second.substring(0, 9), "--json")).contains("\"myAction\" : \"none-needed\"");

            assertThat(mesh(s, olga, "timeline", "review", "--kind", "message", "--peer", "Ann", "--since", "2000-01-01T00:00"))
                    .startsWith("1 timeline hit(s) for 'review', newest first:").contains("message #1 Ann: feature/login is ready for **review**");
            var hits = Json.MAPPER.readTree(mesh(s, olga, "timeline", "READY", "--json", "--limit", "5"));
            assertThat(hits.at("/hits/0/kind").asString()).isEqualTo("message");
            assertThat(hits.at("/hits/0/actor").asString()).isEqualTo("Ann");
            assertThat(mesh(s, olga, "timeline", "join", "--kind", "feed", "--peer", "Ann")).contains("feed #").contains("Ann: **join**");

            refused(s, olga, "no such branch", "'no such branch' holds '\\u0020'", "mark-reviewed", "no such branch");
            refused(s, olga, "unknown", "ref 'nope' is not a branch, pull-request ref or commit of", "mark-reviewed", "nope");
            refused(s, olga, "PR URL", "names repository acme/widgets", "mark-reviewed", "https://git.agentmesh.invalid/acme/widgets/pull/4");
            refused(s, olga, "a bare quote", "has no word to search for", "timeline", "\"");
            refused(s, olga, "100 KB", "query has 102400 characters; at most 1000", "timeline", "q".repeat(100 * 1024));
            refused(s, olga, "a bad time", "parameter 'since' is 'yesterday', not a time", "timeline", "x", "--since", "yesterday");
            refused(s, olga, "a big limit", "parameter 'limit' is 500; it must be 1..200", "timeline", "x", "--limit", "500");
            refused(s, olga, "a bad kind", "kind 'tweet' is not a timeline kind", "timeline", "x", "--kind", "tweet");
            assertThat(mesh(s, ann, "review-queue")).as("her own branch is not in her queue").startsWith("review queue of Ann is empty");
            assertThat(mesh(s, olga, "review-queue", "--all")).as("the supervisor is alive and the review kept").contains("none-needed");
        }
    }

    private static Map<String, String> joined(ItSupport.Supervised s, String name) throws Exception {
        String token = Json.MAPPER.readTree(mesh(s, s.env(), "join", "--name", name, "--json")).path("token").asString();
        Map<String, String> env = new HashMap<>(s.env());
        env.put("MESH_AGENT", name);
        env.put("MESH_AGENT_TOKEN", token);
        return env;
    }

    private static String commit(Path repo, String author, String message) throws Exception {
        ItSupport.run(repo, "git", "add", "-A");
        ItSupport.run(repo, "git", "-c", "user.name=" + author, "-c", "user.email=" + author + "@agentmesh.invalid", "commit", "-q", "-m", message);
        return ItSupport.run(repo, "git", "rev-parse", "HEAD").strip();
    }

    private static void refused(ItSupport.Supervised s, Map<String, String> env, String what, String expected, String... args) throws Exception {
        var r = ItSupport.mesh(s.repo(), env, Duration.ofSeconds(60), args);
        assertThat(r.exitCode()).as(what + "\n" + r).isEqualTo(2);
        assertThat(r.err().strip()).as(what).startsWith("mesh: ").contains(expected).doesNotContain("\n");
    }

    private static String mesh(ItSupport.Supervised s, Map<String, String> env, String... args) throws Exception {
        var r = ItSupport.mesh(s.repo(), env, Duration.ofSeconds(60), args);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return r.out();
    }
}
