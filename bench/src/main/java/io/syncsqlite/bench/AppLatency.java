package io.syncsqlite.bench;

import io.syncsqlite.SyncConnection;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The application's statement latency on a synced file, with the sync engine idle and while it applies a peer's
 * batches continuously (issue 10: the engine must never make an application statement wait more than one slice).
 * The application runs read-then-write transactions ({@code setAutoCommit(false)}, SELECT, UPDATE, commit) on replica
 * A; replica B, in the same JVM over the in-memory transport, streams 20-row batches that A's engine applies. Both
 * use WAL with {@code synchronous=NORMAL}, as the write and read rows do, so commits are not fsync-bound.
 */
final class AppLatency {
    private static final int ROWS = 100;

    /** Latency percentiles of every statement (SELECT, UPDATE, commit) of the transactions, in nanoseconds. */
    record Percentiles(double p50, double p99, long transactions, long errors) {
    }

    private AppLatency() {
    }

    /** Runs {@code transactions} transactions twice, engine idle then applying; returns both measurements. */
    static Percentiles[] measure(Path dir, int transactions) throws Exception {
        String ns = "latency-" + System.nanoTime();
        String urlA = "jdbc:syncsqlite:" + dir.resolve("latency-a.db") + "?sync.transport=memory&sync.namespace=" + ns + "&sync.interval=10ms&synchronous=NORMAL";
        String urlB = "jdbc:syncsqlite:" + dir.resolve("latency-b.db") + "?sync.transport=memory&sync.namespace=" + ns + "&sync.interval=1h&synchronous=NORMAL";
        try (Connection a = DriverManager.getConnection(urlA); Connection b = DriverManager.getConnection(urlB)) {
            Databases.exec(a, "CREATE TABLE counter(id INTEGER PRIMARY KEY, n INTEGER NOT NULL)", "CREATE TABLE feed(id INTEGER PRIMARY KEY, v TEXT)");
            Databases.exec(b, "CREATE TABLE feed(id INTEGER PRIMARY KEY, v TEXT)");
            try (Statement s = a.createStatement()) {
                s.execute("WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < " + (ROWS - 1) + ") INSERT INTO counter SELECT i, 0 FROM n");
            }
            a.unwrap(SyncConnection.class).syncNow();
            readThenWrite(a, transactions / 4); // warm-up
            Percentiles idle = readThenWrite(a, transactions);
            AtomicBoolean running = new AtomicBoolean(true);
            ExecutorService peer = Executors.newSingleThreadExecutor();
            Future<?> stream = peer.submit(() -> {
                int id = 0;
                try (PreparedStatement ps = b.prepareStatement("INSERT INTO feed VALUES (?, 'remote row')")) {
                    while (running.get()) {
                        for (int i = 0; i < 20; i++) {
                            ps.setInt(1, id++);
                            ps.executeUpdate();
                        }
                        b.unwrap(SyncConnection.class).syncNow();
                    }
                }
                return null;
            });
            Percentiles applying;
            try {
                applying = readThenWrite(a, transactions);
            } finally {
                running.set(false);
                peer.shutdown();
            }
            stream.get();
            return new Percentiles[] {idle, applying};
        }
    }

    private static Percentiles readThenWrite(Connection c, int transactions) throws SQLException {
        long[] latencies = new long[transactions * 3];
        int k = 0;
        long errors = 0;
        try (PreparedStatement read = c.prepareStatement("SELECT n FROM counter WHERE id = ?");
             PreparedStatement write = c.prepareStatement("UPDATE counter SET n = ? WHERE id = ?")) {
            for (int i = 0; i < transactions; i++) {
                c.setAutoCommit(false);
                try {
                    long t0 = System.nanoTime();
                    read.setInt(1, i % ROWS);
                    int value;
                    try (ResultSet rs = read.executeQuery()) {
                        rs.next();
                        value = rs.getInt(1);
                    }
                    long t1 = System.nanoTime();
                    write.setInt(1, value + 1);
                    write.setInt(2, i % ROWS);
                    write.executeUpdate();
                    long t2 = System.nanoTime();
                    c.commit();
                    long t3 = System.nanoTime();
                    latencies[k++] = t1 - t0;
                    latencies[k++] = t2 - t1;
                    latencies[k++] = t3 - t2;
                } catch (SQLException e) {
                    errors++;
                    c.rollback();
                } finally {
                    c.setAutoCommit(true);
                }
            }
        }
        long[] done = Arrays.copyOf(latencies, k);
        Arrays.sort(done);
        return new Percentiles(done.length == 0 ? 0 : done[done.length / 2], done.length == 0 ? 0 : done[(int) (done.length * 0.99)], transactions, errors);
    }
}
