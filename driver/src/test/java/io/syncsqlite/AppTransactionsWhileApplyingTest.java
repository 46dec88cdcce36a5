package io.syncsqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10 item 1: what Hibernate does for every entity update — {@code setAutoCommit(false)}, SELECT the row, UPDATE
 * it, commit — while the sync engine applies a peer's batches continuously. On plain SQLite (the application the only
 * writer) none fails; through the driver none may fail either (it was 19–24 % with SQLITE_BUSY_SNAPSHOT), and nothing
 * may be lost: every increment committed, every remote row arrived.
 */
class AppTransactionsWhileApplyingTest {
    private static final int TRANSACTIONS = 2000;
    private static final int ROWS = 20;
    /** No fsync per commit (WAL's usual companion setting), for both drivers: the test is about errors, not disks. */
    private static final String FAST = "&synchronous=NORMAL";

    @TempDir
    Path dir;

    @Test
    void readThenWriteTransactionsOnOneConnection() throws Exception {
        withPeerStreaming("one", url -> {
            try (Connection c = DriverManager.getConnection(url)) {
                return transactions(() -> c, false, 1, TRANSACTIONS, AppTransactionsWhileApplyingTest::readThenWrite);
            }
        });
    }

    /**
     * A pool of 10: one thread does the read-then-write transactions (SQLite has one writer; two deferred transactions
     * that both read then write fail on plain SQLite too) while two others run read transactions on other pooled
     * connections. Plain xerial under the same workload is the reference: no error there either.
     */
    @Test
    void readThenWriteTransactionsOnAPoolOfTen() throws Exception {
        onPlainThenWhileApplying("pool", 10, pool -> withReaders(pool, 2,
                () -> transactions(pool::getConnection, true, 1, TRANSACTIONS, AppTransactionsWhileApplyingTest::readThenWrite)));
    }

    /**
     * Transactions whose first statement writes, from four threads of a pool of four, while the engine applies: each
     * may begin while the engine is in the middle of a slice. On plain SQLite they wait for each other's write lock
     * on the busy timeout, and none fails; through the driver they also wait for the engine's slice (no statement of
     * the driver's reads before theirs, so nothing turns them into read-then-write), and none may fail either. Plain
     * xerial under the same workload is the reference.
     */
    @Test
    void writeFirstTransactionsFromFourThreadsOfAPool() throws Exception {
        onPlainThenWhileApplying("write-first", 4, pool -> transactions(pool::getConnection, true, 4, TRANSACTIONS, AppTransactionsWhileApplyingTest::writeFirst));
    }

    /** A workload on a Hikari pool. */
    interface PoolWork {
        String run(HikariDataSource pool) throws Exception;
    }

    /**
     * Runs {@code work} on a pool of {@code size} over plain xerial first (the reference: no error there), then through
     * the driver while the engine applies a peer's batches.
     */
    private void onPlainThenWhileApplying(String name, int size, PoolWork work) throws Exception {
        Workload pooled = url -> {
            HikariConfig cfg = new HikariConfig();
            cfg.setJdbcUrl(url);
            cfg.setMaximumPoolSize(size);
            try (HikariDataSource pool = new HikariDataSource(cfg)) {
                openAll(pool);
                return work.run(pool);
            }
        };
        // the reference shows the workload runs clean on plain xerial; on a machine loaded far beyond its cores plain
        // xerial itself was seen to fail a read-then-write transaction with SQLITE_BUSY (1 or 2 of 2,000, 3 of ~10
        // runs at load 10-12 on 2 cores, never on an idle machine), so a clean second attempt on a new file counts too
        String plain = null;
        for (int attempt = 0; attempt < 2 && !("errors=0 total=" + TRANSACTIONS).equals(plain); attempt++) {
            String plainUrl = "jdbc:sqlite:" + dir.resolve("plain-" + name + "-" + attempt + ".db") + "?journal_mode=WAL&busy_timeout=30000" + FAST;
            createCounters(plainUrl);
            plain = pooled.run(plainUrl);
        }
        assertEquals("errors=0 total=" + TRANSACTIONS, plain, "plain xerial, the reference");
        withPeerStreaming(name, pooled);
    }

    /**
     * Auto-commit mode, updating each row while a cursor over the rows is open: SQLite keeps the cursor's read snapshot,
     * so an engine commit in between would fail the update just like a read-then-write transaction.
     */
    @Test
    void autoCommitUpdatesWhileACursorIsOpen() throws Exception {
        withPeerStreaming("cursor", (url, applies) -> {
            int errors = 0;
            String first = "";
            int appliesBefore = applies.getAsInt();
            int passes = 0;
            try (Connection c = DriverManager.getConnection(url); Statement scan = c.createStatement();
                 PreparedStatement bump = c.prepareStatement("UPDATE counter SET n = n + 1 WHERE id = ?")) {
                // at least TRANSACTIONS updates, and on until the engine applied a few batches meanwhile (a pass is fast)
                for (; passes < TRANSACTIONS / ROWS || applies.getAsInt() < appliesBefore + 3 && passes < 100 * TRANSACTIONS / ROWS; passes++) {
                    try (ResultSet rs = scan.executeQuery("SELECT id FROM counter ORDER BY id")) {
                        while (rs.next()) {
                            bump.setInt(1, rs.getInt(1));
                            try {
                                bump.executeUpdate();
                            } catch (SQLException e) {
                                if (errors++ == 0) first = " first: " + e.getMessage();
                            }
                        }
                    }
                }
                int lost = passes * ROWS - count(c, "SELECT sum(n) FROM counter");
                return "errors=" + errors + first + " total=" + (lost == 0 ? TRANSACTIONS : "lost " + lost);
            }
        });
    }

    @Test
    void syncNowInsideAnOpenTransactionFailsAtOnceInsteadOfWaitingForItself() throws Exception {
        String ns = "inside-" + System.nanoTime();
        try (Connection c = DriverManager.getConnection("jdbc:syncsqlite:" + dir.resolve("x.db") + "?sync.transport=memory&sync.namespace=" + ns)) {
            Twins.exec(c, "CREATE TABLE t(id INTEGER PRIMARY KEY, v)");
            SyncConnection sync = c.unwrap(SyncConnection.class);
            sync.syncNow();
            c.setAutoCommit(false);
            Twins.exec(c, "UPDATE t SET v = 1");
            long start = System.nanoTime();
            SQLException e = assertThrows(SQLException.class, sync::syncNow);
            assertEquals("25001", e.getSQLState(), e.getMessage());
            assertTrue(System.nanoTime() - start < 5_000_000_000L, "answered at once, not after a busy timeout");
            c.commit();
            c.setAutoCommit(true);
            sync.syncNow(); // and outside the transaction it syncs
        }
    }

    /** Runs an application workload on replica A while replica B streams batches that A's engine applies. */
    interface Workload {
        String run(String url) throws Exception;
    }

    /** A workload that also sees how many batches A's engine applied so far. */
    interface WatchingWorkload {
        String run(String url, java.util.function.IntSupplier applies) throws Exception;
    }

    private void withPeerStreaming(String name, Workload app) throws Exception {
        withPeerStreaming(name, (url, applies) -> app.run(url));
    }

    private void withPeerStreaming(String name, WatchingWorkload app) throws Exception {
        String ns = name + "-" + System.nanoTime();
        String urlA = "jdbc:syncsqlite:" + dir.resolve(name + "-a.db") + "?sync.transport=memory&sync.namespace=" + ns + "&sync.interval=10ms" + FAST;
        String urlB = "jdbc:syncsqlite:" + dir.resolve(name + "-b.db") + "?sync.transport=memory&sync.namespace=" + ns + "&sync.interval=1h" + FAST;
        try (Connection a = DriverManager.getConnection(urlA); Connection b = DriverManager.getConnection(urlB)) {
            createCounters(urlA);
            Twins.exec(a, "CREATE TABLE feed(id INTEGER PRIMARY KEY, v TEXT)");
            Twins.exec(b, "CREATE TABLE feed(id INTEGER PRIMARY KEY, v TEXT)");
            AtomicInteger applied = new AtomicInteger();
            CountDownLatch firstApplied = new CountDownLatch(1);
            a.unwrap(SyncConnection.class).addListener(e -> {
                if (e.type() == SyncEvent.Type.PROGRESS && e.message().startsWith("applied")) {
                    applied.incrementAndGet();
                    firstApplied.countDown();
                }
            });
            AtomicBoolean appRunning = new AtomicBoolean(true);
            ExecutorService peer = Executors.newSingleThreadExecutor();
            Future<Integer> streamed = peer.submit(() -> {
                int n = 0;
                try (PreparedStatement ps = b.prepareStatement("INSERT INTO feed VALUES (?, 'remote')")) {
                    while (appRunning.get()) {
                        for (int i = 0; i < 20; i++) {
                            ps.setInt(1, n++);
                            ps.executeUpdate();
                        }
                        b.unwrap(SyncConnection.class).syncNow();
                    }
                }
                return n;
            });
            firstApplied.await(30, TimeUnit.SECONDS); // the engine applies the peer's batches: now start the app
            int appliedBefore = applied.get();
            String outcome;
            int appliedDuringApp;
            try {
                outcome = app.run(urlA, applied::get);
            } finally {
                appliedDuringApp = applied.get() - appliedBefore;
                appRunning.set(false);
                peer.shutdown();
            }
            int remoteRows = streamed.get();
            assertEquals("errors=0 total=" + TRANSACTIONS, outcome);
            assertTrue(appliedBefore > 0 && appliedDuringApp > 0, "the engine applied remote batches while the application ran: " + appliedDuringApp);
            // nothing lost: every remote row arrives
            long deadline = System.nanoTime() + 30_000_000_000L;
            int arrived;
            do {
                a.unwrap(SyncConnection.class).syncNow();
                arrived = count(a, "SELECT count(*) FROM feed");
            } while (arrived < remoteRows && System.nanoTime() < deadline);
            assertEquals(remoteRows, arrived);
        }
    }

    private static void createCounters(String url) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE counter(id INTEGER PRIMARY KEY, n INTEGER NOT NULL)");
            for (int i = 0; i < ROWS; i++) s.execute("INSERT INTO counter VALUES (" + i + ", 0)");
        }
    }

    /** A source of the connection each transaction runs on (the same one, or one borrowed from a pool). */
    interface Connections {
        Connection get() throws SQLException;
    }

    /** The statements of one transaction on {@code row}. */
    interface Body {
        void run(Connection c, int row) throws SQLException;
    }

    /** Load-modify-store, as an ORM updates an entity: the transaction reads before it writes. */
    private static void readThenWrite(Connection c, int row) throws SQLException {
        try (PreparedStatement read = c.prepareStatement("SELECT n FROM counter WHERE id = ?");
             PreparedStatement write = c.prepareStatement("UPDATE counter SET n = ? WHERE id = ?")) {
            read.setInt(1, row);
            write.setInt(1, count(read) + 1);
            write.setInt(2, row);
            write.executeUpdate();
        }
    }

    /** The transaction's first statement writes (then it reads what it wrote). */
    private static void writeFirst(Connection c, int row) throws SQLException {
        try (PreparedStatement write = c.prepareStatement("UPDATE counter SET n = n + 1 WHERE id = ?");
             PreparedStatement read = c.prepareStatement("SELECT n FROM counter WHERE id = ?")) {
            write.setInt(1, row);
            write.executeUpdate();
            read.setInt(1, row);
            count(read);
        }
    }

    /**
     * {@code n} transactions of {@code body} (each {@code setAutoCommit(false)}, body, commit), split over
     * {@code threads} threads; returns the errors seen and the counters' final total.
     *
     * @param pooled each transaction borrows a connection and closes (returns) it
     */
    private static String transactions(Connections source, boolean pooled, int threads, int n, Body body) throws Exception {
        AtomicInteger errors = new AtomicInteger();
        AtomicReference<String> first = new AtomicReference<>("");
        ExecutorService workers = Executors.newFixedThreadPool(threads);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int from = t;
            done.add(workers.submit(() -> {
                for (int i = from; i < n; i += threads) {
                    Connection c = source.get();
                    try {
                        c.setAutoCommit(false);
                        try {
                            body.run(c, i % ROWS);
                            c.commit();
                        } catch (SQLException e) {
                            if (errors.getAndIncrement() == 0) first.set(" first: " + e.getMessage());
                            c.rollback();
                        } finally {
                            c.setAutoCommit(true);
                        }
                    } finally {
                        if (pooled) c.close();
                    }
                }
                return null;
            }));
        }
        workers.shutdown();
        for (Future<?> f : done) f.get();
        try (Connection c = source.get()) {
            return "errors=" + errors + first.get() + " total=" + count(c, "SELECT sum(n) FROM counter");
        }
    }

    interface Work {
        String run() throws Exception;
    }

    /** Runs {@code work} while {@code threads} other threads run read transactions on the pool. */
    private static String withReaders(DataSource pool, int threads, Work work) throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService readers = Executors.newFixedThreadPool(threads);
        List<Future<Integer>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            done.add(readers.submit(() -> {
                int reads = 0;
                while (running.get()) {
                    try (Connection c = pool.getConnection()) {
                        c.setAutoCommit(false);
                        count(c, "SELECT sum(n) FROM counter");
                        c.commit();
                        reads++;
                    }
                }
                return reads;
            }));
        }
        try {
            return work.run();
        } finally {
            running.set(false);
            readers.shutdown();
            for (Future<Integer> f : done) f.get(); // a reader's error fails the test
        }
    }

    /**
     * Has the pool open all its connections before the workload, by borrowing every one at once (each borrow returns
     * once the pool has opened it): connections that open while another transaction runs can find the WAL index being
     * rebuilt and fail with SQLITE_BUSY on plain xerial too (seen: 2 of 2,000), which is not what this test is about.
     */
    private static void openAll(HikariDataSource pool) throws SQLException {
        List<Connection> all = new ArrayList<>();
        try {
            while (all.size() < pool.getMaximumPoolSize()) all.add(pool.getConnection());
        } finally {
            for (Connection c : all) c.close();
        }
    }

    private static int count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static int count(PreparedStatement query) throws SQLException {
        try (ResultSet rs = query.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
