package io.syncsqlite.tck;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.stream.Stream;

/** Generated keys: every way of asking, on rowid, AUTOINCREMENT and text-keyed tables (captured by the driver). */
class GeneratedKeysTck extends TckSuite {
    private static final String[] SETUP = {
        "CREATE TABLE g(id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT)",
        "CREATE TABLE r(id INTEGER PRIMARY KEY, v TEXT)",
        "CREATE TABLE s(code TEXT PRIMARY KEY, v TEXT)",
    };

    static Stream<Case> cases() {
        return Stream.of(
                Case.of("Statement.executeUpdate(sql, RETURN_GENERATED_KEYS)", (c, t) -> {
                    exec(c, SETUP);
                    try (Statement s = c.createStatement()) {
                        t.add("insert", () -> s.executeUpdate("INSERT INTO g(v) VALUES ('a')", Statement.RETURN_GENERATED_KEYS));
                        t.rows("keys", s.getGeneratedKeys());
                        t.add("insert 2", () -> s.executeUpdate("INSERT INTO g(v) VALUES ('b'), ('c')", Statement.RETURN_GENERATED_KEYS));
                        t.rows("keys 2", s.getGeneratedKeys());
                    }
                }),
                Case.of("Statement.execute(sql, RETURN_GENERATED_KEYS)", (c, t) -> {
                    exec(c, SETUP);
                    try (Statement s = c.createStatement()) {
                        t.add("execute", () -> s.execute("INSERT INTO r(v) VALUES ('a')", Statement.RETURN_GENERATED_KEYS));
                        t.rows("keys", s.getGeneratedKeys());
                    }
                }),
                Case.of("keys without asking for them", (c, t) -> {
                    exec(c, SETUP);
                    try (Statement s = c.createStatement()) {
                        t.add("insert", () -> s.executeUpdate("INSERT INTO g(v) VALUES ('a')"));
                        t.rows("keys", s.getGeneratedKeys());
                    }
                }),
                Case.of("keys before any execution", (c, t) -> {
                    try (Statement s = c.createStatement()) {
                        t.rows("keys", s.getGeneratedKeys());
                    }
                }),
                Case.of("keys after a select", (c, t) -> {
                    exec(c, SETUP);
                    exec(c, "INSERT INTO g(v) VALUES ('a')");
                    try (Statement s = c.createStatement()) {
                        s.executeQuery("SELECT * FROM g").close();
                        t.rows("keys", s.getGeneratedKeys());
                    }
                }),
                Case.of("keys after update and delete", (c, t) -> {
                    exec(c, SETUP);
                    exec(c, "INSERT INTO g(v) VALUES ('a'), ('b')");
                    try (Statement s = c.createStatement()) {
                        s.executeUpdate("UPDATE g SET v = 'z'", Statement.RETURN_GENERATED_KEYS);
                        t.rows("after update", s.getGeneratedKeys());
                        s.executeUpdate("DELETE FROM g WHERE id = 1", Statement.RETURN_GENERATED_KEYS);
                        t.rows("after delete", s.getGeneratedKeys());
                    }
                }),
                Case.of("prepared RETURN_GENERATED_KEYS on AUTOINCREMENT", (c, t) -> {
                    exec(c, SETUP);
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO g(v) VALUES (?)", Statement.RETURN_GENERATED_KEYS)) {
                        for (String v : new String[] {"a", "b", "c"}) {
                            ps.setString(1, v);
                            t.add("insert " + v, ps::executeUpdate);
                            t.rows("keys " + v, ps.getGeneratedKeys());
                        }
                    }
                }),
                Case.of("prepared with column names", (c, t) -> {
                    exec(c, SETUP);
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO r(v) VALUES (?)", new String[] {"id"})) {
                        ps.setString(1, "a");
                        t.add("insert", ps::executeUpdate);
                        t.rows("keys", ps.getGeneratedKeys());
                    }
                }),
                Case.of("prepared with column indexes", (c, t) -> {
                    exec(c, SETUP);
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO r(v) VALUES (?)", new int[] {1})) {
                        ps.setString(1, "a");
                        t.add("insert", ps::executeUpdate);
                        t.rows("keys", ps.getGeneratedKeys());
                    }
                }),
                Case.of("text primary key table (rowid behind it)", (c, t) -> {
                    exec(c, SETUP);
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO s(code, v) VALUES (?, ?)", Statement.RETURN_GENERATED_KEYS)) {
                        ps.setString(1, "x");
                        ps.setString(2, "a");
                        t.add("insert", ps::executeUpdate);
                        t.rows("keys", ps.getGeneratedKeys());
                    }
                }),
                Case.of("explicit id", (c, t) -> {
                    exec(c, SETUP);
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO r(id, v) VALUES (?, ?)", Statement.RETURN_GENERATED_KEYS)) {
                        ps.setInt(1, 42);
                        ps.setString(2, "a");
                        t.add("insert", ps::executeUpdate);
                        t.rows("keys", ps.getGeneratedKeys());
                    }
                }),
                Case.of("last_insert_rowid() is not disturbed by capture", (c, t) -> {
                    exec(c, SETUP);
                    try (Statement s = c.createStatement()) {
                        s.executeUpdate("INSERT INTO g(v) VALUES ('a'), ('b')");
                        t.rows("rowid", s.executeQuery("SELECT last_insert_rowid()"));
                        s.executeUpdate("UPDATE g SET v = 'q' WHERE id = 1");
                        t.rows("after update", s.executeQuery("SELECT last_insert_rowid()"));
                        s.executeUpdate("INSERT INTO s(code, v) VALUES ('k', 'v')");
                        t.rows("after text insert", s.executeQuery("SELECT last_insert_rowid()"));
                    }
                }),
                Case.of("sqlite_sequence after inserts", (c, t) -> {
                    exec(c, SETUP);
                    exec(c, "INSERT INTO g(v) VALUES ('a'), ('b')", "DELETE FROM g");
                    exec(c, "INSERT INTO g(v) VALUES ('c')");
                    t.query(c, "SELECT name, seq FROM sqlite_sequence ORDER BY name");
                    t.query(c, "SELECT * FROM g");
                }),
                Case.of("generated keys result set metadata", (c, t) -> {
                    exec(c, SETUP);
                    try (Statement s = c.createStatement()) {
                        s.executeUpdate("INSERT INTO g(v) VALUES ('a')", Statement.RETURN_GENERATED_KEYS);
                        try (ResultSet keys = s.getGeneratedKeys()) {
                            t.add("columns", () -> keys.getMetaData().getColumnCount());
                            t.add("label", () -> keys.getMetaData().getColumnLabel(1));
                            t.add("next", keys::next);
                            t.add("getLong(1)", () -> keys.getLong(1));
                            t.add("statement type", keys::getStatement);
                        }
                    }
                }));
    }
}
