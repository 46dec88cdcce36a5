package io.syncsqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DriverUrlTest {
    @TempDir
    Path dir;

    private SQLException refused(String url) {
        return assertThrows(SQLException.class, () -> DriverManager.getConnection(url).close());
    }

    @Test
    void unknownSyncKeyNamesTheKeyAndTheAcceptedOnes() {
        SQLException e = refused("jdbc:syncsqlite:" + dir.resolve("a.db") + "?sync.intervall=2s");
        assertTrue(e.getMessage().contains("'sync.intervall'") && e.getMessage().contains("sync.interval"), e.getMessage());
    }

    @Test
    void badValuesNameTheKeyAndTheAcceptedValues() {
        SQLException e = refused("jdbc:syncsqlite:" + dir.resolve("a.db") + "?sync.interval=soon");
        assertTrue(e.getMessage().contains("sync.interval") && e.getMessage().contains("500ms, 2s"), e.getMessage());
        e = refused("jdbc:syncsqlite:" + dir.resolve("a.db") + "?sync.transport=carrier-pigeon");
        assertTrue(e.getMessage().contains("'carrier-pigeon' for sync.transport") && e.getMessage().contains("memory"), e.getMessage());
        e = refused("jdbc:syncsqlite:" + dir.resolve("a.db") + "?sync.batchSize=0");
        assertTrue(e.getMessage().contains("sync.batchSize"), e.getMessage());
        e = refused("jdbc:syncsqlite:" + dir.resolve("a.db") + "?sync.namespace=../etc");
        assertTrue(e.getMessage().contains("sync.namespace"), e.getMessage());
    }

    @Test
    void malformedParametersAreRefused() {
        SQLException e = refused("jdbc:syncsqlite:" + dir.resolve("a.db") + "?sync.interval");
        assertTrue(e.getMessage().contains("Malformed URL parameter 'sync.interval'"), e.getMessage());
        e = refused("jdbc:syncsqlite:" + dir.resolve("a.db") + "?sync.namespace=%zz");
        assertTrue(e.getMessage().contains("Malformed percent-encoding"), e.getMessage());
        e = refused("jdbc:syncsqlite:" + dir.resolve("no-such-dir").resolve("a.db"));
        assertTrue(e.getMessage().contains("SQLITE_CANTOPEN"), e.getMessage()); // xerial's own error, unchanged
    }

    @Test
    void aPlusInASyncValueStaysAPlus() throws Exception {
        var parsed = io.syncsqlite.config.ConnectionUrl.parse("jdbc:syncsqlite:a.db?sync.dir=/mnt/c++share&sync.namespace=a%2Bb+c", null);
        assertEquals("/mnt/c++share", parsed.syncSettings().get("sync.dir"));
        assertEquals("a+b+c", parsed.syncSettings().get("sync.namespace"));
    }

    @Test
    void inMemoryDatabasesCaptureButCannotSync() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:syncsqlite::memory:"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t(id INTEGER PRIMARY KEY)");
            s.execute("INSERT INTO t VALUES (1)");
            assertEquals(SyncStatus.State.CAPTURE_ONLY, c.unwrap(SyncConnection.class).status().state());
        }
        SQLException e = refused("jdbc:syncsqlite::memory:?sync.transport=memory");
        assertTrue(e.getMessage().contains("in-memory"), e.getMessage());
    }

    @Test
    void otherParametersAndPropertiesPassToXerial() throws Exception {
        Properties p = new Properties();
        p.setProperty("sync.interval", "5s");
        p.setProperty("foreign_keys", "true");
        try (Connection c = DriverManager.getConnection("jdbc:syncsqlite:" + dir.resolve("a.db") + "?journal_mode=DELETE", p);
             Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
                rs.next();
                assertEquals("delete", rs.getString(1));
            }
            try (ResultSet rs = s.executeQuery("PRAGMA foreign_keys")) {
                rs.next();
                assertEquals(1, rs.getInt(1));
            }
        }
    }

    @Test
    void wrappersKeepBackReferencesAndUnwrapToXerial() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:syncsqlite:" + dir.resolve("a.db"))) {
            assertTrue(c instanceof org.sqlite.SQLiteConnection, "xerial's API takes the driver's connection as is (XerialApiDifferentialTest)");
            assertSame(c, c.unwrap(org.sqlite.SQLiteConnection.class));
            assertTrue(c.unwrap(org.sqlite.jdbc4.JDBC4Connection.class) instanceof org.sqlite.jdbc4.JDBC4Connection, "xerial's own object stays reachable");
            assertTrue(c.isWrapperFor(SyncConnection.class));
            assertSame(c, c.unwrap(SyncConnection.class));
            Statement s = c.createStatement();
            assertSame(c, s.getConnection());
            s.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
            ResultSet rs = s.executeQuery("SELECT 1");
            assertSame(s, rs.getStatement());
            assertTrue(s.execute("SELECT 2"));
            assertSame(s, s.getResultSet().getStatement());
            PreparedStatement ps = c.prepareStatement("INSERT INTO t(v) VALUES (?)", Statement.RETURN_GENERATED_KEYS);
            ps.setString(1, "x");
            ps.executeUpdate();
            ResultSet keys = ps.getGeneratedKeys();
            assertSame(ps, keys.getStatement());
            assertTrue(keys.next());
            try (ResultSet stored = s.executeQuery("SELECT id FROM t")) {
                stored.next();
                assertEquals(stored.getLong(1), keys.getLong(1), "the generated key is the key actually stored");
            }
            DatabaseMetaData md = c.getMetaData();
            assertSame(c, md.getConnection());
            assertTrue(md.getURL().startsWith("jdbc:sqlite:"), md.getURL());
            try (ResultSet tables = md.getTables(null, null, "%", null)) {
                while (tables.next()) assertFalse(tables.getString("TABLE_NAME").startsWith("_syncsqlite_"), tables.getString("TABLE_NAME"));
                Statement owner = tables.getStatement();
                if (owner != null) assertSame(c, owner.getConnection());
            }
        }
    }

    @Test
    void acceptsOnlyItsOwnPrefix() throws Exception {
        SyncDriver d = new SyncDriver();
        assertTrue(d.acceptsURL("jdbc:syncsqlite:x.db"));
        assertFalse(d.acceptsURL("jdbc:sqlite:x.db"));
        assertNull(d.connect("jdbc:sqlite:x.db", new Properties()));
    }

    /** Issue 10 item 7: as xerial, answers without a URL, and every entry says what it means. */
    @Test
    void propertyInfoWithoutUrlAndWithDescriptions() throws Exception {
        java.sql.Driver d = DriverManager.getDriver("jdbc:syncsqlite:x.db");
        java.util.Properties props = new java.util.Properties();
        props.setProperty("sync.interval", "3s");
        java.sql.DriverPropertyInfo[] none = d.getPropertyInfo(null, props);
        java.sql.DriverPropertyInfo[] xerial = new org.sqlite.JDBC().getPropertyInfo(null, new java.util.Properties());
        assertEquals(xerial.length + io.syncsqlite.config.SyncConfig.CORE_KEYS.size(), none.length);
        for (java.sql.DriverPropertyInfo p : none) {
            if (!p.name.startsWith("sync.")) continue;
            assertTrue(p.description != null && !p.description.isBlank(), p.name + " has no description");
            if (p.name.equals("sync.interval")) assertEquals("3s", p.value);
        }
        java.sql.DriverPropertyInfo[] withTransport = d.getPropertyInfo("jdbc:syncsqlite:x.db?sync.transport=memory", null);
        assertTrue(java.util.Arrays.stream(withTransport).anyMatch(p -> "sync.transport".equals(p.name) && "memory".equals(p.value)));
    }
}
