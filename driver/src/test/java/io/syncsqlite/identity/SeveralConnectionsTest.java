package io.syncsqlite.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.syncsqlite.SyncConnection;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the settings of several connections to one file combine: read-only opens, and connections without sync.*. */
class SeveralConnectionsTest {
    @TempDir
    Path dir;

    private final String ns = "several-" + System.nanoTime();

    private String sync() {
        return "sync.transport=memory&sync.namespace=" + ns + "&sync.interval=1h";
    }

    private void createTable(Path db) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t(id TEXT PRIMARY KEY, v TEXT)");
        }
    }

    @Test
    void aReadOnlyFirstConnectionDoesNotMakeTheFileReadOnly() throws Exception {
        Path a = dir.resolve("a.db");
        Path b = dir.resolve("b.db");
        createTable(a);
        createTable(b);
        for (String readOnly : new String[] {"jdbc:syncsqlite:" + a + "?open_mode=1&", "jdbc:syncsqlite:file:" + a + "?mode=ro&"}) {
            try (Connection ro = DriverManager.getConnection(readOnly + sync());
                 Connection rw = DriverManager.getConnection("jdbc:syncsqlite:" + a + "?" + sync());
                 Connection peer = DriverManager.getConnection("jdbc:syncsqlite:" + b + "?" + sync())) {
                try (Statement s = rw.createStatement()) {
                    s.executeUpdate("INSERT OR REPLACE INTO t VALUES ('x', '" + readOnly + "')");
                }
                rw.unwrap(SyncConnection.class).syncNow();
                peer.unwrap(SyncConnection.class).syncNow();
                assertEquals(readOnly, value(peer), "the engine of a file opened read-only first still publishes");
                assertEquals(readOnly, value(ro), "the read-only connection reads");
            }
        }
    }

    @Test
    void aReadOnlyOpenOfAFileNotInstrumentedYetConnects() throws Exception {
        Path a = dir.resolve("fresh.db");
        createTable(a);
        try (Connection plain = DriverManager.getConnection("jdbc:sqlite:" + a); Statement s = plain.createStatement()) {
            s.executeUpdate("INSERT INTO t VALUES ('x', 'before the driver')");
        }
        try (Connection ro = DriverManager.getConnection("jdbc:syncsqlite:" + a + "?open_mode=1")) {
            assertEquals("before the driver", value(ro));
        }
    }

    @Test
    void aFirstConnectionWithoutSyncSettingsLetsALaterOneSetThem() throws Exception {
        Path a = dir.resolve("a.db");
        Path b = dir.resolve("b.db");
        createTable(a);
        createTable(b);
        try (Connection plain = DriverManager.getConnection("jdbc:syncsqlite:" + a);
             Connection syncing = DriverManager.getConnection("jdbc:syncsqlite:" + a + "?" + sync());
             Connection peer = DriverManager.getConnection("jdbc:syncsqlite:" + b + "?" + sync())) {
            try (Statement s = plain.createStatement()) {
                s.executeUpdate("INSERT INTO t VALUES ('x', 'written on the connection without settings')");
            }
            syncing.unwrap(SyncConnection.class).syncNow();
            peer.unwrap(SyncConnection.class).syncNow();
            assertEquals("written on the connection without settings", value(peer));
        }
    }

    private static String value(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT v FROM t WHERE id = 'x'")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
