package dev.agentmesh.orchestrator;

import dev.agentmesh.MeshFixture;
import dev.agentmesh.api.LocalMeshApi;
import dev.agentmesh.project.Project;
import dev.agentmesh.store.Store;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Messages and feed events are found by the words in them (FTS5 kept by triggers), newest first, with the kind, peer
 * and time filters; other projects' rows never; rows written before V13 are indexed by the migration; deleted rows
 * leave the index.
 */
class TimelineSearchTest {

    @Test
    void messagesAndFeedEventsAreFoundWithFilters(@TempDir Path tmp) throws Exception {
        MeshFixture f = new MeshFixture(tmp);
        f.mesh.presence().join(new dev.agentmesh.mesh.Presence.JoinRequest("Ann", null, f.root.toString(), "test", null, null));
        f.mesh.presence().join(new dev.agentmesh.mesh.Presence.JoinRequest("Ben", null, f.root.toString(), "test", null, null));
        var m1 = f.mesh.messenger().send("Ann", List.of("Ben"), "the deploy to staging failed at the migration step", null, null);
        var m2 = f.mesh.messenger().send("Ben", List.of("Ann"), "Déploiement: I will retry the DEPLOY after lunch", null, null);
        f.mesh.messenger().send("Ben", List.of("Ann"), "unrelated chatter about lunch", null, null);
        f.mesh.reservations().reserve("Ann", f.root, List.of("src/a.js"), "deploy script rewrite", true, null);
        Timeline t = new Timeline(f.store, f.root.toString());

        List<TimelineHit> hits = t.search("deploy", null, null, null, null, 20);
        assertThat(hits).extracting(TimelineHit::kind, TimelineHit::actor).containsExactly(
                tuple("feed", "Ann"), tuple("message", "Ben"), tuple("message", "Ann"));
        assertThat(hits.get(1)).extracting(TimelineHit::ref, TimelineHit::at).containsExactly(String.valueOf(m2.id()), m2.createdAt());
        assertThat(hits.get(1).snippet()).contains("**DEPLOY**");
        assertThat(hits.get(0).snippet()).isEqualTo("reserve src/a.js: **deploy** script rewrite");
        assertThat(t.search("the message", null, null, null, null, 20)).as("a feed event of a message is not a second hit").isEmpty();

        assertThat(t.search("deploiement", null, null, null, null, 20)).as("accents do not matter").extracting(TimelineHit::ref)
                .containsExactly(String.valueOf(m2.id()));
        assertThat(t.search("deploy lunch", null, null, null, null, 20)).as("every word must occur").extracting(TimelineHit::ref)
                .containsExactly(String.valueOf(m2.id()));
        assertThat(t.search("stag*", null, null, null, null, 20)).as("a prefix").extracting(TimelineHit::ref).containsExactly(String.valueOf(m1.id()));
        assertThat(t.search("deploy", List.of("message"), null, null, null, 20)).extracting(TimelineHit::kind).containsOnly("message").hasSize(2);
        assertThat(t.search("deploy", List.of("feed", "ask"), null, null, null, 20)).extracting(TimelineHit::kind).containsExactly("feed");
        assertThat(t.search("deploy", null, "Ann", null, null, 20)).extracting(TimelineHit::actor).containsOnly("Ann").hasSize(2);
        assertThat(t.search("deploy", null, "Nobody", null, null, 20)).isEmpty();
        assertThat(t.search("deploy", null, null, null, null, 1)).hasSize(1);
        assertThat(t.search("deploy", null, null, m2.createdAt(), null, 20)).extracting(TimelineHit::ref).contains(String.valueOf(m2.id()))
                .doesNotContain(String.valueOf(m1.id()));
        assertThat(t.search("deploy", List.of("message"), null, null, m2.createdAt(), 20)).as("until is exclusive")
                .extracting(TimelineHit::ref).doesNotContain(String.valueOf(m2.id()));
        assertThat(new Timeline(f.store, "/another/project").search("deploy", null, null, null, null, 20)).as("scoped to the project").isEmpty();
        f.store.close();
    }

    @Test
    void rowsWrittenBeforeTheMigrationAreIndexedAndDeletedRowsLeaveTheIndex(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("mesh.db");
        SQLiteDataSource ds = new SQLiteDataSource();
        ds.setUrl("jdbc:sqlite:" + file);
        Flyway.configure().dataSource(ds).locations("classpath:db/migration").target("12").load().migrate();
        try (var c = ds.getConnection(); var st = c.createStatement()) {
            st.execute("INSERT INTO messages (project, sender, body, created_at) VALUES ('/p', 'Ann', 'an old note about kittens', 1000)");
            st.execute("INSERT INTO feed (project, at, actor, kind, target, detail) VALUES ('/p', 2000, 'Ann', 'task.done', 'task-3', 'kittens fed')");
            st.execute("INSERT INTO feed (project, at, actor, kind, target, detail) VALUES ('/p', 3000, 'Ann', 'message', 'Ben', 'kittens preview')");
        }
        Path root = Files.createDirectories(tmp.resolve("p"));
        try (Store store = Store.openSqlite(file)) {
            LocalMeshApi.create(store, Project.locate(root));
            Timeline t = new Timeline(store, "/p");
            assertThat(t.search("kittens", null, null, null, null, 20)).extracting(TimelineHit::kind, TimelineHit::ref, TimelineHit::at)
                    .containsExactly(tuple("feed", "1", 2000L), tuple("message", "1", 1000L));
            try (var c = ds.getConnection(); var st = c.createStatement()) {
                st.execute("DELETE FROM messages WHERE id = 1");
                st.execute("DELETE FROM feed WHERE id = 1");
            }
            assertThat(t.search("kittens", null, null, null, null, 20)).as("retention deletes them from the index too").isEmpty();
        }
    }

    @Test
    void timesAreIsoOrEpochMilliseconds() {
        assertThat(Timeline.parseTime("since", "2026-05-01T12:00:00Z")).isEqualTo(1_777_636_800_000L);
        assertThat(Timeline.parseTime("since", "2026-05-01T14:00:00+02:00")).isEqualTo(1_777_636_800_000L);
        assertThat(Timeline.parseTime("since", "2026-05-01T12:00")).as("naive is UTC").isEqualTo(1_777_636_800_000L);
        assertThat(Timeline.parseTime("since", "2026-05-01")).isEqualTo(1_777_593_600_000L);
        assertThat(Timeline.parseTime("until", " 1777636800000 ")).isEqualTo(1_777_636_800_000L);
    }
}
