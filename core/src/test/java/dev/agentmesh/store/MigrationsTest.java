package dev.agentmesh.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The cheap "schema is current" check must know the newest migration, and a reopened store is not re-migrated. */
class MigrationsTest {

    @Test
    void latestVersionMatchesTheNewestMigrationFile() throws Exception {
        Path dir = Path.of(Store.class.getResource("/db/migration").toURI());
        Pattern v = Pattern.compile("V(\\d+)__.*\\.sql");
        int newest;
        try (var files = Files.list(dir)) {
            newest = files.map(p -> v.matcher(p.getFileName().toString())).filter(Matcher::matches)
                    .mapToInt(m -> Integer.parseInt(m.group(1))).max().orElse(-1);
        }
        assertThat(Store.Migrations.LATEST).isEqualTo(newest);
    }

    @Test
    void aStoreOpensMigratedAndReopensAtTheSameVersion(@TempDir Path tmp) throws Exception {
        Store.openSqlite(tmp.resolve("a/b/mesh.db")).close();
        var ds = new org.sqlite.SQLiteDataSource();
        ds.setUrl("jdbc:sqlite:" + tmp.resolve("a/b/mesh.db"));
        assertThat(Store.Migrations.current(ds)).isEqualTo(Store.Migrations.LATEST);
        try (var c = ds.getConnection(); var st = c.createStatement()) {
            st.execute("INSERT INTO feed (project, at, kind) VALUES ('p', 1, 'probe')");
        }
        Store.openSqlite(tmp.resolve("a/b/mesh.db")).close();
        try (var c = ds.getConnection(); var st = c.createStatement();
             var rs = st.executeQuery("SELECT COUNT(*) FROM flyway_schema_history")) {
            rs.next();
            assertThat(rs.getInt(1)).as("reopening does not migrate again: one history row per migration").isEqualTo(Store.Migrations.LATEST);
        }
    }
}
