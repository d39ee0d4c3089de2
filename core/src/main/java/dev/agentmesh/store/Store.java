package dev.agentmesh.store;

import dev.agentmesh.MeshException;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * The store: every state that matters is a row, changed in a transaction. Wraps an embedded SQLite file
 * (WAL journal, 30 s busy timeout, every transaction begun IMMEDIATE so concurrent writers in several
 * processes queue instead of failing on a lock upgrade) migrated by Flyway on open. Connections are pooled (HikariCP, at most 4
 * a process), as opening a SQLite connection for each transaction costs more than the transaction.
 *
 * <p>All SQL lives in this package; services see only {@link StoreTx} and its tables, so another database
 * (PostgreSQL, DESIGN.md) can follow without touching them. Thread-safe; one instance per process is enough.
 */
public final class Store implements AutoCloseable {

    /** How long a writer waits for another process's write lock before failing, in milliseconds. */
    public static final int BUSY_TIMEOUT_MS = 30_000;

    private final Jdbi jdbi;
    private final String location;

    private final HikariDataSource pool;

    private Store(Jdbi jdbi, String location, HikariDataSource pool) {
        this.jdbi = jdbi;
        this.location = location;
        this.pool = pool;
    }

    /**
     * Opens (creating and migrating when needed) the SQLite store at {@code file}.
     *
     * @param file the database file; its parent folders are created
     * @return the open store
     * @throws MeshException (unexpected state) if the file cannot be created, opened or migrated
     */
    public static Store openSqlite(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        try {
            if (abs.getParent() != null) {
                Files.createDirectories(abs.getParent());
            }
        } catch (Exception e) {
            throw MeshException.unexpectedState("cannot create the folder of the store " + abs + ": " + e.getMessage(), e);
        }
        if (Files.isDirectory(abs)) {
            throw MeshException.invalidInput("the store " + abs + " is a folder; MESH_STORE must name a database file");
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        config.setBusyTimeout(BUSY_TIMEOUT_MS);
        config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        config.enforceForeignKeys(true);
        SQLiteDataSource ds = new SQLiteDataSource(config);
        ds.setUrl("jdbc:sqlite:" + abs);
        try {
            Migrations.apply(ds, abs.toString());
        } catch (MeshException e) {
            throw e;
        } catch (Exception e) {
            throw MeshException.unexpectedState("cannot open the store " + abs + ": " + rootMessage(e), e);
        }
        HikariConfig pool = new HikariConfig();
        pool.setDataSource(ds);
        pool.setPoolName("mesh-store");
        pool.setMaximumPoolSize(4);
        pool.setMinimumIdle(0);
        pool.setIdleTimeout(30_000);
        pool.setConnectionTimeout(BUSY_TIMEOUT_MS);
        pool.setInitializationFailTimeout(-1);
        HikariDataSource pooled = new HikariDataSource(pool);
        return new Store(Jdbi.create(pooled), abs.toString(), pooled);
    }

    /**
     * Runs {@code work} in one write transaction (serialised with every other writer, across processes) and
     * commits it, or rolls it back if {@code work} throws.
     *
     * @throws MeshException what {@code work} threw, or (unexpected state) if the database fails
     */
    public <T> T write(Function<StoreTx, T> work) {
        return run(work);
    }

    /**
     * Runs {@code work} in a transaction meant for reading; today the same IMMEDIATE transaction as {@link #write}
     * (SQLite's mode is set per connection), kept apart so reads can move to shared transactions later.
     */
    public <T> T read(Function<StoreTx, T> work) {
        return run(work);
    }

    private <T> T run(Function<StoreTx, T> work) {
        try {
            return jdbi.inTransaction(TransactionIsolationLevel.SERIALIZABLE, (Handle h) -> work.apply(new StoreTx(h)));
        } catch (MeshException e) {
            throw e;
        } catch (RuntimeException e) {
            Throwable cause = e;
            while (cause.getCause() != null && !(cause instanceof MeshException)) {
                cause = cause.getCause();
            }
            if (cause instanceof MeshException me) {
                throw me;
            }
            throw MeshException.unexpectedState("store " + location + " failed: " + rootMessage(e), e);
        }
    }

    /** Closes the pooled connections; the store must not be used afterwards. */
    @Override
    public void close() {
        pool.close();
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
    }

    /** Flyway wrapper; skipped cheaply when the schema is current, as every CLI call opens the store. */
    static final class Migrations {
        private Migrations() {
        }

        /** The highest migration version under {@code db/migration}; a test keeps it in step with the files. */
        static final int LATEST = 1;

        static void apply(SQLiteDataSource ds, String where) throws java.sql.SQLException {
            if (current(ds) == LATEST) {
                return;
            }
            Flyway.configure()
                    .dataSource(ds)
                    .locations("classpath:db/migration")
                    .loggers("slf4j")
                    .load()
                    .migrate();
        }

        /** @return the schema version recorded by Flyway, or -1 when the store is new */
        static int current(SQLiteDataSource ds) throws java.sql.SQLException {
            try (var c = ds.getConnection(); var st = c.createStatement()) {
                try (var rs = st.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'flyway_schema_history'")) {
                    if (!rs.next()) {
                        return -1;
                    }
                }
                try (var rs = st.executeQuery("SELECT MAX(CAST(version AS INTEGER)) FROM flyway_schema_history WHERE success = 1")) {
                    return rs.next() ? rs.getInt(1) : -1;
                }
            }
        }
    }
}
