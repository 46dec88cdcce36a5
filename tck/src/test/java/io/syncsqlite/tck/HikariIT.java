package io.syncsqlite.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An unchanged pooled application: HikariCP with 10 connections and 10 concurrent writers, each committing small
 * transactions. Only the URL says {@code jdbc:syncsqlite:}; the driver's WAL and busy-timeout defaults must make it run
 * without {@code SQLITE_BUSY} and without losing a row.
 */
class HikariIT {
    private static final int WRITERS = 10;
    private static final int TRANSACTIONS_PER_WRITER = 40;

    @TempDir
    Path dir;

    /** The application: knows nothing but a JDBC URL. */
    static long runApplication(String jdbcUrl) throws Exception {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setMaximumPoolSize(WRITERS);
        config.setMinimumIdle(WRITERS);
        config.setAutoCommit(false);
        try (HikariDataSource ds = new HikariDataSource(config)) {
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS event(id TEXT PRIMARY KEY, writer INTEGER NOT NULL, seq INTEGER NOT NULL, payload TEXT)");
                c.commit();
            }
            ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int w = 0; w < WRITERS; w++) {
                    int writer = w;
                    futures.add(pool.submit(() -> {
                        for (int i = 0; i < TRANSACTIONS_PER_WRITER; i++) {
                            try (Connection c = ds.getConnection();
                                 PreparedStatement ps = c.prepareStatement("INSERT INTO event(id, writer, seq, payload) VALUES (?, ?, ?, ?)")) {
                                for (int row = 0; row < 2; row++) {
                                    ps.setString(1, UUID.randomUUID().toString());
                                    ps.setInt(2, writer);
                                    ps.setInt(3, i * 2 + row);
                                    ps.setString(4, "writer " + writer + " row " + row);
                                    ps.executeUpdate();
                                }
                                c.commit();
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : futures) f.get(); // rethrows any SQLITE_BUSY
            } finally {
                pool.shutdown();
            }
            try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM event")) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void tenPooledWritersLoseNothingAndNeverSeeBusy() throws Exception {
        Path file = dir.resolve("pool.db");
        assertEquals((long) WRITERS * TRANSACTIONS_PER_WRITER * 2, runApplication("jdbc:syncsqlite:" + file));
        // and every committed row was captured for sync
        try (Connection plain = java.sql.DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = plain.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM _syncsqlite_outbox o JOIN _syncsqlite_tables t ON t.id = o.tbl WHERE t.name = 'event'")) {
            rs.next();
            assertTrue(rs.getLong(1) >= (long) WRITERS * TRANSACTIONS_PER_WRITER * 2, "captured " + rs.getLong(1));
        }
    }
}
