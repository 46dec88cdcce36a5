package io.syncsqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10 item 6: a user table named {@code _syncsqlite_…} (any case) used to vanish silently (never synced, hidden
 * from metadata) and {@code _syncsqlite_v2} broke the next CREATE TABLE. Creating one is refused with a clear error.
 */
class ReservedPrefixTest {
    @TempDir
    Path dir;

    @Test
    void creatingAnObjectWithTheReservedPrefixIsRefused() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:syncsqlite:" + dir.resolve("r.db"))) {
            Twins.exec(c, "CREATE TABLE t(id INTEGER PRIMARY KEY, v)");
            for (String sql : new String[] {
                "CREATE TABLE _syncsqlite_v2(id INTEGER PRIMARY KEY)",
                "create table if not exists \"_SyncSqlite_Mine\"(id INTEGER PRIMARY KEY)",
                "CREATE TEMP TABLE main._SYNCSQLITE_x(a)",
                "CREATE UNIQUE INDEX _syncsqlite_idx ON t(v)",
                "CREATE VIEW [_syncsqlite_view] AS SELECT 1",
                "CREATE TRIGGER _syncsqlite_trg AFTER INSERT ON t BEGIN SELECT 1; END",
                "ALTER TABLE t RENAME TO _syncsqlite_t",
            }) {
                SQLException e = assertThrows(SQLException.class, () -> Twins.exec(c, sql), sql);
                assertTrue(e.getMessage().contains("is reserved"), e.getMessage());
                assertEquals("42000", e.getSQLState());
                assertThrows(SQLException.class, () -> c.prepareStatement(sql).close(), "prepared: " + sql);
            }
            Twins.exec(c, "CREATE TABLE after_refusals(id INTEGER PRIMARY KEY)", "INSERT INTO after_refusals VALUES (1)");
            String read = Twins.query(c, "SELECT count(*) > 0 FROM _syncsqlite_outbox");
            assertTrue(read.contains("-> 1;"), "reading the driver's tables stays possible: " + read);
            assertTrue(Twins.query(c, "SELECT count(*) FROM sqlite_master WHERE name IN ('_SyncSqlite_Mine', '_SYNCSQLITE_x', '_syncsqlite_idx', '_syncsqlite_view', '_syncsqlite_trg', '_syncsqlite_t')").contains("-> 0;"));
        }
    }
}
