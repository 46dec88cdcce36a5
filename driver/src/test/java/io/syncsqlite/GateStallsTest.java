package io.syncsqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The write gate never stalls an application's statements: not behind an engine that waits for a long reader (which
 * delays the engine alone), nor behind an engine that waits for SQLite's write lock held by another connection. The
 * bounds are far above the targets (the bench measures those) and far below what the stalls cost.
 */
class GateStallsTest {
    private static final long MEASURE_MILLIS = 1500;

    @TempDir
    Path dir;

    private Connection open(String ns) throws SQLException {
        return DriverManager.getConnection("jdbc:syncsqlite:" + dir.resolve("gate.db") + "?sync.transport=memory&sync.namespace=" + ns + "&sync.interval=1h");
    }

    @Test
    void aLongReaderDelaysOnlyTheEngine() throws Exception {
        behindALongReader(true);
    }

    /** An auto-commit result set left open (not exhausted, not closed) holds the file as a read transaction does. */
    @Test
    void anOpenResultSetDelaysOnlyTheEngine() throws Exception {
        behindALongReader(false);
    }

    /**
     * A reader keeps the file ({@code transaction}: a read transaction, as a report or a session across a slow call
     * does; else an auto-commit result set it left open) while the engine has something to publish: statements on other
     * threads go on as on plain SQLite.
     */
    private void behindALongReader(boolean transaction) throws Exception {
        String ns = "gate-reader-" + System.nanoTime();
        try (Connection app = open(ns); Connection reader = open(ns); Connection control = open(ns)) {
            exec(app, "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)", "INSERT INTO t VALUES (1, 'a')", "INSERT INTO t VALUES (2, 'a')");
            SyncConnection sync = control.unwrap(SyncConnection.class);
            sync.syncNow();
            exec(app, "UPDATE t SET v = 'b' WHERE id = 1"); // something to publish: the round's write waits at the gate
            reader.setAutoCommit(!transaction);
            try (Statement s = reader.createStatement(); ResultSet rs = s.executeQuery("SELECT id FROM t ORDER BY id")) {
                rs.next(); // one of two rows read: the result set is open
                CompletableFuture<SyncResult> round = startedRound(sync);
                List<Long> micros = onAnotherThread(app); // the reader's thread holds the file already, so would not wait
                assertTrue(micros.size() > 100, "statements in " + MEASURE_MILLIS + " ms: " + micros.size() + " (stalled: ~30)");
                assertTrue(median(micros) < 25_000, "median point SELECT " + median(micros) + " µs (stalled behind the waiting engine: ~50,000)");
                assertTrue(!round.isDone(), "the engine waits for the reader");
                if (transaction) reader.rollback();
                else rs.close();
                assertEquals(1, round.get(60, TimeUnit.SECONDS).pushed(), "once the reader is done the engine goes on");
            }
        }
    }

    @Test
    void anEngineWaitingForSqlitesLockHoldsNoStatementUp() throws Exception {
        String ns = "gate-lock-" + System.nanoTime();
        try (Connection app = open(ns); Connection control = open(ns);
             Connection other = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("gate.db"))) {
            exec(app, "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)", "INSERT INTO t VALUES (1, 'a')");
            SyncConnection sync = control.unwrap(SyncConnection.class);
            sync.syncNow();
            exec(app, "UPDATE t SET v = 'b' WHERE id = 1");
            exec(other, "BEGIN IMMEDIATE", "UPDATE t SET v = 'c' WHERE id = 2"); // another writer (the sqlite3 shell, another process) holds the lock
            CompletableFuture<SyncResult> round = startedRound(sync);
            List<Long> micros = pointSelects(app);
            exec(other, "COMMIT");
            assertTrue(Collections.max(micros) < 750_000, "slowest point SELECT " + Collections.max(micros) + " µs (behind an engine that waits"
                    + " for the lock inside the gate: the whole " + MEASURE_MILLIS + " ms)");
            assertTrue(micros.size() > 60, "statements in " + MEASURE_MILLIS + " ms: " + micros.size());
            assertEquals(1, round.get(60, TimeUnit.SECONDS).pushed(), "once the lock is free the engine goes on");
        }
    }

    /**
     * A connection with {@code transaction_mode=IMMEDIATE} and auto-commit off holds SQLite's write lock from its
     * {@code BEGIN IMMEDIATE} on, and xerial begins the next transaction inside {@code commit()}: it holds the lock across
     * its commits. An engine waiting for that lock holds no statement up (it waited inside the gate, up to its 30 s busy
     * timeout, and every statement of the application with it).
     */
    @Test
    void anImmediateConnectionHoldingTheLockAcrossItsCommitsHoldsNoStatementUp() throws Exception {
        String ns = "gate-immediate-" + System.nanoTime();
        try (Connection app = open(ns); Connection control = open(ns);
             Connection immediate = DriverManager.getConnection("jdbc:syncsqlite:" + dir.resolve("gate.db") + "?transaction_mode=IMMEDIATE")) {
            exec(app, "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)", "INSERT INTO t VALUES (1, 'a')");
            SyncConnection sync = control.unwrap(SyncConnection.class);
            sync.syncNow();
            exec(app, "UPDATE t SET v = 'b' WHERE id = 1");
            immediate.setAutoCommit(false); // BEGIN IMMEDIATE: the write lock is held from here
            exec(immediate, "UPDATE t SET v = 'c' WHERE id = 2");
            CompletableFuture<SyncResult> round = startedRound(sync);
            List<Long> micros = pointSelects(app);
            immediate.commit(); // and BEGIN IMMEDIATE again at once
            micros.addAll(pointSelects(app));
            immediate.setAutoCommit(true); // the lock is free
            assertTrue(Collections.max(micros) < 750_000, "slowest point SELECT " + Collections.max(micros) + " µs (behind an engine that waits"
                    + " for the lock inside the gate: the whole " + MEASURE_MILLIS + " ms)");
            assertTrue(micros.size() > 120, "statements in " + 2 * MEASURE_MILLIS + " ms: " + micros.size());
            assertEquals(1, round.get(60, TimeUnit.SECONDS).pushed(), "once the lock is free the engine goes on");
        }
    }

    /**
     * Asks for a round on another thread and returns once the engine has started it (its STARTED event): the round then
     * soon waits, at the gate or for the lock.
     */
    private static CompletableFuture<SyncResult> startedRound(SyncConnection sync) throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        SyncListener onStart = e -> {
            if (e.type() == SyncEvent.Type.STARTED) started.countDown();
        };
        sync.addListener(onStart);
        CompletableFuture<SyncResult> round = CompletableFuture.supplyAsync(() -> {
            try {
                return sync.syncNow();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(started.await(30, TimeUnit.SECONDS), "the round did not start");
        sync.removeListener(onStart);
        return round;
    }

    private static List<Long> onAnotherThread(Connection c) throws Exception {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return pointSelects(c);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }).get(60, TimeUnit.SECONDS);
    }

    /** Point SELECTs for {@link #MEASURE_MILLIS} on {@code c}, each one's time in microseconds. */
    private static List<Long> pointSelects(Connection c) throws SQLException {
        List<Long> out = new ArrayList<>();
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MEASURE_MILLIS);
        try (PreparedStatement ps = c.prepareStatement("SELECT v FROM t WHERE id = ?")) {
            while (System.nanoTime() < end) {
                long start = System.nanoTime();
                ps.setInt(1, 1);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                }
                out.add((System.nanoTime() - start) / 1000);
            }
        }
        return out;
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    private static void exec(Connection c, String... sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String q : sql) s.execute(q);
        }
    }
}
