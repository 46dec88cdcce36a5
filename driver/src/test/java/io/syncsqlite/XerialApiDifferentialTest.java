package io.syncsqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.BusyHandler;
import org.sqlite.Collation;
import org.sqlite.Function;
import org.sqlite.ProgressHandler;
import org.sqlite.SQLiteConnection;

/**
 * xerial's own API called on the connection the application holds, with no {@code unwrap}: the same script through
 * jdbc:sqlite: and jdbc:syncsqlite: must observe the same (issue 10 item 3).
 */
class XerialApiDifferentialTest {
    @TempDir
    Path dir;

    private void same(Twins.Script script) throws Exception {
        Twins.same(dir, script);
    }

    @Test
    void theConnectionIsAnSqliteConnectionOverTheSameDatabase() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:syncsqlite:" + dir.resolve("db"))) {
            SQLiteConnection cast = (SQLiteConnection) c;
            assertSame(c, cast.createStatement().getConnection(), "statements stay the driver's");
            assertSame(c.unwrap(SQLiteConnection.class).getDatabase(), cast.getDatabase());
            cast.setAutoCommit(false);
            assertEquals(false, c.getAutoCommit(), "one connection state, not two");
            cast.setAutoCommit(true);
            assertTrue(cast.libversion().startsWith("3."));
            c.close();
            assertTrue(cast.isClosed());
        }
    }

    @Test
    void functionsAndCollations() throws Exception {
        same((c, d) -> {
            Function.create(c, "twice", new Function() {
                @Override
                protected void xFunc() throws SQLException {
                    result(value_int(0) * 2);
                }
            });
            Collation.create(c, "BYLENGTH", new Collation() {
                @Override
                protected int xCompare(String a, String b) {
                    return Integer.compare(a.length(), b.length());
                }
            });
            Twins.exec(c, "CREATE TABLE word(id INTEGER PRIMARY KEY, w TEXT)",
                    "CREATE UNIQUE INDEX word_len ON word(w COLLATE BYLENGTH)",
                    "INSERT INTO word VALUES (1, 'aa'), (2, 'b'), (3, 'cccc')");
            String dup = outcome(c, "INSERT INTO word VALUES (4, 'zz')");
            return Twins.query(c, "SELECT w, twice(id) FROM word ORDER BY w COLLATE BYLENGTH") + dup;
        });
    }

    @Test
    void busyAndProgressHandlers() throws Exception {
        same((c, d) -> {
            List<String> seen = new ArrayList<>();
            BusyHandler.setHandler(c, new BusyHandler() {
                @Override
                protected int callback(int n) {
                    seen.add("busy " + n);
                    return n < 2 ? 1 : 0;
                }
            });
            int[] progress = {0};
            ProgressHandler.setHandler(c, 100, new ProgressHandler() {
                @Override
                protected int progress() {
                    progress[0]++;
                    return 0;
                }
            });
            Twins.exec(c, "CREATE TABLE t(id INTEGER PRIMARY KEY)");
            Twins.query(c, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000) SELECT count(*) FROM n");
            ProgressHandler.clearHandler(c);
            String busy;
            try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + d.resolve("db"))) {
                other.setAutoCommit(false);
                Twins.exec(other, "INSERT INTO t VALUES (1)"); // holds the write lock
                busy = outcome(c, "INSERT INTO t VALUES (2)");
                other.rollback();
            }
            BusyHandler.clearHandler(c);
            return "progress called=" + (progress[0] > 0) + " busy=" + seen + " " + busy;
        });
    }

    @Test
    void updateAndCommitListeners() throws Exception {
        same((c, d) -> {
            Twins.exec(c, "CREATE TABLE t(id INTEGER PRIMARY KEY, v)");
            List<String> events = new ArrayList<>();
            SQLiteConnection s = (SQLiteConnection) c;
            s.addUpdateListener((type, database, table, rowId) -> events.add(type + " " + database + "." + table + " " + rowId));
            s.addCommitListener(Twins.recordingCommits(events));
            Twins.exec(c, "INSERT INTO t VALUES (1, 'a')", "UPDATE t SET v = 'b'", "DELETE FROM t WHERE id = 1");
            c.setAutoCommit(false);
            Twins.exec(c, "INSERT INTO t VALUES (2, 'c')");
            c.rollback();
            c.setAutoCommit(true);
            return String.join(",", events);
        });
    }

    @Test
    void serializeAndDeserialize() throws Exception {
        assertEquals(serializeRoundTrip("jdbc:sqlite:"), serializeRoundTrip("jdbc:syncsqlite:"));
    }

    private static String serializeRoundTrip(String prefix) throws SQLException {
        try (Connection a = DriverManager.getConnection(prefix + ":memory:"); Connection b = DriverManager.getConnection(prefix + ":memory:")) {
            Twins.exec(a, "CREATE TABLE t(id INTEGER PRIMARY KEY, v)", "INSERT INTO t VALUES (1, 'a')");
            byte[] image = ((SQLiteConnection) a).serialize("main");
            ((SQLiteConnection) b).deserialize("main", image);
            return new String(image, 0, 15, java.nio.charset.StandardCharsets.US_ASCII) + Twins.query(b, "SELECT id, v FROM t");
        }
    }

    private static String outcome(Connection c, String sql) {
        try (Statement s = c.createStatement()) {
            return "count=" + s.executeUpdate(sql);
        } catch (SQLException e) {
            return e.getClass().getSimpleName() + " code=" + e.getErrorCode() + " " + e.getMessage();
        }
    }
}
