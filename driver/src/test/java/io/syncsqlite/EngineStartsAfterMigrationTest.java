package io.syncsqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new file whose first tables a migration creates inside a transaction (as Flyway does on a pooled connection, or a
 * script with {@code BEGIN … COMMIT}) gets its sync engine when that transaction commits — not only at a later
 * connect(), which a pool that already holds its connections may never make.
 */
class EngineStartsAfterMigrationTest {
    @TempDir
    Path dir;

    /** Creates the schema inside a transaction and commits it. */
    private interface Migration {
        void run(Connection c) throws SQLException;
    }

    @Test
    void theEngineStartsWhenASchemaCreatedInAJdbcTransactionCommits() throws Exception {
        twoReplicasMigrate(c -> {
            c.setAutoCommit(false);
            exec(c, "CREATE TABLE note(id TEXT PRIMARY KEY, text TEXT)");
            c.commit();
            c.setAutoCommit(true);
        });
    }

    @Test
    void theEngineStartsWhenASchemaCreatedInAnSqlTransactionCommits() throws Exception {
        twoReplicasMigrate(c -> exec(c, "BEGIN", "CREATE TABLE note(id TEXT PRIMARY KEY, text TEXT)", "COMMIT"));
    }

    private void twoReplicasMigrate(Migration migration) throws Exception {
        String ns = "migration-" + UUID.randomUUID();
        String params = "?sync.transport=memory&sync.namespace=" + ns + "&sync.interval=100ms";
        try (Connection ca = DriverManager.getConnection("jdbc:syncsqlite:" + dir.resolve("a.db") + params);
             Connection cb = DriverManager.getConnection("jdbc:syncsqlite:" + dir.resolve("b.db") + params)) {
            for (Connection c : new Connection[] {ca, cb}) {
                assertEquals(SyncStatus.State.CAPTURE_ONLY, c.unwrap(SyncConnection.class).status().state(), "no table yet: nothing to sync");
                migration.run(c);
                assertNotEquals(SyncStatus.State.CAPTURE_ONLY, c.unwrap(SyncConnection.class).status().state(), "the commit started the engine");
            }
            CountDownLatch arrived = new CountDownLatch(1);
            cb.unwrap(SyncConnection.class).addListener(e -> {
                if (e.type() == SyncEvent.Type.CHANGED && e.tables().containsKey("note")) arrived.countDown();
            });
            exec(ca, "INSERT INTO note VALUES ('1', 'from a')");
            // no syncNow(), no new connection: the engines' own rounds carry the row
            assertTrue(arrived.await(30, TimeUnit.SECONDS), "b's engine applied a's row");
            try (Statement s = cb.createStatement(); ResultSet rs = s.executeQuery("SELECT text FROM note WHERE id = '1'")) {
                assertTrue(rs.next());
                assertEquals("from a", rs.getString(1));
            }
        }
    }

    private static void exec(Connection c, String... sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String q : sql) s.execute(q);
        }
    }
}
