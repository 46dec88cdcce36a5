package io.syncsqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new file whose first tables a migration creates inside a transaction (as Flyway does on a pooled connection) gets
 * its sync engine when that transaction commits — not only at a later connect(), which a pool that already holds its
 * connections may never make.
 */
class EngineStartsAfterMigrationTest {
    @TempDir
    Path dir;

    @Test
    void theEngineStartsWhenASchemaCreatedInATransactionCommits() throws Exception {
        String ns = "migration-" + UUID.randomUUID();
        Path a = dir.resolve("a.db");
        Path b = dir.resolve("b.db");
        String params = "?sync.transport=memory&sync.namespace=" + ns + "&sync.interval=100ms";
        try (Connection ca = DriverManager.getConnection("jdbc:syncsqlite:" + a + params);
             Connection cb = DriverManager.getConnection("jdbc:syncsqlite:" + b + params)) {
            for (Connection c : new Connection[] {ca, cb}) {
                assertEquals(SyncStatus.State.CAPTURE_ONLY, c.unwrap(SyncConnection.class).status().state(), "no table yet: nothing to sync");
                c.setAutoCommit(false);
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE TABLE note(id TEXT PRIMARY KEY, text TEXT)");
                }
                c.commit();
                c.setAutoCommit(true);
                assertNotEquals(SyncStatus.State.CAPTURE_ONLY, c.unwrap(SyncConnection.class).status().state(), "the commit started the engine");
            }
            try (Statement s = ca.createStatement()) {
                s.execute("INSERT INTO note VALUES ('1', 'from a')");
            }
            // no syncNow(), no new connection: the engines' own rounds carry the row
            long deadline = System.nanoTime() + 30_000_000_000L;
            long rows = 0;
            while (rows == 0 && System.nanoTime() < deadline) {
                try (Statement s = cb.createStatement(); java.sql.ResultSet rs = s.executeQuery("SELECT count(*) FROM note")) {
                    rs.next();
                    rows = rs.getLong(1);
                }
                if (rows == 0) Thread.sleep(50); // polls for the condition
            }
            assertEquals(1, rows);
        }
    }
}
