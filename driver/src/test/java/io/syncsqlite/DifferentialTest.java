package io.syncsqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same script against jdbc:sqlite: and jdbc:syncsqlite: must observe the same thing at every step. */
class DifferentialTest {
    private static final String[] SCRIPT = {
        "CREATE TABLE person(id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE, age INTEGER CHECK (age >= 0), born REAL, photo BLOB)",
        "CREATE TABLE pet(owner INTEGER NOT NULL REFERENCES person(id), name TEXT NOT NULL, kind TEXT DEFAULT 'cat', PRIMARY KEY (owner, name))",
        "CREATE TABLE log(line TEXT)",
        "CREATE TABLE kv(k TEXT PRIMARY KEY, v) WITHOUT ROWID",
        // explicit keys: keys SQLite would choose for an INTEGER PRIMARY KEY are cross-replica keys by design (KeyedInsertsTest)
        "INSERT INTO person(id, name, age, born, photo) VALUES (1, 'ann', 31, 1993.5, x'cafe'), (2, 'bob', 40, NULL, NULL)",
        "INSERT INTO person(id, name, age) VALUES (3, 'ann', 1)",
        "INSERT INTO person(id, name, age) VALUES (4, 'neg', -1)",
        "INSERT INTO person(id, name) VALUES (5, NULL)",
        "INSERT INTO pet VALUES (1, 'tom', 'cat'), (1, 'rex', 'dog'), (2, 'nemo', 'fish')",
        "INSERT INTO pet(owner, name) VALUES (2, 'tom')",
        "INSERT INTO pet VALUES (1, 'tom', 'dup')",
        "INSERT OR REPLACE INTO pet VALUES (1, 'tom', 'lion')",
        "INSERT INTO log VALUES ('a'), ('b'), ('c')",
        "INSERT INTO kv VALUES ('x', 1), ('y', 2.5), ('z', 'three'), ('w', x'00'), ('n', NULL)",
        "INSERT INTO kv VALUES ('x', 9) ON CONFLICT(k) DO UPDATE SET v = v + excluded.v",
        "UPDATE person SET age = age + 1",
        "UPDATE person SET age = 5 WHERE id = 999",
        "UPDATE pet SET name = 'tommy' WHERE owner = 1 AND name = 'tom'",
        "UPDATE kv SET k = 'x2' WHERE k = 'x'",
        "DELETE FROM pet WHERE kind = 'fish'",
        "DELETE FROM log",
        "SELECT * FROM person ORDER BY id",
        "SELECT owner, name, kind FROM pet ORDER BY owner, name",
        "SELECT k, v, typeof(v) FROM kv ORDER BY k",
        "SELECT p.name, count(x.name) FROM person p LEFT JOIN pet x ON x.owner = p.id GROUP BY p.id ORDER BY p.name",
        "SELECT last_insert_rowid()",
        "SELECT changes(), total_changes() > 0",
        "SELECT * FROM no_such_table",
        "SELEKT 1",
        "ALTER TABLE person ADD COLUMN email TEXT",
        "UPDATE person SET email = name || '@example.org'",
        "SELECT name, email FROM person ORDER BY id",
        "ALTER TABLE person RENAME COLUMN email TO mail",
        "SELECT mail FROM person ORDER BY id",
        "ALTER TABLE person DROP COLUMN mail",
        "SELECT * FROM person ORDER BY id",
        "CREATE INDEX pet_kind ON pet(kind)",
        "CREATE VIEW adults AS SELECT name FROM person WHERE age >= 18",
        "SELECT * FROM adults ORDER BY name",
        "DROP VIEW adults",
        "DROP TABLE log",
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_syncsqlite\\_%' ESCAPE '\\' AND name <> 'sqlite_sequence' ORDER BY name",
        "DELETE FROM person WHERE name = 'bob'",
        "SELECT count(*) FROM person",
    };

    @TempDir
    Path dir;

    @Test
    void everyStatementObservesTheSameInBothDrivers() throws Exception {
        try (Connection plain = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("plain.db"));
             Connection sync = DriverManager.getConnection("jdbc:syncsqlite:" + dir.resolve("sync.db"))) {
            for (String sql : SCRIPT) {
                assertEquals(run(plain, sql), run(sync, sql), sql);
                assertEquals(runPrepared(plain, sql), runPrepared(sync, sql), "prepared: " + sql);
            }
            for (String sql : UPDATES) assertEquals(update(plain, sql), update(sync, sql), "executeUpdate: " + sql);
            plain.setAutoCommit(false);
            sync.setAutoCommit(false);
            for (String sql : UPDATES) assertEquals(update(plain, sql), update(sync, sql), "executeUpdate in a transaction: " + sql);
            plain.commit();
            sync.commit();
            plain.setAutoCommit(true);
            sync.setAutoCommit(true);
            assertEquals(transaction(plain), transaction(sync));
            assertEquals(batch(plain), batch(sync));
        }
    }

    /** Statement.executeUpdate(String): xerial counts total_changes() here, trigger writes included. */
    private static final String[] UPDATES = {
        "CREATE TABLE u(id TEXT PRIMARY KEY, n INTEGER, m INTEGER)",
        "INSERT INTO u VALUES ('a', 1, 1), ('b', 2, 2), ('c', 3, 3)",
        "INSERT INTO u SELECT id || '2', n, m FROM u",
        "UPDATE u SET n = n + 1, m = 0 WHERE id < 'c'",
        "UPDATE u SET id = id || 'x' WHERE id = 'a'",
        "DELETE FROM u WHERE n > 3",
        "INSERT INTO u VALUES ('a', 1, 1); UPDATE u SET m = 7; DELETE FROM u WHERE id = 'b'",
        "INSERT INTO u VALUES ('b', 1, 1)",
        "DROP TABLE u",
    };

    private static String update(Connection c, String sql) {
        try (Statement s = c.createStatement()) {
            return "count=" + s.executeUpdate(sql) + " large=" + (sql.startsWith("INSERT") ? s.executeLargeUpdate("DELETE FROM u WHERE id = 'zz'") : -1);
        } catch (SQLException e) {
            return describe(e);
        }
    }

    private static String run(Connection c, String sql) {
        try (Statement s = c.createStatement()) {
            boolean hasResult = s.execute(sql);
            String out = hasResult ? rows(s.getResultSet()) : "count=" + s.getUpdateCount();
            if (sql.startsWith("INSERT")) out += " keys=" + rows(s.getGeneratedKeys());
            return out;
        } catch (SQLException e) {
            return describe(e);
        }
    }

    /** Re-runs reads as prepared statements (writes were already made once by {@link #run}). */
    private static String runPrepared(Connection c, String sql) {
        if (!sql.startsWith("SELECT") && !sql.startsWith("SELEKT")) return "";
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            return rows(rs);
        } catch (SQLException e) {
            return describe(e);
        }
    }

    private static String transaction(Connection c) throws SQLException {
        List<String> out = new ArrayList<>();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO kv VALUES ('t1', 1)");
            var sp = c.setSavepoint("sp");
            s.executeUpdate("INSERT INTO kv VALUES ('t2', 2)");
            c.rollback(sp);
            out.add(rows(s.executeQuery("SELECT k FROM kv WHERE k LIKE 't%' ORDER BY k")));
            c.rollback();
            out.add(rows(s.executeQuery("SELECT count(*) FROM kv WHERE k LIKE 't%'")));
            s.executeUpdate("INSERT INTO kv VALUES ('t3', 3)");
            c.commit();
        } finally {
            c.setAutoCommit(true);
        }
        return String.join("|", out);
    }

    private static String batch(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO pet(owner, name) VALUES (?, ?)")) {
            for (String n : new String[] {"a", "b", "c"}) {
                ps.setInt(1, 1);
                ps.setString(2, n);
                ps.addBatch();
            }
            String counts = java.util.Arrays.toString(ps.executeBatch());
            ps.setInt(1, 1);
            ps.setString(2, "a");
            ps.addBatch();
            try {
                ps.executeBatch();
                return counts + " no error";
            } catch (SQLException e) {
                return counts + " " + describe(e);
            }
        }
    }

    private static String describe(SQLException e) {
        return e.getClass().getName() + " state=" + e.getSQLState() + " code=" + e.getErrorCode() + " " + e.getMessage();
    }

    private static String rows(ResultSet rs) throws SQLException {
        StringBuilder b = new StringBuilder();
        ResultSetMetaData md = rs.getMetaData();
        for (int i = 1; i <= md.getColumnCount(); i++) b.append(md.getColumnLabel(i)).append(':').append(md.getColumnTypeName(i)).append(' ');
        b.append('\n');
        while (rs.next()) {
            for (int i = 1; i <= md.getColumnCount(); i++) {
                Object v = rs.getObject(i);
                b.append(v instanceof byte[] bytes ? HexFormat.of().formatHex(bytes) : v).append(v == null ? "" : ":" + v.getClass().getSimpleName()).append(' ');
            }
            b.append('\n');
        }
        return b.toString();
    }
}
