package io.syncsqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lock order (docs/how-it-works.md, "Lock order"): an application thread that holds the write gate must never wait
 * for the engine's session, which may itself be waiting in the gate for that very thread's transaction.
 */
class EngineSetupInTransactionTest {
    @TempDir
    Path dir;

    @Test
    void engineConnectionSetUpInsideATransactionFailsInsteadOfDeadlocking() throws Exception {
        String url = "jdbc:syncsqlite:" + dir.resolve("a.db") + "?sync.transport=memory&sync.namespace=setup-" + System.nanoTime() + "&sync.interval=1h";
        try (Connection a = DriverManager.getConnection(url); Connection b = DriverManager.getConnection(url)) {
            exec(a, "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
            a.unwrap(SyncConnection.class).syncNow();
            a.setAutoCommit(false);
            try (Statement s = a.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM t")) {
                rs.next(); // a's transaction holds the gate from its first statement
            }
            exec(b, "INSERT INTO t(v) VALUES ('from b')");
            // the engine publishes b's row and, inside its session, waits in the gate for a's transaction
            CompletableFuture<SyncResult> round = CompletableFuture.supplyAsync(() -> {
                try {
                    return b.unwrap(SyncConnection.class).syncNow();
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!engineWaitsInTheGate()) {
                assertTrue(System.nanoTime() < deadline, "the engine reached the gate");
                Thread.onSpinWait();
            }
            SQLException e = assertTimeoutPreemptively(Duration.ofSeconds(20),
                    () -> assertThrows(SQLException.class, () -> a.unwrap(SyncConnection.class).onEngineConnection(c -> { })),
                    "the call must not wait for the engine that waits for this transaction");
            assertEquals("25001", e.getSQLState(), e::getMessage);
            a.commit();
            assertTrue(round.get(30, TimeUnit.SECONDS).pushed() > 0, "the round published b's row once the transaction ended");
            a.setAutoCommit(true);
            a.unwrap(SyncConnection.class).onEngineConnection(c -> { }); // outside a transaction it runs
        }
    }

    private static boolean engineWaitsInTheGate() {
        return Thread.getAllStackTraces().entrySet().stream().anyMatch(t -> t.getKey().getName().startsWith("syncsqlite-engine")
                && Arrays.stream(t.getValue()).anyMatch(f -> f.getClassName().endsWith("WriteGate") && f.getMethodName().equals("engine")));
    }

    private static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
