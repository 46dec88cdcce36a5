package io.syncsqlite.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every INSERT shape that leaves the key to SQLite gets a cross-replica key; explicit keys stay; reports match. */
class InsertShapesTest {
    @TempDir
    Path dir;
    Connection c;
    int tag;

    @BeforeEach
    void open() throws SQLException {
        c = DriverManager.getConnection("jdbc:syncsqlite:" + dir.resolve("shapes.db"));
        exec("CREATE TABLE parent(id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, n INTEGER DEFAULT 0)");
        exec("CREATE TABLE src(name TEXT)");
        tag = KeyScheme.provisionalTag(c.unwrap(io.syncsqlite.SyncConnection.class).siteId()); // capture only: never coordinated
    }

    @AfterEach
    void close() throws SQLException {
        c.close();
    }

    @Test
    void columnLeftOutNullOrBoundNullGetSchemeKeys() throws SQLException {
        exec("INSERT INTO parent(name) VALUES ('omitted')");
        assertSchemeKey(lastRowid(), "omitted");
        exec("INSERT INTO parent(id, name) VALUES (NULL, 'null')");
        assertSchemeKey(lastRowid(), "null");
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO parent(id, name) VALUES (?, ?)", Statement.RETURN_GENERATED_KEYS)) {
            ps.setNull(1, java.sql.Types.INTEGER);
            ps.setString(2, "bound null");
            ps.executeUpdate();
            assertSchemeKey(generatedKey(ps), "bound null");
            ps.setLong(1, 7);
            ps.setString(2, "explicit");
            ps.executeUpdate();
            assertEquals(7, generatedKey(ps));
        }
        assertEquals(7, idOf("explicit"));
        exec("INSERT INTO parent VALUES (NULL, 'no column list', 1)");
        assertSchemeKey(lastRowid(), "no column list");
        exec("INSERT INTO \"parent\"(\"name\", rowid) VALUES ('rowid name', NULL)");
        assertSchemeKey(lastRowid(), "rowid name");
    }

    @Test
    void namesTheParserTakesForKeywordsGetSchemeKeysAndReportThem() throws SQLException {
        // "sample" is a keyword to JSqlParser and an ordinary name to SQLite (xerial's own tests have such a table):
        // unparsed, the INSERT was keyed by the capture trigger, and getGeneratedKeys() and last_insert_rowid() said 0
        exec("CREATE TABLE sample(id INTEGER PRIMARY KEY, name TEXT, sample TEXT)");
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO sample(name, sample) VALUES (?, ?)", Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, "prepared");
            ps.setString(2, "x");
            assertEquals(1, ps.executeUpdate());
            long id = generatedKey(ps);
            assertEquals(id, lastRowid(), "last_insert_rowid() is the generated key");
            assertSchemeKey("sample", id, "prepared");
        }
        exec("INSERT INTO main.sample (sample,name) VALUES ('y', 'schema-qualified')");
        assertSchemeKey("sample", lastRowid(), "schema-qualified");
        exec("INSERT INTO sample VALUES (NULL, 'no column list', 'z')");
        assertSchemeKey("sample", lastRowid(), "no column list");
    }

    @Test
    void defaultValuesMultiRowSelectAndWith() throws SQLException {
        exec("INSERT INTO parent DEFAULT VALUES");
        long dv = lastRowid();
        assertEquals(tag, KeyScheme.blockTagOf(dv));
        exec("INSERT INTO parent(name) VALUES ('m1'), ('m2'), ('m3')");
        assertSchemeKey(idOf("m3"), "m3");
        assertTrue(idOf("m1") < idOf("m2") && idOf("m2") < idOf("m3"), "keys increase within a statement");
        exec("INSERT INTO src VALUES ('s1'), ('s2'), ('s3')");
        exec("INSERT INTO parent(name) SELECT name FROM src ORDER BY name");
        for (String name : List.of("s1", "s2", "s3")) assertSchemeKey(idOf(name), name);
        exec("INSERT INTO parent(id, name) SELECT NULL, 'sel-' || name FROM src UNION ALL SELECT 9, 'nine'");
        assertSchemeKey(idOf("sel-s2"), "sel-s2");
        assertEquals(9, idOf("nine"));
        exec("WITH w(x) AS (SELECT 'with') INSERT INTO parent(name) SELECT x FROM w");
        assertSchemeKey(idOf("with"), "with");
        assertEquals(12, count("parent"));
        assertEquals(count("parent"), scalar("SELECT count(DISTINCT id) FROM parent"));
    }

    @Test
    void conflictClausesUpsertAndReturning() throws SQLException {
        exec("INSERT OR IGNORE INTO parent(name) VALUES ('a')");
        long a = idOf("a");
        assertSchemeKey(a, "a");
        exec("INSERT OR IGNORE INTO parent(name) VALUES ('a')");
        assertEquals(1, count("parent"));
        exec("INSERT INTO parent(name, n) VALUES ('a', 5) ON CONFLICT(name) DO UPDATE SET n = n + excluded.n");
        assertEquals(a, idOf("a"));
        assertEquals(5, scalar("SELECT n FROM parent WHERE name = 'a'"));
        exec("INSERT INTO parent(name) SELECT 'b' ON CONFLICT(name) DO NOTHING");
        assertSchemeKey(idOf("b"), "b");
        exec("REPLACE INTO parent(name, n) VALUES ('a', 1)");
        assertSchemeKey(idOf("a"), "a");
        assertTrue(idOf("a") > a, "REPLACE deleted the old row and inserted a new one with a new key");
        exec("INSERT OR REPLACE INTO parent(name) VALUES ('c')");
        assertSchemeKey(idOf("c"), "c");
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("INSERT INTO parent(name) VALUES ('r') RETURNING id")) {
            assertTrue(rs.next());
            assertEquals(idOf("r"), rs.getLong(1));
        }
        assertSchemeKey(idOf("r"), "r");
    }

    @Test
    void batchesOfPreparedAndPlainStatements() throws SQLException {
        c.setAutoCommit(false);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO parent(name) VALUES (?)")) {
            for (int i = 0; i < 50; i++) {
                ps.setString(1, "p" + i);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        try (Statement s = c.createStatement()) {
            s.addBatch("INSERT INTO parent(name) VALUES ('plain1')");
            s.addBatch("INSERT INTO parent(name) VALUES ('plain2')");
            s.executeBatch();
        }
        c.commit();
        List<Long> ids = ids();
        assertEquals(52, ids.size());
        for (long id : ids) assertEquals(tag, KeyScheme.blockTagOf(id));
        assertEquals(52, scalar("SELECT count(DISTINCT id) FROM parent"));
    }

    @Test
    void deletedNewestKeyIsNeverReusedAndKeysSurviveReopening() throws SQLException {
        exec("INSERT INTO parent(name) VALUES ('x')");
        long x = idOf("x");
        exec("DELETE FROM parent WHERE id = " + x);
        exec("INSERT INTO parent(name) VALUES ('y')");
        assertTrue(idOf("y") > x, "tombstoned key not reused");
        c.close();
        c = DriverManager.getConnection("jdbc:syncsqlite:" + dir.resolve("shapes.db"));
        exec("INSERT INTO parent(name) VALUES ('z')");
        assertTrue(idOf("z") > idOf("y"));
        assertEquals(tag, KeyScheme.blockTagOf(idOf("z")));
    }

    @Test
    void otherTablesAndInMemoryDatabasesKeepSqliteKeys() throws SQLException {
        exec("CREATE TABLE wr(id INTEGER PRIMARY KEY, v TEXT) WITHOUT ROWID",
             "CREATE TABLE big(id BIGINT PRIMARY KEY, v TEXT)",
             "INSERT INTO wr VALUES (1, 'a')",
             "INSERT INTO big(v) VALUES ('b')");
        assertEquals(1, scalar("SELECT id FROM wr"));
        assertEquals(1, scalar("SELECT rowid FROM big"));
        try (Connection mem = DriverManager.getConnection("jdbc:syncsqlite::memory:"); Statement s = mem.createStatement()) {
            s.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
            s.execute("INSERT INTO t(v) VALUES ('a'), ('b')");
            try (ResultSet rs = s.executeQuery("SELECT group_concat(id) FROM t")) {
                rs.next();
                assertEquals("1,2", rs.getString(1));
            }
        }
    }

    private void assertSchemeKey(long id, String name) throws SQLException {
        assertSchemeKey("parent", id, name);
    }

    private void assertSchemeKey(String table, long id, String name) throws SQLException {
        assertEquals(id, idOf(table, name), "reported key is the stored key of " + name);
        assertEquals(tag, KeyScheme.blockTagOf(id), "block of " + name);
        assertTrue(id > 0 && id < (1L << 31), "positive, below 2^31: " + id);
    }

    private long idOf(String name) throws SQLException {
        return idOf("parent", name);
    }

    private long idOf(String table, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM \"" + table + "\" WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next(), "row " + name);
                return rs.getLong(1);
            }
        }
    }

    private List<Long> ids() throws SQLException {
        List<Long> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id FROM parent")) {
            while (rs.next()) out.add(rs.getLong(1));
        }
        return out;
    }

    private long lastRowid() throws SQLException {
        return scalar("SELECT last_insert_rowid()");
    }

    private static long generatedKey(Statement s) throws SQLException {
        try (ResultSet rs = s.getGeneratedKeys()) {
            assertTrue(rs.next());
            return rs.getLong(1);
        }
    }

    private long count(String table) throws SQLException {
        return scalar("SELECT count(*) FROM " + table);
    }

    private long scalar(String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private void exec(String... sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String q : sql) s.execute(q);
        }
    }
}
