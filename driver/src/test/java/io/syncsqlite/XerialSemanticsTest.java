package io.syncsqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * Issue 20 cases 6 and 7: xerial's own API and SQLite's behaviour through the driver, each compared with plain
 * {@code jdbc:sqlite:} in the same run, with the sync engine running (memory transport).
 */
class XerialSemanticsTest {
    @TempDir
    Path dir;

    /** One namespace per test: every connection of a file names the same settings. */
    private final String ns = "x" + System.nanoTime();

    private String synced(Path file) {
        return "jdbc:syncsqlite:" + file + "?sync.transport=memory&sync.namespace=" + ns + "&sync.interval=1h";
    }

    /** Opens {@code file} through {@code jdbc:sqlite:} ({@code plain}) or the driver with a running engine. */
    private Connection open(boolean plain, Path file) throws SQLException {
        return DriverManager.getConnection(plain ? "jdbc:sqlite:" + file : synced(file));
    }

    private void startedEngine(Connection c) throws SQLException {
        if (c.isWrapperFor(SyncConnection.class)) c.unwrap(SyncConnection.class).syncNow();
    }

    @Test
    void aWriteAfterTheFileWasMovedFailsAsOnPlain() throws Exception {
        for (boolean plain : new boolean[] {true, false}) {
            Path from = dir.resolve((plain ? "plain" : "synced") + "-from.db");
            try (Connection c = open(plain, from); Statement s = c.createStatement()) {
                s.executeUpdate("CREATE TABLE sample(id INTEGER PRIMARY KEY, name TEXT)");
                s.executeUpdate("INSERT INTO sample(name) VALUES ('foo')");
                startedEngine(c);
                Files.move(from, dir.resolve((plain ? "plain" : "synced") + "-to.db"));
                SQLException e = assertThrows(SQLException.class, () -> s.executeUpdate("INSERT INTO sample(name) VALUES ('bar')"), "plain=" + plain);
                assertTrue(e.getMessage().contains("[SQLITE_READONLY_DBMOVED]"), e.getMessage());
                assertEquals(SQLiteErrorCode.SQLITE_READONLY.code, e.getErrorCode());
                assertEquals(SQLiteErrorCode.SQLITE_READONLY_DBMOVED, ((SQLiteException) e).getResultCode());
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM sample")) { // reads go on, as on plain
                    rs.next();
                    assertEquals(1, rs.getInt(1));
                }
            }
        }
    }

    /** xerial's ErrorMessageTest.writeProtected, with SQLite's read-only open flag (root writes a read-only file anyway). */
    @Test
    void aWriteOnAConnectionOpenedReadOnlyFailsAsOnPlain() throws Exception {
        Map<Boolean, String> outcome = new HashMap<>();
        for (boolean plain : new boolean[] {true, false}) {
            Path file = dir.resolve((plain ? "plain" : "synced") + "-ro.db");
            try (Connection c = open(plain, file); Statement s = c.createStatement()) {
                s.executeUpdate("CREATE TABLE sample(id INTEGER PRIMARY KEY, name TEXT)");
                s.executeUpdate("INSERT INTO sample(name) VALUES ('foo')");
                startedEngine(c);
            }
            java.util.Properties readOnly = new org.sqlite.SQLiteConfig() { { setReadOnly(true); } }.toProperties();
            String url = plain ? "jdbc:sqlite:" + file : synced(file);
            try (Connection c = DriverManager.getConnection(url, readOnly); Statement s = c.createStatement()) {
                SQLException e = assertThrows(SQLException.class, () -> s.executeUpdate("INSERT INTO sample(name) VALUES ('bar')"), "plain=" + plain);
                outcome.put(plain, e.getMessage() + " code=" + e.getErrorCode() + " result=" + ((SQLiteException) e).getResultCode()
                        + Twins.query(c, "SELECT name FROM sample"));
            }
        }
        assertTrue(outcome.get(true).contains("[SQLITE_READONLY]"), outcome.get(true));
        assertEquals(outcome.get(true), outcome.get(false));
    }

    /** xerial's ListenerTest.testMultiConnectionHook: a connection's update listener hears that connection's writes only. */
    @Test
    void anUpdateListenerHearsOnlyItsOwnConnectionsWritesToTheApplicationsTables() throws Exception {
        Map<Boolean, List<String>> heard = new HashMap<>();
        for (boolean plain : new boolean[] {true, false}) {
            String tag = plain ? "plain" : "synced";
            List<String> events = new CopyOnWriteArrayList<>();
            try (Connection c = open(plain, dir.resolve(tag + "-u.db")); Connection o = open(plain, dir.resolve(tag + "-u.db"));
                    Connection peer = plain ? null : DriverManager.getConnection(synced(dir.resolve("u-peer.db")))) {
                c.createStatement().executeUpdate("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
                startedEngine(c);
                ((SQLiteConnection) o).addUpdateListener((type, database, table, rowId) -> events.add(type + " " + database + "." + table));
                c.createStatement().executeUpdate("INSERT INTO t(v) VALUES ('from c')");
                c.createStatement().executeUpdate("UPDATE t SET v = 'c again'");
                if (peer != null) { // the engine applies a peer's row on its own connection
                    peer.createStatement().executeUpdate("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
                    peer.createStatement().executeUpdate("INSERT INTO t(v) VALUES ('peer')");
                    peer.unwrap(SyncConnection.class).syncNow();
                    c.unwrap(SyncConnection.class).syncNow();
                }
                o.createStatement().executeUpdate("INSERT INTO t(v) VALUES ('from o')");
                o.createStatement().executeUpdate("DELETE FROM t WHERE v = 'from o'");
            }
            heard.put(plain, events);
        }
        assertEquals(List.of("INSERT main.t", "DELETE main.t"), heard.get(true));
        assertEquals(heard.get(true), heard.get(false));
    }

    /**
     * {@code changes()} and the JDBC counts are plain SQLite's; {@code total_changes()} also counts what the capture
     * triggers write (docs/compatibility.md): one outbox entry per row change of a table keyed by one column.
     */
    @Test
    void changesAreAsOnPlainAndTotalChangesAddsOneCaptureWritePerRowChange() throws Exception {
        Map<Boolean, List<String>> counts = new HashMap<>();
        Map<Boolean, Long> totals = new HashMap<>();
        String[] script = {"INSERT INTO t(v) VALUES ('a'), ('b'), ('c')", "UPDATE t SET v = v || '!' WHERE v <> 'b'", "DELETE FROM t WHERE v = 'b'",
            "INSERT INTO log(what) SELECT v FROM t", "UPDATE t SET v = 'same' WHERE 0"};
        for (boolean plain : new boolean[] {true, false}) {
            try (Connection c = open(plain, dir.resolve((plain ? "plain" : "synced") + "-counts.db")); Statement s = c.createStatement()) {
                s.executeUpdate("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
                s.executeUpdate("CREATE TABLE log(id TEXT PRIMARY KEY DEFAULT (lower(hex(randomblob(8)))), what TEXT)");
                startedEngine(c);
                long before = scalar(c, "SELECT total_changes()");
                List<String> seen = new ArrayList<>();
                for (String sql : script) seen.add(s.executeUpdate(sql) + "/" + scalar(c, "SELECT changes()"));
                counts.put(plain, seen);
                totals.put(plain, scalar(c, "SELECT total_changes()") - before);
            }
        }
        assertEquals(List.of("3/3", "2/2", "1/1", "2/2", "0/0"), counts.get(true));
        assertEquals(counts.get(true), counts.get(false));
        assertEquals(8, totals.get(true));
        assertEquals(8 + 8, totals.get(false), "plain's row changes, and an outbox entry for each");
    }

    private static long scalar(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void unwrapReturnsTheDriversObjects() throws Exception {
        try (Connection c = open(false, dir.resolve("u.db")); Statement s = c.createStatement();
                PreparedStatement ps = c.prepareStatement("SELECT 1"); ResultSet rs = s.executeQuery("SELECT 1")) {
            assertSame(s, s.unwrap(Statement.class));
            assertSame(ps, ps.unwrap(PreparedStatement.class));
            assertSame(ps, ps.unwrap(Statement.class));
            assertSame(rs, rs.unwrap(ResultSet.class));
            assertSame(c, c.unwrap(Connection.class));
            assertSame(c, c.unwrap(SQLiteConnection.class));
            DatabaseMetaData md = c.getMetaData();
            assertSame(md, md.unwrap(DatabaseMetaData.class));
        }
    }

    @Test
    void serializedBytesWrittenToAFileOpenThroughTheDriver() throws Exception {
        byte[] bytes;
        try (Connection c = open(false, dir.resolve("source.db")); Statement s = c.createStatement()) {
            s.executeUpdate("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
            s.executeUpdate("INSERT INTO t(v) VALUES ('a'), ('b')");
            startedEngine(c);
            bytes = ((SQLiteConnection) c).serialize("main");
        }
        Path copy = dir.resolve("copy.db");
        Files.write(copy, bytes);
        try (Connection c = open(false, copy); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT group_concat(v) FROM t")) {
            rs.next();
            assertEquals("a,b", rs.getString(1));
        }
    }

    /** xerial's SerializeTest.testBufferIsFileCompatible: an in-memory schema's image, written to a file, opens as a database. */
    @Test
    void anInMemorySchemasImageWrittenToAFileOpensThroughTheDriver() throws Exception {
        for (boolean plain : new boolean[] {true, false}) {
            byte[] bytes;
            try (Connection c = DriverManager.getConnection(plain ? "jdbc:sqlite:" : "jdbc:syncsqlite:"); Statement s = c.createStatement()) {
                s.execute("ATTACH ':memory:' AS a_schema");
                s.execute("CREATE TABLE a_schema.a_table (id INTEGER PRIMARY KEY, x integer)"); // a key: the engine syncs it
                s.execute("INSERT INTO a_schema.a_table (x) VALUES (1007)");
                bytes = ((SQLiteConnection) c).serialize("a_schema");
            }
            Path file = Files.write(dir.resolve((plain ? "plain" : "synced") + "-image.db"), bytes);
            try (Connection c = open(plain, file); Statement s = c.createStatement()) {
                startedEngine(c);
                assertEquals(" SELECT x FROM main.a_table -> 1007;\n", Twins.query(c, "SELECT x FROM main.a_table"), "plain=" + plain);
                s.executeUpdate("INSERT INTO a_table(x) VALUES (1008)");
                assertEquals(" SELECT count(*) FROM a_table -> 2;\n", Twins.query(c, "SELECT count(*) FROM a_table"), "plain=" + plain);
            }
        }
    }

    /** xerial's SerializeTest.testFileIsBufferCompatible: a file's bytes, once its connections closed, deserialize as a database. */
    @Test
    void aFilesBytesDeserializeAsOnPlain() throws Exception {
        for (boolean plain : new boolean[] {true, false}) {
            Path file = dir.resolve((plain ? "plain" : "synced") + "-bytes.db");
            try (Connection c = open(plain, file); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE a_table (id INTEGER PRIMARY KEY, x integer)");
                s.execute("INSERT INTO a_table (x) VALUES (1007)");
                startedEngine(c);
            }
            byte[] bytes = Files.readAllBytes(file);
            try (Connection c = DriverManager.getConnection(plain ? "jdbc:sqlite:" : "jdbc:syncsqlite:"); Statement s = c.createStatement()) {
                s.execute("ATTACH ':memory:' AS another_schema");
                ((SQLiteConnection) c).deserialize("another_schema", bytes);
                assertEquals(" SELECT x FROM another_schema.a_table -> 1007;\n", Twins.query(c, "SELECT x FROM another_schema.a_table"), "plain=" + plain);
                s.execute("INSERT INTO another_schema.a_table(x) VALUES (1008)"); // writable, as on plain
                assertEquals(" SELECT count(*) FROM another_schema.a_table -> 2;\n", Twins.query(c, "SELECT count(*) FROM another_schema.a_table"));
            }
        }
    }

    @Test
    void deserializeIntoAnAttachedSchemaAsOnPlain() throws Exception {
        for (boolean plain : new boolean[] {true, false}) {
            byte[] bytes;
            try (Connection c = DriverManager.getConnection(plain ? "jdbc:sqlite:" : "jdbc:syncsqlite:"); Statement s = c.createStatement()) {
                s.execute("ATTACH ':memory:' AS a_schema");
                s.execute("CREATE TABLE a_schema.a_table (x integer)");
                s.execute("INSERT INTO a_schema.a_table (x) VALUES (1007)");
                bytes = ((SQLiteConnection) c).serialize("a_schema");
            }
            try (Connection c = DriverManager.getConnection(plain ? "jdbc:sqlite:" : "jdbc:syncsqlite:"); Statement s = c.createStatement()) {
                s.execute("ATTACH ':memory:' AS another_schema");
                ((SQLiteConnection) c).deserialize("another_schema", bytes);
                try (ResultSet rs = s.executeQuery("SELECT * FROM another_schema.a_table")) {
                    rs.next();
                    assertEquals(1007, rs.getInt(1), "plain=" + plain);
                }
            }
        }
    }

    @Test
    void aSecondConnectionTimesOutOnALockedDatabaseWithTheBusyTimeoutTheApplicationSet() throws Exception {
        for (boolean plain : new boolean[] {true, false}) {
            Path file = dir.resolve((plain ? "plain" : "synced") + "-busy.db");
            try (Connection writer = open(plain, file); Connection other = open(plain, file)) {
                writer.createStatement().executeUpdate("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
                startedEngine(writer);
                writer.setAutoCommit(false);
                writer.createStatement().executeUpdate("INSERT INTO t(v) VALUES ('w')");
                ((SQLiteConnection) other).setBusyTimeout(500);
                long t0 = System.nanoTime();
                SQLException e = assertThrows(SQLException.class, () -> other.createStatement().executeUpdate("INSERT INTO t(v) VALUES ('o')"), "plain=" + plain);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(e.getMessage().contains("SQLITE_BUSY"), e.getMessage());
                assertTrue(ms >= 400 && ms < 10_000, "plain=" + plain + ": timed out after " + ms + " ms, busy timeout 500 ms");
                writer.rollback();
            }
        }
    }

    @Test
    void sqliteMasterListsNoAutoindexOfTheDriversTables() throws Exception {
        Map<Boolean, List<String>> autoindexes = new HashMap<>();
        for (boolean plain : new boolean[] {true, false}) {
            try (Connection c = open(plain, dir.resolve((plain ? "plain" : "synced") + "-auto.db")); Statement s = c.createStatement()) {
                s.executeUpdate("CREATE TABLE tag(id INTEGER PRIMARY KEY, name TEXT UNIQUE)");
                startedEngine(c);
                List<String> names = new ArrayList<>();
                try (ResultSet rs = s.executeQuery("SELECT name FROM sqlite_schema WHERE name LIKE 'sqlite_autoindex%' ORDER BY name")) {
                    while (rs.next()) names.add(rs.getString(1));
                }
                autoindexes.put(plain, names);
            }
        }
        assertEquals(List.of("sqlite_autoindex_tag_1"), autoindexes.get(true));
        assertEquals(autoindexes.get(true), autoindexes.get(false));
    }

    /**
     * A file whose metadata an earlier version made, with its keys as UNIQUE constraints (their autoindexes in
     * sqlite_schema): once the driver opens it, sqlite_schema lists none, and the rows and keys are kept.
     */
    @Test
    void aFileAnEarlierVersionMadeLosesTheDriversAutoindexes() throws Exception {
        Path file = dir.resolve("earlier.db");
        String site;
        try (Connection c = open(false, file); Statement s = c.createStatement()) {
            s.executeUpdate("CREATE TABLE tag(id INTEGER PRIMARY KEY, name TEXT UNIQUE)");
            s.executeUpdate("INSERT INTO tag(name) VALUES ('one')");
            site = c.unwrap(SyncConnection.class).siteId();
        }
        String[][] earlier = { // the three tables as 51957d1 made them
            {"_syncsqlite_sites", "idx INTEGER PRIMARY KEY, site TEXT NOT NULL UNIQUE", "idx, site"},
            {"_syncsqlite_tables", "id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE", "id, name"},
            {"_syncsqlite_deadletters", "id INTEGER PRIMARY KEY, tbl TEXT NOT NULL, pk TEXT NOT NULL, col TEXT NOT NULL, val,"
                    + " hlc INTEGER NOT NULL, site TEXT NOT NULL, cl INTEGER NOT NULL, reason TEXT NOT NULL, refuser TEXT NOT NULL,"
                    + " limits TEXT NOT NULL, retry INTEGER NOT NULL DEFAULT 0, at INTEGER, UNIQUE (tbl, pk, col)",
                "id, tbl, pk, col, val, hlc, site, cl, reason, refuser, limits, retry, at"}};
        try (Connection plain = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = plain.createStatement()) {
            s.execute("PRAGMA legacy_alter_table = ON");
            for (String[] t : earlier) {
                s.execute("DROP INDEX " + t[0] + "_key");
                s.execute("CREATE TABLE " + t[0] + "_old(" + t[1] + ")");
                s.execute("INSERT INTO " + t[0] + "_old(" + t[2] + ") SELECT " + t[2] + " FROM " + t[0]);
                s.execute("DROP TABLE " + t[0]);
                s.execute("ALTER TABLE " + t[0] + "_old RENAME TO " + t[0]);
            }
            assertEquals(" SELECT count(*) FROM sqlite_schema WHERE name LIKE 'sqlite_autoindex__syncsqlite%' -> 3;\n",
                    Twins.query(plain, "SELECT count(*) FROM sqlite_schema WHERE name LIKE 'sqlite_autoindex__syncsqlite%'"));
        }
        try (Connection c = open(false, file); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO tag(name) VALUES ('two')");
            assertEquals(" SELECT name FROM sqlite_schema WHERE name LIKE 'sqlite_autoindex%' ORDER BY name -> sqlite_autoindex_tag_1;\n",
                    Twins.query(c, "SELECT name FROM sqlite_schema WHERE name LIKE 'sqlite_autoindex%' ORDER BY name"));
            assertEquals(site, c.unwrap(SyncConnection.class).siteId());
            assertEquals(" SELECT name FROM tag ORDER BY name -> one; two;\n", Twins.query(c, "SELECT name FROM tag ORDER BY name"));
        }
        try (Connection plain = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = plain.createStatement()) {
            assertEquals(" PRAGMA integrity_check -> ok;\n", Twins.query(plain, "PRAGMA integrity_check"));
            assertEquals(" SELECT name FROM _syncsqlite_tables -> tag;\n", Twins.query(plain, "SELECT name FROM _syncsqlite_tables"));
            SQLException twice = assertThrows(SQLException.class, () -> s.execute("INSERT INTO _syncsqlite_tables(id, name) VALUES (99, 'tag')"));
            assertTrue(twice.getMessage().contains("UNIQUE"), twice.getMessage()); // the key is kept, by the named index
        }
    }

    @Test
    void switchingTheJournalModeWhileTheEngineSyncsFailsNamingWhyAndTheUrlChoosesIt() throws Exception {
        Path file = dir.resolve("journal.db");
        try (Connection c = open(false, file); Statement s = c.createStatement()) {
            s.executeUpdate("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
            startedEngine(c);
            SQLException e = assertThrows(SQLException.class, () -> s.executeQuery("PRAGMA journal_mode = DELETE").close());
            assertEquals(SQLiteErrorCode.SQLITE_BUSY.code, e.getErrorCode());
            assertTrue(e.getMessage().contains("sync engine") && e.getMessage().contains("journal_mode=DELETE"), e.getMessage());
        }
        String ns = "journal-" + System.nanoTime();
        try (Connection a = DriverManager.getConnection("jdbc:syncsqlite:" + dir.resolve("a.db") + "?journal_mode=DELETE&sync.transport=memory&sync.namespace=" + ns + "&sync.interval=1h");
                Connection b = DriverManager.getConnection("jdbc:syncsqlite:" + dir.resolve("b.db") + "?sync.transport=memory&sync.namespace=" + ns + "&sync.interval=1h")) {
            for (Connection c : new Connection[] {a, b}) c.createStatement().executeUpdate("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
            b.createStatement().executeUpdate("INSERT INTO t(v) VALUES ('from b')");
            b.unwrap(SyncConnection.class).syncNow();
            a.unwrap(SyncConnection.class).syncNow();
            assertEquals(" SELECT (SELECT journal_mode FROM pragma_journal_mode), (SELECT v FROM t) -> delete from b;\n",
                    Twins.query(a, "SELECT (SELECT journal_mode FROM pragma_journal_mode), (SELECT v FROM t)"));
        }
    }

    @Test
    void commitListenersHearOnlyTheApplicationsTransactions() throws Exception {
        Map<Boolean, List<String>> heard = new HashMap<>();
        for (boolean plain : new boolean[] {true, false}) {
            String tag = plain ? "plain" : "synced";
            List<String> events = new CopyOnWriteArrayList<>();
            try (Connection c = open(plain, dir.resolve(tag + "-c.db")); Connection o = open(plain, dir.resolve(tag + "-c.db"));
                    Connection peer = plain ? null : DriverManager.getConnection(synced(dir.resolve("peer.db")))) {
                c.createStatement().executeUpdate("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
                startedEngine(c);
                ((SQLiteConnection) o).addCommitListener(Twins.recordingCommits(events));
                o.createStatement().executeUpdate("INSERT INTO t(v) VALUES ('1')");
                c.setAutoCommit(false); // a table dropped inside a transaction (the driver watches for its end)
                c.createStatement().execute("CREATE TABLE u(id INTEGER PRIMARY KEY)");
                c.createStatement().execute("DROP TABLE u");
                c.commit();
                c.setAutoCommit(true);
                if (peer != null) { // the engine applies a peer's rows: not the application's transaction
                    peer.createStatement().executeUpdate("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
                    peer.createStatement().executeUpdate("INSERT INTO t(v) VALUES ('peer')");
                    peer.unwrap(SyncConnection.class).syncNow();
                    c.unwrap(SyncConnection.class).syncNow();
                }
                o.createStatement().executeUpdate("INSERT INTO t(v) VALUES ('2')");
                o.setAutoCommit(false);
                o.createStatement().executeUpdate("INSERT INTO t(v) VALUES ('3')");
                o.rollback();
            }
            heard.put(plain, events);
        }
        assertEquals(heard.get(true), heard.get(false));
    }

    /**
     * xerial's ListenerTest.testMultiConnectionHook: after its own CREATE TABLE, a connection's commit listener hears
     * its next insert commit, and no rollback (the driver instruments the new table on a connection of its own).
     */
    @Test
    void afterItsOwnDdlAConnectionsCommitListenerHearsNoRollback() throws Exception {
        Map<Boolean, List<String>> heard = new HashMap<>();
        for (boolean plain : new boolean[] {true, false}) {
            Path file = dir.resolve((plain ? "plain" : "synced") + "-listened.db");
            List<String> events = new CopyOnWriteArrayList<>();
            try (Connection c = open(plain, file); Connection other = open(plain, file); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE sample (id INTEGER PRIMARY KEY AUTOINCREMENT, description TEXT)");
                ((SQLiteConnection) c).addCommitListener(Twins.recordingCommits(events));
                s.execute("INSERT INTO sample (description) VALUES ('smert za smert')");
                other.createStatement().execute("INSERT INTO sample (description) VALUES ('amor fati')");
                s.execute("INSERT INTO sample (description) VALUES ('again')");
            }
            heard.put(plain, events);
        }
        assertEquals(List.of("commit", "commit"), heard.get(true));
        assertEquals(heard.get(true), heard.get(false));
    }

    /**
     * An application's {@code main} returns and its JVM exits, as on plain: an INSERT the driver's SQL parser cannot
     * read (JSqlParser 5.3 reads {@code sample} as a keyword) leaves no non-daemon thread behind.
     */
    @Test
    void anInsertTheParserCannotReadLeavesNoThreadThatKeepsTheJvmAlive() throws Exception {
        try (Connection c = open(false, dir.resolve("parse.db")); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE sample (id INTEGER PRIMARY KEY, description TEXT)");
            java.util.Set<Thread> before = nonDaemonThreads();
            for (int i = 0; i < 3; i++) s.execute("INSERT INTO sample (description) VALUES ('" + i + "')");
            java.util.Set<Thread> left = nonDaemonThreads();
            left.removeAll(before);
            assertEquals(java.util.Set.of(), left);
            assertEquals(" SELECT count(*) FROM sample -> 3;\n", Twins.query(c, "SELECT count(*) FROM sample"));
        }
    }

    private static java.util.Set<Thread> nonDaemonThreads() {
        java.util.Set<Thread> out = new java.util.HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) if (t.isAlive() && !t.isDaemon()) out.add(t);
        return out;
    }
}
