package io.syncsqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver writes to the file only through the write gate: a write of its own committed while an application
 * transaction holds a read snapshot would make that transaction's next write fail with SQLITE_BUSY_SNAPSHOT, which the
 * application never meets on plain SQLite when it is the only writer.
 */
class WritesOutsideTheGateTest {
    @TempDir
    Path dir;

    @Test
    void syncNowInstrumentingATableMadeByAnotherToolWaitsForTheApplicationsTransaction() throws Exception {
        Path file = dir.resolve("gate.db");
        String url = "jdbc:syncsqlite:" + file + "?sync.transport=memory&sync.namespace=outside-" + System.nanoTime() + "&sync.interval=1h";
        try (Connection app = DriverManager.getConnection(url); Connection control = DriverManager.getConnection(url)) {
            try (Connection tool = DriverManager.getConnection("jdbc:sqlite:" + file)) { // the sqlite3 shell, a migration tool
                exec(tool, "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)", "INSERT INTO t VALUES (1, 'a')");
            }
            app.setAutoCommit(false);
            try (Statement s = app.createStatement(); ResultSet rs = s.executeQuery("SELECT v FROM t WHERE id = 1")) {
                rs.next(); // the application's transaction has read: it holds a snapshot
            }
            // syncNow() on another thread starts the engine, which first instruments t (triggers, metadata: writes)
            CompletableFuture<SyncResult> round = CompletableFuture.supplyAsync(() -> {
                try {
                    return control.unwrap(SyncConnection.class).syncNow();
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            // give a write outside the gate every chance to commit under the snapshot (none can: the round waits)
            assertFalse(awaitDone(round, 1_000), "syncNow() waits for the application's transaction");
            exec(app, "UPDATE t SET v = 'b' WHERE id = 1"); // SQLITE_BUSY_SNAPSHOT if the driver committed meanwhile
            app.commit();
            round.get(60, TimeUnit.SECONDS);
            app.setAutoCommit(true);
            try (Statement s = app.createStatement(); ResultSet rs = s.executeQuery("SELECT v FROM t WHERE id = 1")) {
                rs.next();
                assertEquals("b", rs.getString(1));
            }
        }
    }

    /** Whether {@code f} completes within {@code millis} (a bounded wait for something that must not happen). */
    private static boolean awaitDone(CompletableFuture<?> f, long millis) throws InterruptedException {
        try {
            f.get(millis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            // completed, if exceptionally: done all the same
        }
        return true;
    }

    private static void exec(Connection c, String... sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String q : sql) s.execute(q);
        }
    }
}
