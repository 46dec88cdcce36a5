package io.syncsqlite.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A row whose primary key holds NULL can never sync: it is refused with an error naming the table, by any writer. */
class NullKeyTest {
    @TempDir
    Path dir;

    @Test
    void nullKeysAreRefusedOnInsertAndUpdateThroughTheDriverAndOtherTools() throws Exception {
        Path db = dir.resolve("a.db");
        try (Connection c = DriverManager.getConnection("jdbc:syncsqlite:" + db); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t(id TEXT PRIMARY KEY, v TEXT)");
            s.execute("CREATE TABLE pair(a TEXT, b INTEGER, v TEXT, PRIMARY KEY (a, b))");
            s.execute("INSERT INTO t VALUES ('k', 'kept')");
            assertRefused(s, "INSERT INTO t VALUES (NULL, 'no key')", "\"t\"");
            assertRefused(s, "UPDATE t SET id = NULL WHERE id = 'k'", "\"t\"");
            assertRefused(s, "INSERT INTO pair VALUES ('x', NULL, 'half a key')", "\"pair\"");
            try (Connection plain = DriverManager.getConnection("jdbc:sqlite:" + db); Statement p = plain.createStatement()) {
                assertRefused(p, "INSERT INTO t(v) VALUES ('no key, from another tool')", "\"t\"");
            }
            try (ResultSet rs = s.executeQuery("SELECT group_concat(id || '=' || v) FROM t")) {
                rs.next();
                assertEquals("k=kept", rs.getString(1));
            }
        }
    }

    private static void assertRefused(Statement s, String sql, String table) {
        SQLException e = assertThrows(SQLException.class, () -> s.executeUpdate(sql), sql);
        assertTrue(e.getMessage().contains("table " + table) && e.getMessage().contains("holds NULL cannot be synced"), e.getMessage());
    }
}
