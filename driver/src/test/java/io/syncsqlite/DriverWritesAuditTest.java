package io.syncsqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncsqlite.engine.LogRecords;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every write of the driver to the file goes through the write gate: the gate audits each commit on a connection of
 * the driver's own and logs one outside a slice's guarded commit as a warning. Each test runs a path that writes (the
 * instrumentation after the application's DDL, a schema another tool changed, the metadata {@code siteId()} creates,
 * the way-out calls, metadata result sets, the engine applying a peer's rows) while an application thread runs
 * read-then-write transactions, the shape SQLite fails with {@code SQLITE_BUSY_SNAPSHOT} when someone else commits
 * between its read and its write. The application is the only writer of its own data (its DDL waits for its
 * transactions, as an application serialises its own writers): any failure is the driver's.
 */
class DriverWritesAuditTest {
    @TempDir
    Path dir;
    /** What the test thread is doing, for the failures' messages. */
    private volatile String doing = "";

    /** The application's own writers: its read-then-write transactions, and its DDL, never overlap. */
    private final ReadWriteLock appWrites = new ReentrantReadWriteLock(true);

    @Test
    void instrumentationAfterTheApplicationsDdlAndAnotherToolsSchema() throws Exception {
        String url = url("ddl");
        try (Connection app = DriverManager.getConnection(url); Connection control = DriverManager.getConnection(url);
             LogRecords audit = LogRecords.of("io.syncsqlite.engine.WriteGate")) {
            exec(app, "CREATE TABLE t(id INTEGER PRIMARY KEY, v INTEGER)", "INSERT INTO t VALUES (1, 0)");
            SyncConnection sync = control.unwrap(SyncConnection.class);
            sync.syncNow();
            Transactions tx = readThenWrite(url);
            try {
                for (int i = 0; i < 3; i++) {
                    int n = i;
                    appDdl(control, "CREATE TABLE a" + i + "(id INTEGER PRIMARY KEY, v TEXT)");
                    appDdl(control, "ALTER TABLE a" + i + " ADD COLUMN w TEXT");
                    appDdl(control, "CREATE INDEX a" + i + "_v ON a" + i + "(v)");
                    appDdl(control, "CREATE TABLE b" + i + "(id INTEGER PRIMARY KEY, v TEXT); CREATE TABLE c" + i + "(id INTEGER PRIMARY KEY)"); // a script
                    asAppWriter(() -> { // a batch
                        try (Statement s = control.createStatement()) {
                            s.addBatch("CREATE TABLE d" + n + "(id INTEGER PRIMARY KEY, v TEXT)");
                            s.addBatch("CREATE TABLE e" + n + "(id INTEGER PRIMARY KEY, v TEXT)");
                            s.executeBatch();
                        }
                    });
                    asAppWriter(() -> { // a migration in a transaction
                        control.setAutoCommit(false);
                        exec(control, "CREATE TABLE m" + n + "(id INTEGER PRIMARY KEY, v TEXT)");
                        control.commit();
                        control.setAutoCommit(true);
                    });
                    asAppWriter(() -> { // the sqlite3 shell
                        try (Connection tool = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("ddl.db"))) {
                            exec(tool, "CREATE TABLE o" + n + "(id INTEGER PRIMARY KEY, v TEXT)");
                        }
                    });
                    sync.syncNow(); // instruments the other tool's table
                    try (Connection another = DriverManager.getConnection(url)) { // a new connection after another tool's DDL
                        exec(another, "SELECT 1");
                    }
                }
            } finally {
                tx.stop();
            }
            tx.assertNoneFailed();
            assertEquals(List.of(), audit.at(Level.WARNING), "the driver committed outside the write gate");
        }
    }

    @Test
    void siteIdCreatingTheMetadata() throws Exception {
        String url = url("site");
        try (Connection app = DriverManager.getConnection(url); Connection control = DriverManager.getConnection(url);
             LogRecords audit = LogRecords.of("io.syncsqlite.engine.WriteGate")) {
            exec(app, "CREATE TABLE t(id INTEGER, v INTEGER)", "INSERT INTO t VALUES (1, 0)"); // no PRIMARY KEY: no metadata yet
            Transactions tx = readThenWrite(url);
            try {
                tx.awaitSome();
                assertTrue(control.unwrap(SyncConnection.class).siteId().length() > 0);
                tx.awaitSome();
            } finally {
                tx.stop();
            }
            tx.assertNoneFailed();
            assertEquals(List.of(), audit.at(Level.WARNING), "the driver committed outside the write gate");
        }
    }

    @Test
    void wayOutCallsMetadataAndTheEngineApplyingAPeersRows() throws Exception {
        String ns = "peer-" + System.nanoTime();
        String url = url("calls", ns);
        try (Connection app = DriverManager.getConnection(url); Connection control = DriverManager.getConnection(url);
             Connection peer = DriverManager.getConnection(url("calls-peer", ns));
             LogRecords audit = LogRecords.of("io.syncsqlite.engine.WriteGate")) {
            exec(app, "CREATE TABLE t(id INTEGER PRIMARY KEY, v INTEGER)", "INSERT INTO t VALUES (1, 0)");
            exec(peer, "CREATE TABLE t(id INTEGER PRIMARY KEY, v INTEGER)", "CREATE TABLE feed(id INTEGER PRIMARY KEY, v TEXT)");
            exec(app, "CREATE TABLE feed(id INTEGER PRIMARY KEY, v TEXT)");
            SyncConnection sync = control.unwrap(SyncConnection.class);
            Transactions tx = readThenWrite(url);
            try {
                for (int i = 0; i < 10; i++) {
                    exec(peer, "INSERT INTO feed(v) SELECT 'remote' FROM (WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < 200) SELECT k FROM n)");
                    doing = "the peer syncNow";
                    peer.unwrap(SyncConnection.class).syncNow();
                    doing = "syncNow";
                    sync.syncNow(); // the engine applies the peer's rows
                    doing = "retryPending";
                    sync.retryPending();
                    doing = "discardPending";
                    sync.discardPending("t", List.of(999));
                    doing = "retryDeadLetter";
                    sync.retryDeadLetter(999);
                    doing = "discardDeadLetter";
                    sync.discardDeadLetter(999);
                    doing = "discardConflict";
                    sync.discardConflict(999);
                    doing = "getTables";
                    try (ResultSet rs = control.getMetaData().getTables(null, null, "%", null)) {
                        while (rs.next()) tx.awaitSome(); // a metadata result set open while the application writes
                    }
                    doing = "compact";
                    if (i % 5 == 0) sync.compact();
                }
            } finally {
                tx.stop();
            }
            tx.assertNoneFailed();
            assertEquals(List.of(), audit.at(Level.WARNING), "the driver committed outside the write gate");
        }
    }

    private String url(String name) {
        return url(name, name + "-" + System.nanoTime());
    }

    private String url(String name, String ns) {
        return "jdbc:syncsqlite:" + dir.resolve(name + ".db") + "?sync.transport=memory&sync.namespace=" + ns + "&sync.interval=20ms";
    }

    /** The application's DDL in auto-commit mode, as one of its writers. */
    private void appDdl(Connection c, String sql) throws SQLException {
        asAppWriter(() -> {
            try (Statement s = c.createStatement()) {
                s.executeUpdate(sql);
            }
        });
    }

    /** Runs {@code work} as one of the application's writers, never during one of its transactions. */
    private void asAppWriter(SqlRunnable work) throws SQLException {
        appWrites.writeLock().lock();
        try {
            work.run();
        } finally {
            appWrites.writeLock().unlock();
        }
    }

    @FunctionalInterface
    private interface SqlRunnable {
        void run() throws SQLException;
    }

    /** Read-then-write transactions on row 1 of {@code t} on a thread of their own, until stopped. */
    private Transactions readThenWrite(String url) throws SQLException {
        return new Transactions(DriverManager.getConnection(url));
    }

    private final class Transactions {
        private final Connection c;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicInteger done = new AtomicInteger();
        private final List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final CompletableFuture<Void> loop;

        Transactions(Connection c) {
            this.c = c;
            this.loop = CompletableFuture.runAsync(this::run);
        }

        private void run() {
            try (c) {
                c.setAutoCommit(false);
                while (running.get()) {
                    appWrites.readLock().lock();
                    try (PreparedStatement read = c.prepareStatement("SELECT v FROM t WHERE id = 1");
                         PreparedStatement write = c.prepareStatement("UPDATE t SET v = ? WHERE id = 1")) {
                        long v;
                        try (ResultSet rs = read.executeQuery()) {
                            rs.next();
                            v = rs.getLong(1);
                        }
                        write.setLong(1, v + 1);
                        write.executeUpdate();
                        c.commit();
                        done.incrementAndGet();
                        Thread.sleep(1); // an application between requests: the engine gets its turn without waiting out its patience
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    } catch (SQLException e) {
                        failures.add("during " + doing + ": " + e.getMessage());
                        try {
                            c.rollback();
                        } catch (SQLException ignored) {
                            // the failure above is what the test reports
                        }
                    } finally {
                        appWrites.readLock().unlock();
                    }
                }
            } catch (SQLException e) {
                failures.add(e.getMessage());
            }
        }

        /** Waits until a few more transactions committed. */
        void awaitSome() throws InterruptedException {
            int target = done.get() + 3;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (done.get() < target && failures.isEmpty() && System.nanoTime() < deadline) Thread.sleep(1);
        }

        void stop() throws Exception {
            running.set(false);
            loop.get(60, TimeUnit.SECONDS);
        }

        void assertNoneFailed() {
            assertEquals(new ArrayList<String>(), new ArrayList<>(failures), "read-then-write transactions failed (" + done.get() + " committed)");
            assertTrue(done.get() > 0, "no transaction ran");
        }
    }

    private static void exec(Connection c, String... sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String q : sql) s.execute(q);
        }
    }
}
