package dev.agentmesh.orchestrator;

import dev.agentmesh.MeshException;
import dev.agentmesh.MeshFixture;
import dev.agentmesh.mesh.Presence;
import dev.agentmesh.orchestrator.internal.FtsQuery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The search query is user input: FTS5 syntax in it is searched as text, never run (no operator, column filter or
 * stray quote reaches FTS5 as syntax), and a query that cannot be searched is a one-line error, never an SQL error.
 */
class TimelineHostileQueryTest {

    @Test
    void ftsSyntaxIsSearchedAsTextAndNeverFailsTheQuery(@TempDir Path tmp) throws Exception {
        MeshFixture f = new MeshFixture(tmp);
        f.mesh.presence().join(new Presence.JoinRequest("Ann", null, f.root.toString(), "test", null, null));
        f.mesh.presence().join(new Presence.JoinRequest("Ben", null, f.root.toString(), "test", null, null));
        var quoted = f.mesh.messenger().send("Ann", List.of("Ben"), "say \"hello\" OR goodbye near the body: actor", null, null);
        f.mesh.messenger().send("Ann", List.of("Ben"), "nothing else", null, null);
        Timeline t = new Timeline(f.store, f.root.toString());
        String id = String.valueOf(quoted.id());

        for (String q : List.of("\"hello\"", "hello\"", "\"hello", "hello OR", "OR goodbye", "OR", "NEAR", "goodbye NEAR(the body)",
                "near hello", "body: hello", "actor: hello", "{body actor}: hello", "^hello", "hello*", "*hello", "(hello)",
                "hello -goodbye", "hello + goodbye", "hello\tgoodbye\nnear")) {
            assertThat(t.search(q, null, null, null, null, 20)).as(q).extracting(TimelineHit::ref).containsExactly(id);
        }
        for (String q : List.of("AND", "NOT hello", "hello nothing", "body:nothing", "nothing OR hello", "NEAR(hello goodbye)")) {
            assertThat(t.search(q, null, null, null, null, 20)).as(q + ": every word is a word that must occur, a phrase as written")
                    .extracting(TimelineHit::ref).doesNotContain(id);
        }
        assertThat(t.search("Ann", null, null, null, null, 20)).as("the actor is searched too: her two messages and her join")
                .extracting(TimelineHit::kind).containsExactly("message", "message", "feed");
        f.store.close();
    }

    @Test
    void queriesThatCannotBeSearchedAreOneLineErrors(@TempDir Path tmp) throws Exception {
        MeshFixture f = new MeshFixture(tmp);
        Timeline t = new Timeline(f.store, f.root.toString());
        refused(t, "", "parameter 'query' is required");
        refused(t, "   ", "parameter 'query' is required");
        refused(t, null, "parameter 'query' is required");
        refused(t, "\"\"", "has no word to search for");
        refused(t, "* ** \" ( ) : ^ -", "has no word to search for");
        refused(t, "bell\u0007ring", "control character U+0007 at 4");
        refused(t, "nul\u0000byte", "control character U+0000");
        refused(t, "x".repeat(100 * 1024), "query has 102400 characters; at most 1000");
        refused(t, "w ".repeat(40), "query has 40 words; at most 32");
        assertThatThrownBy(() -> t.search("ok", List.of("message", "tweet"), null, null, null, 20))
                .hasMessage("kind 'tweet' is not a timeline kind; use message, ask, job, feed");
        assertThatThrownBy(() -> t.search("ok", null, null, null, null, 0)).hasMessage("parameter 'limit' is 0; it must be 1..200");
        assertThatThrownBy(() -> t.search("ok", null, null, null, null, 201)).hasMessage("parameter 'limit' is 201; it must be 1..200");
        assertThatThrownBy(() -> t.search("ok", null, null, 2000L, 1000L, 20)).hasMessageContaining("is after until");
        assertThatThrownBy(() -> t.search("ok", null, "a\nb", null, null, 20)).hasMessage("peer 'a\\nb' is not an agent name");
        assertThatThrownBy(() -> Timeline.parseTime("since", "yesterday"))
                .hasMessageStartingWith("parameter 'since' is 'yesterday', not a time: use ISO-8601");
        assertThatThrownBy(() -> Timeline.parseTime("until", "99999999999999999")).hasMessageContaining("not a time");
        assertThatThrownBy(() -> Timeline.parseTime("until", "9999999999999999")).hasMessageContaining("outside 1970..9999");
        assertThatThrownBy(() -> Timeline.parseTime("until", "2026-13-01")).hasMessageContaining("not a time");
        assertThatThrownBy(() -> Timeline.parseTime("until", "x".repeat(100_000))).satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(300));
        f.store.close();
    }

    @Test
    void theQueryQuotesEveryWord() {
        assertThat(FtsQuery.of("deploy  stag* say\"hi\"")).isEqualTo("\"deploy\" \"stag\"* \"say\"\"hi\"\"\"");
        assertThat(FtsQuery.of("NEAR(a b)")).isEqualTo("\"NEAR(a\" \"b)\"");
    }

    private static void refused(Timeline t, String q, String part) {
        assertThatThrownBy(() -> t.search(q, null, null, null, null, 20)).as(q == null ? "null" : q.substring(0, Math.min(40, q.length())))
                .isInstanceOf(MeshException.class)
                .satisfies(e -> {
                    assertThat(((MeshException) e).kind()).isEqualTo(MeshException.Kind.INVALID_INPUT);
                    assertThat(e.getMessage()).doesNotContain("\n").hasSizeLessThan(300).contains(part);
                });
    }
}
