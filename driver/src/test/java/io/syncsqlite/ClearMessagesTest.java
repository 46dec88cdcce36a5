package io.syncsqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Set-up mistakes get a message that says what to do (this module's tests have no transport jar on the classpath). */
class ClearMessagesTest {
    @TempDir
    Path dir;

    @Test
    void aMissingTransportJarIsNamedByItsArtifact() {
        for (String transport : List.of("nas", "http", "ws")) {
            SQLException e = assertThrows(SQLException.class,
                    () -> DriverManager.getConnection("jdbc:syncsqlite:" + dir.resolve(transport + ".db") + "?sync.transport=" + transport));
            assertTrue(e.getMessage().contains("io.syncsqlite:syncsqlite-transport-" + transport) && e.getMessage().contains("add that dependency"),
                    e::getMessage);
        }
        SQLException unknown = assertThrows(SQLException.class,
                () -> DriverManager.getConnection("jdbc:syncsqlite:" + dir.resolve("x.db") + "?sync.transport=carrier-pigeon"));
        assertTrue(unknown.getMessage().contains("Invalid value 'carrier-pigeon' for sync.transport") && unknown.getMessage().contains("memory"),
                unknown::getMessage);
    }

    /** A shared-cache memory database names no file: nothing may appear beside anything, least of all in the cwd. */
    @Test
    void aMemoryDatabaseWritesNoSideFiles() throws Exception {
        String name = "syncsqlite-memory-" + System.nanoTime();
        Path cwd = Path.of("").toAbsolutePath();
        String url = "jdbc:syncsqlite:file:" + name + "?mode=memory&cache=shared";
        try (Connection a = DriverManager.getConnection(url); Connection b = DriverManager.getConnection(url);
             Statement s = a.createStatement()) {
            s.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
            s.execute("INSERT INTO t(v) VALUES ('x')");
            try (Statement r = b.createStatement(); ResultSet rs = r.executeQuery("SELECT v FROM t")) {
                assertTrue(rs.next(), "the second connection shares the memory database");
                assertEquals("x", rs.getString(1));
            }
            SQLException e = assertThrows(SQLException.class, () -> DriverManager.getConnection(url + "&sync.transport=memory"));
            assertTrue(e.getMessage().contains("in-memory database cannot sync"), e::getMessage);
        }
        try (Stream<Path> files = Files.list(cwd)) {
            List<Path> side = files.filter(f -> f.getFileName().toString().contains(name)).toList();
            assertEquals(List.of(), side, "no file named after the memory database in " + cwd);
        }
    }
}
