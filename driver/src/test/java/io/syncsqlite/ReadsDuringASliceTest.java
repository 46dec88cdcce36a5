package io.syncsqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.Function;

/**
 * Auto-commit reads never wait for a running engine slice, as WAL readers never wait for a writer; and a connection
 * whose read began during the slice and then writes while that read is still open is not failed by the slice's commit
 * (the slice gives way). The slice is held open at will: the table's CHECK calls a function that, on the engine's
 * connection only, waits for the test.
 */
class ReadsDuringASliceTest {
    @TempDir
    Path dir;

    /** The engine connection's {@code slice_probe(v)}: the first call after {@link #arm} waits until {@link #release}. */
    private static final class HeldSlice extends Function {
        final AtomicBoolean armed = new AtomicBoolean();
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch released = new CountDownLatch(1);
        final AtomicInteger calls = new AtomicInteger();

        @Override
        protected void xFunc() throws SQLException {
            calls.incrementAndGet();
            if (armed.compareAndSet(true, false)) {
                entered.countDown();
                try {
                    released.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            result(1);
        }
    }

    /** Always true, for the application connections' own statements. */
    private static final class Yes extends Function {
        @Override
        protected void xFunc() throws SQLException {
            result(1);
        }
    }

    private static final String TABLE = "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT CHECK (slice_probe(v)))";

    private String url(String file, String ns) {
        return "jdbc:syncsqlite:" + dir.resolve(file) + "?sync.transport=memory&sync.namespace=" + ns + "&sync.interval=1h";
    }

    /** Replica a (slice held by {@code held}) and a peer that has published one row of {@code t}; returns a's connections. */
    private Connection[] replicas(String ns, HeldSlice held) throws SQLException {
        Connection peer = DriverManager.getConnection(url("peer.db", ns));
        Function.create((org.sqlite.SQLiteConnection) peer, "slice_probe", new Yes());
        exec(peer, TABLE, "INSERT INTO t VALUES (1, 'from the peer')");
        peer.unwrap(SyncConnection.class).syncNow();
        Connection app = DriverManager.getConnection(url("a.db", ns));
        Connection control = DriverManager.getConnection(url("a.db", ns));
        control.unwrap(SyncConnection.class).onEngineConnection(c -> Function.create(c, "slice_probe", held));
        Function.create((org.sqlite.SQLiteConnection) app, "slice_probe", new Yes()); // the engine keeps its own (registered first)
        exec(app, TABLE, "CREATE TABLE r(id INTEGER PRIMARY KEY, v TEXT)",
                "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 10) INSERT INTO r SELECT i, 'r' || i FROM k");
        return new Connection[] {peer, app, control};
    }

    /** Starts a round on a's engine and returns once it is inside the slice that applies the peer's row. */
    private static CompletableFuture<SyncResult> heldSlice(Connection control, HeldSlice held) throws InterruptedException {
        held.armed.set(true);
        CompletableFuture<SyncResult> round = CompletableFuture.supplyAsync(() -> {
            try {
                return control.unwrap(SyncConnection.class).syncNow();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(held.entered.await(30, TimeUnit.SECONDS), "the engine did not reach the slice that applies the peer's row");
        return round;
    }

    @Test
    void autoCommitReadsGoOnWhileASliceRuns() throws Exception {
        HeldSlice held = new HeldSlice();
        Connection[] c = replicas("reads-" + System.nanoTime(), held);
        try (Connection peer = c[0]; Connection app = c[1]; Connection control = c[2]) {
            CompletableFuture<SyncResult> round = heldSlice(control, held);
            try {
                CompletableFuture<Integer> reads = CompletableFuture.supplyAsync(() -> {
                    try (PreparedStatement point = app.prepareStatement("SELECT v FROM r WHERE id = ?"); Statement s = app.createStatement()) {
                        int n = 0;
                        for (int i = 1; i <= 10; i++) {
                            point.setInt(1, i);
                            try (ResultSet rs = point.executeQuery()) {
                                if (rs.next()) n++;
                            }
                        }
                        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM t")) { // the slice's row is not committed yet
                            rs.next();
                            assertEquals(0, rs.getInt(1));
                        }
                        return n;
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                });
                // generous: the reads take milliseconds; before, each waited for the slice (here: until released)
                assertEquals(10, reads.get(20, TimeUnit.SECONDS), "reads while the engine's slice runs");
                assertFalse(round.isDone(), "the slice still runs");
            } finally {
                held.released.countDown();
            }
            assertTrue(round.get(60, TimeUnit.SECONDS).applied() > 0, "the round applies the peer's row");
            assertEquals(1, count(app, "SELECT count(*) FROM t"));
        }
    }

    @Test
    void aWriteOnAConnectionWhoseReadBeganDuringTheSliceGoesFirst() throws Exception {
        writeWhileIterating("give-way", app -> app.createStatement().executeQuery("SELECT id FROM r ORDER BY id"), 10);
    }

    /** As a query's, a metadata result set's snapshot is held while it is iterated: the slice gives way to it too. */
    @Test
    void aWriteOnAConnectionIteratingMetadataOpenedDuringTheSliceGoesFirst() throws Exception {
        writeWhileIterating("metadata", app -> app.getMetaData().getTables(null, null, "%", null), 3); // t, r and sqlite_sequence
    }

    /** How a test opens the result set it iterates on the application's connection. */
    @FunctionalInterface
    private interface Opener {
        ResultSet open(Connection app) throws SQLException;
    }

    /**
     * Opens a result set on the application's connection while a slice runs, reads its first row, writes on that
     * connection while it is still open, then reads its remaining rows ({@code rows} in all).
     */
    private void writeWhileIterating(String name, Opener opener, int rows) throws Exception {
        HeldSlice held = new HeldSlice();
        Connection[] c = replicas(name + "-" + System.nanoTime(), held);
        try (Connection peer = c[0]; Connection app = c[1]; Connection control = c[2];
             PreparedStatement update = app.prepareStatement("UPDATE r SET v = ? WHERE id = ?")) {
            CompletableFuture<SyncResult> round = heldSlice(control, held);
            CompletableFuture<Integer> write;
            try (ResultSet rs = opener.open(app)) {
                assertTrue(rs.next()); // a result set being iterated, opened while the slice runs: its snapshot predates the commit
                write = CompletableFuture.supplyAsync(() -> {
                    try {
                        update.setString(1, "written while iterating");
                        update.setInt(2, 1);
                        return update.executeUpdate(); // plain SQLite, sole writer: never fails
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                });
                held.released.countDown();
                assertEquals(1, write.get(30, TimeUnit.SECONDS), "the write on the iterating connection");
                int seen = 1;
                while (rs.next()) seen++;
                assertEquals(rows, seen);
            } finally {
                held.released.countDown();
            }
            assertTrue(round.get(60, TimeUnit.SECONDS).applied() > 0, "the slice ran again and applied the peer's row");
            assertTrue(held.calls.get() >= 2, "the slice gave way once and ran again: slice_probe calls " + held.calls.get());
            assertEquals(1, count(app, "SELECT count(*) FROM t"));
            assertEquals(1, count(app, "SELECT count(*) FROM r WHERE v = 'written while iterating'"));
        }
    }

    private static int count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static void exec(Connection c, String... sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String q : sql) s.execute(q);
        }
    }
}
