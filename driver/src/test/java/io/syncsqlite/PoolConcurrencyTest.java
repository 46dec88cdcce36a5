package io.syncsqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ten pooled writers on one file while its engine applies remote batches: no SQLITE_BUSY, nothing lost. */
class PoolConcurrencyTest {
    private static final int THREADS = 10;
    private static final int ROWS_PER_THREAD = 200;
    private static final int REMOTE_ROWS = 2000;

    @TempDir
    Path dir;

    @Test
    void pooledWritersAndRemoteAppliesShareTheFile() throws Exception {
        String ns = "pool-" + System.nanoTime();
        String urlA = "jdbc:syncsqlite:" + dir.resolve("a.db") + "?sync.transport=memory&sync.namespace=" + ns + "&sync.interval=20ms&sync.batchSize=100";
        String urlB = "jdbc:syncsqlite:" + dir.resolve("b.db") + "?sync.transport=memory&sync.namespace=" + ns + "&sync.interval=1h";
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(urlA);
        cfg.setMaximumPoolSize(THREADS);
        try (HikariDataSource pool = new HikariDataSource(cfg); Connection b = DriverManager.getConnection(urlB)) {
            String schema = "CREATE TABLE event(id TEXT PRIMARY KEY, writer TEXT NOT NULL, n INTEGER NOT NULL)";
            try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
                s.execute(schema);
            }
            try (Statement s = b.createStatement()) {
                s.execute(schema);
            }
            ExecutorService writers = Executors.newFixedThreadPool(THREADS + 1);
            try {
                List<Future<?>> done = new ArrayList<>();
                // meanwhile replica B publishes a stream of batches that A's engine (every 20 ms) applies
                done.add(writers.submit(() -> {
                    try (PreparedStatement ps = b.prepareStatement("INSERT INTO event VALUES (?, 'remote', ?)")) {
                        for (int i = 0; i < REMOTE_ROWS; i++) {
                            ps.setString(1, "remote-" + i);
                            ps.setInt(2, i);
                            ps.executeUpdate();
                            if (i % 100 == 99) b.unwrap(SyncConnection.class).syncNow();
                        }
                    }
                    return null;
                }));
                for (int t = 0; t < THREADS; t++) {
                    int writer = t;
                    done.add(writers.submit(() -> {
                        for (int i = 0; i < ROWS_PER_THREAD; i++) {
                            try (Connection c = pool.getConnection()) {
                                if (i % 2 == 0) {
                                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO event VALUES (?, ?, ?)")) {
                                        ps.setString(1, "w" + writer + "-" + i);
                                        ps.setString(2, "w" + writer);
                                        ps.setInt(3, i);
                                        ps.executeUpdate();
                                    }
                                } else {
                                    // a read-then-write transaction that starts with the write, as apps should
                                    c.setAutoCommit(false);
                                    try (PreparedStatement ins = c.prepareStatement("INSERT INTO event VALUES (?, ?, ?)");
                                         PreparedStatement upd = c.prepareStatement("UPDATE event SET n = n + 1 WHERE id = ?")) {
                                        ins.setString(1, "w" + writer + "-" + i);
                                        ins.setString(2, "w" + writer);
                                        ins.setInt(3, i);
                                        ins.executeUpdate();
                                        upd.setString(1, "w" + writer + "-" + (i - 1));
                                        upd.executeUpdate();
                                        c.commit();
                                    } finally {
                                        c.setAutoCommit(true);
                                    }
                                }
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) f.get(); // any SQLITE_BUSY would surface here
            } finally {
                writers.shutdown();
            }
            try (Connection c = pool.getConnection()) {
                SyncConnection sync = c.unwrap(SyncConnection.class);
                sync.syncNow();
                sync.syncNow();
                assertEquals(THREADS * ROWS_PER_THREAD + REMOTE_ROWS, count(c, "SELECT count(*) FROM event"));
                assertEquals(THREADS * ROWS_PER_THREAD / 2, count(c, "SELECT count(*) FROM event WHERE writer <> 'remote' AND n = (CAST(substr(id, instr(id, '-') + 1) AS INTEGER) + 1)"));
            }
            b.unwrap(SyncConnection.class).syncNow();
            assertEquals(THREADS * ROWS_PER_THREAD + REMOTE_ROWS, count(b, "SELECT count(*) FROM event"), "A's pooled writes reached B");
        }
    }

    private static int count(Connection c, String sql) throws Exception {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
