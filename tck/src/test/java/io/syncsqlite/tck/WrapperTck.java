package io.syncsqlite.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncsqlite.SyncConnection;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.sqlite.SQLiteConnection;

/**
 * {@link java.sql.Wrapper} and back-references: what the wrapper must guarantee on top of xerial. Every result set,
 * statement and metadata object leads back to the very objects the application holds, and {@code unwrap} reaches
 * xerial's real objects. The generic contracts run on both drivers; the wrapper-specific ones on syncsqlite.
 */
class WrapperTck {
    @TempDir
    static Path dir;

    private static Connection open(Flavor f) throws SQLException {
        return DriverManager.getConnection(f.prefix + newFile(f));
    }

    private static Path newFile(Flavor f) {
        return dir.resolve(f.name().toLowerCase() + "-" + System.nanoTime() + ".db");
    }

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void statementGetConnectionIsTheConnection(Flavor f) throws SQLException {
        try (Connection c = open(f); Statement s = c.createStatement(); PreparedStatement ps = c.prepareStatement("SELECT 1")) {
            assertSame(c, s.getConnection());
            assertSame(c, ps.getConnection());
        }
    }

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void queryResultSetsPointBackToTheirStatement(Flavor f) throws SQLException {
        try (Connection c = open(f); Statement s = c.createStatement(); PreparedStatement ps = c.prepareStatement("SELECT 1")) {
            try (ResultSet rs = s.executeQuery("SELECT 1")) {
                assertSame(s, rs.getStatement());
            }
            s.execute("SELECT 2");
            assertSame(s, s.getResultSet().getStatement());
            try (ResultSet rs = ps.executeQuery()) {
                assertSame(ps, rs.getStatement());
            }
            ps.execute();
            assertSame(ps, ps.getResultSet().getStatement());
        }
    }

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void metaDataGetConnectionIsTheConnection(Flavor f) throws SQLException {
        try (Connection c = open(f)) {
            assertSame(c, c.getMetaData().getConnection());
            assertTrue(c.getMetaData().getURL().startsWith("jdbc:sqlite:"), c.getMetaData().getURL());
            assertEquals("SQLite", c.getMetaData().getDatabaseProductName());
        }
    }

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void unwrapReachesXerialsConnection(Flavor f) throws SQLException {
        try (Connection c = open(f)) {
            assertTrue(c.isWrapperFor(SQLiteConnection.class));
            SQLiteConnection real = c.unwrap(SQLiteConnection.class);
            assertInstanceOf(SQLiteConnection.class, real);
            assertTrue(c.isWrapperFor(Connection.class));
            assertSame(c, c.unwrap(Connection.class));
            assertFalse(c.isWrapperFor(String.class));
            // JDBC asks for an SQLException; xerial throws ClassCastException, and the wrapper keeps xerial's behaviour
            assertThrows(ClassCastException.class, () -> c.unwrap(String.class));
        }
    }

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void customFunctionsRegisterOnTheConnectionAsIs(Flavor f) throws SQLException {
        try (Connection c = open(f)) {
            // no unwrap: xerial's helpers require an SQLiteConnection, and the driver's connection is one
            org.sqlite.Function.create(c, "twice", new org.sqlite.Function() {
                @Override
                protected void xFunc() throws SQLException {
                    result(value_int(0) * 2);
                }
            });
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT twice(21)")) {
                rs.next();
                assertEquals(42, rs.getInt(1));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void unwrapStatementsAndResultSetsToThemselvesAndXerial(Flavor f) throws SQLException {
        try (Connection c = open(f); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
            assertSame(s, s.unwrap(Statement.class));
            assertSame(rs, rs.unwrap(ResultSet.class));
            assertTrue(s.isWrapperFor(org.sqlite.core.CoreStatement.class));
            assertInstanceOf(org.sqlite.core.CoreStatement.class, s.unwrap(org.sqlite.core.CoreStatement.class));
            assertTrue(rs.isWrapperFor(org.sqlite.core.CoreResultSet.class));
            DatabaseMetaData md = c.getMetaData();
            assertSame(md, md.unwrap(DatabaseMetaData.class));
            assertTrue(md.isWrapperFor(org.sqlite.core.CoreDatabaseMetaData.class));
        }
    }

    @Test
    void syncConnectionIsReachableOnlyOnSyncsqlite() throws SQLException {
        try (Connection sync = open(Flavor.SYNCSQLITE); Connection plain = open(Flavor.SQLITE)) {
            assertTrue(sync.isWrapperFor(SyncConnection.class));
            assertSame(sync, sync.unwrap(SyncConnection.class));
            assertEquals(SyncConnection.class.getSimpleName(), SyncConnection.class.getSimpleName());
            assertFalse(plain.isWrapperFor(SyncConnection.class));
            assertSame(sync, sync.unwrap(SQLiteConnection.class), "the driver's connection is itself an SQLiteConnection");
            assertNotSame(sync.unwrap(org.sqlite.jdbc4.JDBC4Connection.class), sync);
        }
    }

    @Test
    void generatedKeysPointBackToTheStatementThatInserted() throws SQLException {
        try (Connection c = open(Flavor.SYNCSQLITE); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE g(id INTEGER PRIMARY KEY, v TEXT)");
            s.executeUpdate("INSERT INTO g(v) VALUES ('a')", Statement.RETURN_GENERATED_KEYS);
            try (ResultSet keys = s.getGeneratedKeys()) {
                assertSame(s, keys.getStatement());
                assertSame(c, keys.getStatement().getConnection());
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO g(v) VALUES (?)", Statement.RETURN_GENERATED_KEYS)) {
                ps.setString(1, "b");
                ps.executeUpdate();
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    assertSame(ps, keys.getStatement());
                    assertTrue(keys.next());
                    try (Statement q = c.createStatement(); ResultSet stored = q.executeQuery("SELECT id FROM g WHERE v = 'b'")) {
                        assertTrue(stored.next());
                        assertEquals(stored.getLong(1), keys.getLong(1), "the generated key is the key stored");
                    }
                }
            }
        }
    }

    @Test
    void xerialLeaksItsInternalStatementThroughGeneratedKeys() throws SQLException {
        // why the wrapper re-parents: plain xerial answers with an internal statement of its own
        try (Connection c = open(Flavor.SQLITE); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE g(id INTEGER PRIMARY KEY, v TEXT)");
            s.executeUpdate("INSERT INTO g(v) VALUES ('a')", Statement.RETURN_GENERATED_KEYS);
            try (ResultSet keys = s.getGeneratedKeys()) {
                assertNotSame(s, keys.getStatement());
            }
        }
    }

    @Test
    void metadataResultSetsLeadBackToTheApplicationsConnection() throws SQLException {
        try (Connection c = open(Flavor.SYNCSQLITE)) {
            c.createStatement().execute("CREATE TABLE m(id TEXT PRIMARY KEY, p TEXT REFERENCES m(id))");
            DatabaseMetaData md = c.getMetaData();
            List<ResultSet> all = new ArrayList<>(List.of(md.getTables(null, null, "%", null), md.getColumns(null, null, "%", null),
                    md.getPrimaryKeys(null, null, "m"), md.getImportedKeys(null, null, "m"), md.getExportedKeys(null, null, "m"),
                    md.getIndexInfo(null, null, "m", false, false), md.getTypeInfo(), md.getCatalogs(), md.getSchemas(), md.getTableTypes()));
            for (ResultSet rs : all) {
                try (rs) {
                    Statement owner = rs.getStatement();
                    if (owner != null) assertSame(c, owner.getConnection(), "metadata result set leads to the app's connection");
                }
            }
            assertSame(md, c.getMetaData(), "one metadata wrapper per connection");
        }
    }

    @Test
    void internalTablesAreHiddenFromGetTablesAndGetColumns() throws SQLException {
        try (Connection c = open(Flavor.SYNCSQLITE)) {
            c.createStatement().execute("CREATE TABLE visible(id TEXT PRIMARY KEY, v TEXT)");
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = c.getMetaData().getTables(null, null, "%", null)) {
                while (rs.next()) tables.add(rs.getString("TABLE_NAME"));
            }
            assertTrue(tables.contains("visible"), tables.toString());
            assertTrue(tables.stream().noneMatch(t -> t.contains("_syncsqlite_")), tables.toString());
            try (ResultSet rs = c.getMetaData().getColumns(null, null, "%", null)) {
                while (rs.next()) assertFalse(rs.getString("TABLE_NAME").contains("_syncsqlite_"), rs.getString("TABLE_NAME"));
            }
            // ...while they exist and capture: raw SQL sees them
            try (ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM sqlite_master WHERE name LIKE '\\_syncsqlite\\_%' ESCAPE '\\'")) {
                rs.next();
                assertTrue(rs.getInt(1) > 0);
            }
        }
    }

    @Test
    void urlReportsTheUnderlyingSqliteUrlWithoutSyncParameters() throws Exception {
        String ns = Replicas.namespace("wrapper");
        java.nio.file.Path file = newFile(Flavor.SYNCSQLITE);
        try (Connection c = DriverManager.getConnection(Replicas.url(file, ns) + "&foreign_keys=true")) {
            String url = c.getMetaData().getURL();
            assertTrue(url.startsWith("jdbc:sqlite:" + file), url);
            assertFalse(url.contains("sync."), url);
            try (Connection plain = DriverManager.getConnection(url)) {
                assertTrue(plain.isValid(1), "the reported URL opens with plain xerial");
            }
        }
    }

    @Test
    void intentionalDifferencesWalAndBusyTimeoutDefaults() throws SQLException {
        try (Connection sync = open(Flavor.SYNCSQLITE); Connection plain = open(Flavor.SQLITE)) {
            assertEquals("wal", one(sync, "PRAGMA journal_mode"));
            assertEquals("delete", one(plain, "PRAGMA journal_mode"));
            assertEquals("30000", one(sync, "PRAGMA busy_timeout"));
            assertEquals("3000", one(plain, "PRAGMA busy_timeout"));
        }
    }

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void inMemoryDatabasesCountUpdatesLikeFiles(Flavor f) throws SQLException {
        try (Connection c = DriverManager.getConnection(f.prefix + ":memory:"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE m(id TEXT PRIMARY KEY, v INTEGER)");
            assertEquals(2, s.executeUpdate("INSERT INTO m VALUES ('a', 1), ('b', 2)"));
            assertEquals(2, s.executeUpdate("UPDATE m SET v = v + 1"));
            assertEquals("memory", one(c, "PRAGMA journal_mode"));
        }
    }

    private static String one(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
