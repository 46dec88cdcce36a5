package io.syncsqlite.transport.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncsqlite.SyncConnection;
import io.syncsqlite.SyncStatus;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Closing the last connection while the hub does not answer: no long wait, and never two engines on one file. */
class CloseTest {
    @TempDir
    Path dir;

    @Test
    void closingDoesNotWaitForASilentHubAndAReopenNeverRunsTwoEngines() throws Exception {
        Path db = dir.resolve("a.db");
        try (Connection plain = DriverManager.getConnection("jdbc:syncsqlite:" + db); Statement s = plain.createStatement()) {
            s.execute("CREATE TABLE t(id TEXT PRIMARY KEY, v TEXT)");
        }
        // a socket that accepts connections (the kernel's backlog) and never answers: every request waits for its timeout
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String url = "jdbc:syncsqlite:" + db + "?sync.transport=http&sync.url=http://127.0.0.1:" + silent.getLocalPort()
                    + "&sync.token=t&sync.timeout=3s&sync.interval=1h";
            Connection c = DriverManager.getConnection(url);
            try (Statement s = c.createStatement()) {
                s.execute("INSERT INTO t VALUES ('x', 'kept in the outbox')");
            }
            long start = System.nanoTime();
            c.close();
            Duration closing = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(closing.compareTo(Duration.ofSeconds(2)) < 0, "close() took " + closing);
            assertEquals(1, engineThreads(db), "the closed file's engine is still making its final push");
            try (Connection again = DriverManager.getConnection(url)) {
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (again.unwrap(SyncConnection.class).status().state() == SyncStatus.State.CAPTURE_ONLY) {
                    assertTrue(engineThreads(db) <= 1, "two engines run on one file");
                    assertTrue(System.nanoTime() < deadline, "the reopened file's engine never started");
                    Thread.sleep(20); // polling interval of a condition with a deadline
                }
                assertEquals(1, engineThreads(db));
            }
        }
    }

    private static long engineThreads(Path db) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && t.getName().equals("syncsqlite-engine " + db)).count();
    }
}
