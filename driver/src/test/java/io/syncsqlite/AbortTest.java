package io.syncsqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 15 item 4: {@code Connection.abort()} does what xerial's does (nothing) and leaves the file's engine alone. */
class AbortTest {
    @TempDir
    Path dir;

    @Test
    void abortBehavesAsXerialsAndNeverStopsTheSharedEngine() throws Exception {
        Twins.same(dir, (c, d) -> {
            Twins.exec(c, "CREATE TABLE t(id INTEGER PRIMARY KEY, v)");
            c.abort(Runnable::run);
            return "closed after abort=" + c.isClosed() + Twins.query(c, "SELECT count(*) FROM t");
        });
        String url = "jdbc:syncsqlite:" + dir.resolve("engine.db") + "?sync.transport=memory&sync.namespace=abort-" + System.nanoTime();
        try (Connection other = DriverManager.getConnection(url)) {
            Twins.exec(other, "CREATE TABLE t(id INTEGER PRIMARY KEY, v)");
            SyncConnection sync = other.unwrap(SyncConnection.class);
            sync.syncNow();
            Connection aborted = DriverManager.getConnection(url);
            aborted.abort(Runnable::run);
            assertNotEquals(SyncStatus.State.STOPPED, sync.status().state(), "another connection's abort stopped the engine");
            Twins.exec(other, "INSERT INTO t VALUES (1, 'after abort')");
            org.junit.jupiter.api.Assertions.assertTrue(sync.syncNow().pushed() > 0, "the engine still publishes");
            aborted.close();
            assertNotEquals(SyncStatus.State.STOPPED, sync.status().state(), "closing the aborted connection releases only it");
        }
    }
}
