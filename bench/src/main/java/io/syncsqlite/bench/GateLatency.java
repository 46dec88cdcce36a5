package io.syncsqlite.bench;

import io.syncsqlite.SyncConnection;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * The gate section (docs/keys-and-gate.md, "The write gate"): what an application's statements cost while the sync
 * engine (a) idles, (b) applies a peer's bootstrap, (c) waits behind another connection's 4 s write transaction, (d)
 * waits behind a long reader — each against plain {@code jdbc:sqlite:} doing the same in the same run. One application
 * thread loops: a point SELECT, an auto-commit UPDATE and, every tenth time, a read-then-write transaction (SELECT,
 * UPDATE, commit), each timed; errors are counted. In (b)–(d) a peer in the same JVM (memory transport) keeps sending
 * rows, so the engine always has something to apply; the plain file gets the same other connections, and no engine.
 */
final class GateLatency {
    private static final int COUNTERS = 100;
    private static final long HOLD_MILLIS = 4_000;
    /** Both drivers: the pragmas of every bench row, and a busy timeout longer than the 4 s hold. */
    private static final String PARAMS = "?" + Databases.PRAGMAS + "&busy_timeout=10000";

    /** The application's operations, in the order the rows show them. */
    private enum Op {
        SELECT("point SELECT"), UPDATE("auto-commit UPDATE"), READ_THEN_WRITE("read-then-write tx");

        final String label;

        Op(String label) {
            this.label = label;
        }
    }

    /** What else happens to the file while the application loops. */
    private enum Scenario {
        IDLE("(a) engine idle", 5), BOOTSTRAP("(b) engine applies a bootstrap", 10), WRITER("(c) engine behind a 4 s write tx", 5),
        READER("(d) engine behind a long reader", 5);

        final String label;
        /** The target: the syncsqlite p99 within the plain p99 plus this many milliseconds. */
        final int slackMillis;

        Scenario(String label, int slackMillis) {
            this.label = label;
            this.slackMillis = slackMillis;
        }
    }

    /** One operation's latencies and errors in one run. */
    private static final class Samples {
        private long[] nanos = new long[1024];
        private int n;
        private long errors;

        void add(long ns) {
            if (n == nanos.length) nanos = Arrays.copyOf(nanos, n * 2);
            nanos[n++] = ns;
        }

        double millis(double percentile) {
            if (n == 0) return Double.NaN;
            long[] sorted = Arrays.copyOf(nanos, n);
            Arrays.sort(sorted);
            return sorted[Math.min(n - 1, (int) (n * percentile))] / 1e6;
        }

        String describe() {
            return String.format("%.2f/%.2f/%.0f ms (%,d, %d errors)", millis(0.5), millis(0.99), millis(1), n, errors);
        }
    }

    /** A peer of the namespace sending 20 rows every few milliseconds until closed. */
    private static final class StreamingPeer implements AutoCloseable {
        private final Connection c;
        private final AtomicBoolean open = new AtomicBoolean(true);
        private final Thread stream;

        StreamingPeer(Connection c, PrintStream progress) {
            this.c = c;
            this.stream = new Thread(() -> {
                long id = 100_000_000;
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO feed VALUES (?, 'streamed row')")) {
                    while (open.get()) {
                        for (int i = 0; i < 20; i++) {
                            ps.setLong(1, id++);
                            ps.executeUpdate();
                        }
                        c.unwrap(SyncConnection.class).syncNow();
                    }
                } catch (SQLException e) {
                    if (open.get()) progress.println("  gate: the peer stopped sending: " + e.getMessage());
                }
            }, "gate-peer");
            stream.setDaemon(true);
            stream.start();
        }

        @Override
        public void close() throws Exception {
            open.set(false);
            stream.join(60_000);
            c.close();
        }
    }

    private final Path dir;
    private final int bootstrapRows;
    private final long loopMillis;
    private final PrintStream progress;
    private int files;

    /**
     * @param bootstrapRows rows the peer holds for (b)
     * @param loopMillis    how long the application loops in (a), and after the hold ends in (c) and (d)
     */
    GateLatency(Path dir, int bootstrapRows, long loopMillis, PrintStream progress) {
        this.dir = dir;
        this.bootstrapRows = bootstrapRows;
        this.loopMillis = loopMillis;
        this.progress = progress;
    }

    /** Runs every scenario through both drivers and adds one row per scenario and operation. */
    void run(Table table) throws Exception {
        for (Scenario s : Scenario.values()) {
            progress.println("  gate: " + s.label + ", plain then syncsqlite");
            Samples[] plain = measure(s, false);
            Samples[] sync = measure(s, true);
            for (Op op : Op.values()) {
                Samples p = plain[op.ordinal()];
                Samples y = sync[op.ordinal()];
                boolean met = y.n > 0 && y.errors <= p.errors && y.millis(0.99) <= p.millis(0.99) + s.slackMillis;
                table.figure("gate", s.label + ": " + op.label + ", p50/p99/max", "plain " + p.describe() + "; syncsqlite " + y.describe(),
                        "p99 <= plain + " + s.slackMillis + " ms, no more errors", met);
            }
        }
    }

    private Samples[] measure(Scenario s, boolean sync) throws Exception {
        String ns = "gate-" + System.nanoTime();
        Path file = dir.resolve("gate-" + (++files) + ".db");
        String plainUrl = "jdbc:sqlite:" + file + PARAMS;
        String url = sync ? "jdbc:syncsqlite:" + file + PARAMS + "&sync.transport=memory&sync.namespace=" + ns + "&sync.interval="
                + (s == Scenario.IDLE ? "1h" : "10ms") : plainUrl;
        try (Connection app = DriverManager.getConnection(url)) {
            Databases.exec(app, "CREATE TABLE counter(id INTEGER PRIMARY KEY, n INTEGER NOT NULL)", "CREATE TABLE feed(id INTEGER PRIMARY KEY, v TEXT)",
                    "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < " + COUNTERS + ") INSERT INTO counter SELECT i, 0 FROM k");
            if (sync) app.unwrap(SyncConnection.class).syncNow();
            loop(app, deadline(loopMillis / 4), () -> false); // warm-up
            if (!sync || s == Scenario.IDLE) return run(s, app, url, null);
            try (StreamingPeer peer = peer(ns, s == Scenario.BOOTSTRAP ? bootstrapRows : 0)) {
                return run(s, app, url, peer);
            }
        }
    }

    private Samples[] run(Scenario s, Connection app, String url, StreamingPeer peer) throws Exception {
        return switch (s) {
            case IDLE -> loop(app, deadline(loopMillis), () -> false);
            case BOOTSTRAP -> bootstrap(app, peer != null);
            case WRITER -> behind(app, url.replaceFirst("^jdbc:syncsqlite:", "jdbc:sqlite:").replaceAll("&sync\\.[^&]*", ""), true);
            case READER -> behind(app, url, false);
        };
    }

    /**
     * A peer that holds {@code rows} rows of {@code feed} (the bootstrap) and keeps sending. It publishes them in its
     * sending thread's first round, once the measured loop has begun: published here, before the loop, the measured
     * replica (syncing every 10 ms in the same JVM) would apply most of the bootstrap before the first timed statement.
     */
    private StreamingPeer peer(String ns, int rows) throws SQLException {
        Connection p = DriverManager.getConnection("jdbc:syncsqlite:" + dir.resolve("gate-peer-" + (++files) + ".db") + PARAMS
                + "&sync.transport=memory&sync.namespace=" + ns + "&sync.interval=1h");
        Databases.exec(p, "CREATE TABLE feed(id INTEGER PRIMARY KEY, v TEXT)");
        if (rows > 0) {
            Databases.exec(p, "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < " + rows + ")"
                    + " INSERT INTO feed SELECT i, 'bootstrap row ' || i FROM k");
        }
        return new StreamingPeer(p, progress);
    }

    /** (b): loops until the replica holds the peer's bootstrap (at most two minutes); the plain file loops {@code loopMillis}. */
    private Samples[] bootstrap(Connection app, boolean sync) throws Exception {
        if (!sync) return loop(app, deadline(loopMillis), () -> false);
        long start = System.nanoTime();
        Samples[] out = loop(app, deadline(120_000), () -> count(app) >= bootstrapRows);
        progress.printf("  gate: the bootstrap of %,d rows took %,d ms (%,d rows held at the end)%n", bootstrapRows,
                (System.nanoTime() - start) / 1_000_000, count(app));
        return out;
    }

    private static long count(Connection c) {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM feed WHERE id < 100000000"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            return 0;
        }
    }

    /**
     * (c) and (d): another connection ({@code otherUrl}) holds a write transaction ({@code write}) or a read
     * transaction for {@link #HOLD_MILLIS} while the application loops, then {@code loopMillis} more.
     */
    private Samples[] behind(Connection app, String otherUrl, boolean write) throws Exception {
        CompletableFuture<Void> released = new CompletableFuture<>();
        CompletableFuture<Void> holding = new CompletableFuture<>();
        Thread other = new Thread(() -> {
            try (Connection o = DriverManager.getConnection(otherUrl)) {
                o.setAutoCommit(false);
                try (PreparedStatement ps = o.prepareStatement(write ? "UPDATE counter SET n = n + 1 WHERE id = 1" : "SELECT count(*) FROM counter")) {
                    ps.execute();
                    if (!write) ps.getResultSet().next();
                    holding.complete(null);
                    Thread.sleep(HOLD_MILLIS);
                }
                o.commit();
                released.complete(null);
            } catch (Exception e) {
                holding.completeExceptionally(e);
                released.completeExceptionally(e);
            }
        }, "gate-other");
        other.start();
        holding.get(30, TimeUnit.SECONDS);
        Samples[] out = loop(app, deadline(HOLD_MILLIS + loopMillis), () -> false);
        released.get(60, TimeUnit.SECONDS);
        other.join();
        return out;
    }

    private static long deadline(long millis) {
        return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    }

    /** The application's loop until {@code end} (System.nanoTime) or until {@code done}. */
    private static Samples[] loop(Connection c, long end, BooleanSupplier done) throws SQLException {
        Samples[] out = {new Samples(), new Samples(), new Samples()};
        try (PreparedStatement read = c.prepareStatement("SELECT n FROM counter WHERE id = ?");
             PreparedStatement write = c.prepareStatement("UPDATE counter SET n = n + 1 WHERE id = ?")) {
            for (int i = 0; System.nanoTime() < end && !(i % 50 == 0 && done.getAsBoolean()); i++) {
                int id = 1 + i % COUNTERS;
                timed(out[Op.SELECT.ordinal()], () -> select(read, id));
                timed(out[Op.UPDATE.ordinal()], () -> update(write, id));
                if (i % 10 == 9) timed(out[Op.READ_THEN_WRITE.ordinal()], () -> readThenWrite(c, read, id));
            }
        }
        return out;
    }

    @FunctionalInterface
    private interface Work {
        void run() throws SQLException;
    }

    private static void timed(Samples s, Work w) {
        long t0 = System.nanoTime();
        try {
            w.run();
            s.add(System.nanoTime() - t0);
        } catch (SQLException e) {
            s.errors++;
        }
    }

    private static long select(PreparedStatement read, int id) throws SQLException {
        read.setInt(1, id);
        try (ResultSet rs = read.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void update(PreparedStatement write, int id) throws SQLException {
        write.setInt(1, id);
        write.executeUpdate();
    }

    private static void readThenWrite(Connection c, PreparedStatement read, int id) throws SQLException {
        c.setAutoCommit(false);
        try {
            try (PreparedStatement w = c.prepareStatement("UPDATE counter SET n = ? WHERE id = ?")) {
                w.setLong(1, select(read, id) + 1);
                w.setInt(2, id);
                w.executeUpdate();
            }
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }
}
