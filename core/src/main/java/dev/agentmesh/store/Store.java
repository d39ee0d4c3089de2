package dev.agentmesh.store;

import dev.agentmesh.MeshException;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.SQLException;
import java.util.function.Function;

/**
 * The store: every state that matters is a row, changed in a transaction. Wraps an embedded SQLite file (WAL
 * journal, 30 s busy timeout) migrated by Flyway on open.
 *
 * <p>Writes go through one {@link GroupCommitWriter} per store: concurrent {@link #write} calls are batched into
 * one {@code BEGIN IMMEDIATE} transaction (a savepoint each, so a failing unit rolls back alone) and each caller
 * returns after its batch commits. Reads run in {@code BEGIN DEFERRED} transactions on a pool of
 * {@code query_only} connections: in WAL mode they read a snapshot and never take the write lock. Transactions
 * are begun explicitly on autocommit connections (the driver's own transaction handling takes the lock twice).
 *
 * <p>Units of work must be pure database work (no I/O, no waiting): they run on the writer thread, inside a
 * transaction that other callers share. Files and folders the store creates are 0600/0700. Thread-safe; one
 * instance per process and store file.
 */
public final class Store implements AutoCloseable {

    /** How long a writer waits for another process's write lock before failing, in milliseconds. */
    public static final int BUSY_TIMEOUT_MS = 30_000;

    private final String location;
    private final HikariDataSource readers;
    private final Jdbi readJdbi;
    private final GroupCommitWriter writer;
    private final Notifier notifier = new Notifier();

    private Store(String location, HikariDataSource readers, Jdbi writeJdbi) {
        this.location = location;
        this.readers = readers;
        this.readJdbi = Jdbi.create(readers);
        this.writer = new GroupCommitWriter(writeJdbi, location, notifier);
    }

    /**
     * Opens (creating and migrating when needed) the SQLite store at {@code file}.
     *
     * @param file the database file; its parent folders are created (0700 when new)
     * @return the open store
     * @throws MeshException (invalid input) if {@code file} is a folder or an existing file that is not a store;
     *                       (unexpected state) if it cannot be created, opened or migrated
     */
    public static Store openSqlite(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        if (Files.isDirectory(abs)) {
            throw MeshException.invalidInput("the store " + abs + " is a folder; MESH_STORE must name a database file");
        }
        prepareFile(abs);
        SQLiteDataSource writeDs = dataSource(abs);
        try {
            Migrations.apply(writeDs);
        } catch (MeshException e) {
            throw e;
        } catch (Exception e) {
            throw MeshException.unexpectedState("cannot open the store " + abs + ": " + rootMessage(e), e);
        }
        HikariConfig pool = new HikariConfig();
        pool.setDataSource(dataSource(abs));
        pool.setPoolName("mesh-store-readers");
        pool.setMaximumPoolSize(4);
        pool.setMinimumIdle(0);
        pool.setIdleTimeout(30_000);
        pool.setConnectionTimeout(BUSY_TIMEOUT_MS);
        pool.setInitializationFailTimeout(-1);
        pool.setAutoCommit(true);
        pool.setConnectionInitSql("PRAGMA query_only = 1");
        return new Store(abs.toString(), new HikariDataSource(pool), Jdbi.create(writeDs));
    }

    /**
     * Runs {@code work} in a write transaction, batched with other writers of this process, and returns once it
     * committed; rolls back only {@code work}'s changes if it throws. A write called from inside a unit joins the
     * unit's transaction.
     *
     * @throws MeshException what {@code work} threw, or (unexpected state) if the database fails
     */
    public <T> T write(Function<StoreTx, T> work) {
        return writer.submit(work);
    }

    /**
     * Runs {@code work} in a read transaction: a consistent snapshot that takes no write lock. Inside a unit of
     * {@link #write} it reads that unit's transaction instead.
     *
     * @throws MeshException what {@code work} threw, or (unexpected state) if the database fails
     */
    public <T> T read(Function<StoreTx, T> work) {
        if (writer.onWriterThread()) {
            return writer.submit(work);
        }
        try (Handle h = readJdbi.open()) {
            h.execute("BEGIN DEFERRED");
            try {
                return work.apply(new StoreTx(h, true, notifier));
            } finally {
                h.execute("ROLLBACK");
            }
        } catch (RuntimeException e) {
            throw translate(e, location);
        }
    }

    /** @return the in-memory wake-up of this store's waiters, signalled after commits */
    public Notifier notifier() {
        return notifier;
    }

    /** Stops the writer (after the queued units) and closes the connections; the store must not be used afterwards. */
    @Override
    public void close() {
        writer.close();
        readers.close();
    }

    static MeshException translate(RuntimeException e, String location) {
        if (e instanceof MeshException me) {
            return me;
        }
        Throwable cause = e;
        while (cause.getCause() != null && !(cause instanceof MeshException)) {
            cause = cause.getCause();
        }
        if (cause instanceof MeshException me) {
            return me;
        }
        return MeshException.unexpectedState("store " + location + " failed: " + rootMessage(e), e);
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
    }

    private static SQLiteDataSource dataSource(Path abs) {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        config.setBusyTimeout(BUSY_TIMEOUT_MS);
        config.enforceForeignKeys(true);
        SQLiteDataSource ds = new SQLiteDataSource(config);
        ds.setUrl("jdbc:sqlite:" + abs);
        return ds;
    }

    /** Creates the folder (0700) and an empty file (0600); SQLite gives its -wal and -shm files the file's mode. */
    private static void prepareFile(Path abs) {
        try {
            Path dir = abs.getParent();
            if (dir != null && !Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            if (!Files.exists(abs)) {
                Files.createFile(abs, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } else if (Files.size(abs) > 0 && !isSqlite(abs)) {
                throw MeshException.invalidInput("the store " + abs + " exists and is not an SQLite database; "
                        + "MESH_STORE must name a store file or a new path");
            }
        } catch (MeshException e) {
            throw e;
        } catch (java.nio.file.FileAlreadyExistsException e) {
            // another process created it at the same moment: fine
        } catch (Exception e) {
            throw MeshException.unexpectedState("cannot create the store " + abs + ": " + e.getMessage(), e);
        }
    }

    private static boolean isSqlite(Path abs) throws java.io.IOException {
        byte[] head = new byte[16];
        try (var in = Files.newInputStream(abs)) {
            return in.readNBytes(head, 0, 16) == 16 && new String(head, java.nio.charset.StandardCharsets.ISO_8859_1).equals("SQLite format 3\0");
        }
    }

    /** Flyway wrapper; skipped cheaply when the schema is current, as every CLI call opens the store. */
    static final class Migrations {
        private Migrations() {
        }

        /** The highest migration version under {@code db/migration}; a test keeps it in step with the files. */
        static final int LATEST = 14;

        static void apply(SQLiteDataSource ds) throws SQLException {
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
        static int current(SQLiteDataSource ds) throws SQLException {
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
