package io.syncsqlite.tck;

import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Exceptions and SQLStates: class, SQLState, vendor code and message of every kind of failure, and chaining. */
class ExceptionsTck extends TckSuite {
    static Stream<Case> cases() {
        List<Case> cases = new ArrayList<>();
        String[][] failing = {
            {"syntax", "SELEKT"}, {"missing table", "SELECT * FROM nope"}, {"missing column", "SELECT nope FROM e"},
            {"missing function", "SELECT nope(1)"}, {"wrong argument count", "SELECT substr()"}, {"duplicate table", "CREATE TABLE e(id)"},
            {"drop missing", "DROP TABLE nope"}, {"pk violation", "INSERT INTO e VALUES ('a', 1)"}, {"not null", "INSERT INTO e VALUES ('b', NULL)"},
            {"check", "INSERT INTO e VALUES ('c', -1)"}, {"raise abort", "SELECT RAISE(ABORT, 'custom abort')"},
            {"trigger raise", "INSERT INTO guarded VALUES ('x')"}, {"too many terms", "SELECT " + "1,".repeat(2000) + "1"},
            {"integer overflow in sum", "SELECT sum(v) FROM (SELECT 9223372036854775807 AS v UNION ALL SELECT 1)"},
            {"json malformed", "SELECT json('{')"}, {"blob too big", "SELECT zeroblob(2000000000)"},
            {"attach missing dir", "ATTACH DATABASE '/nonexistent/dir/x.db' AS x"}, {"no such collation", "SELECT 'a' COLLATE nope"},
            {"misuse of aggregate", "SELECT * FROM e WHERE count(*) > 1"}, {"incomplete input", "SELECT ("},
            {"readonly pragma", "PRAGMA query_only = 1; INSERT INTO e VALUES ('q', 1)"}, {"unknown pragma is silent", "PRAGMA nope"}};
        for (String[] f : failing) {
            for (String how : List.of("execute", "executeQuery", "executeUpdate", "prepare")) {
                cases.add(Case.of(f[0] + " via " + how, (c, t) -> {
                    exec(c, "CREATE TABLE e(id TEXT PRIMARY KEY, v INTEGER NOT NULL CHECK (v >= 0))", "INSERT INTO e VALUES ('a', 1)",
                            "CREATE TABLE guarded(id TEXT PRIMARY KEY)",
                            "CREATE TRIGGER no_x BEFORE INSERT ON guarded WHEN NEW.id = 'x' BEGIN SELECT RAISE(FAIL, 'x is not allowed'); END");
                    try (Statement s = c.createStatement()) {
                        t.add(how, () -> switch (how) {
                            case "execute" -> s.execute(f[1]);
                            case "executeQuery" -> s.executeQuery(f[1]).next();
                            case "executeUpdate" -> s.executeUpdate(f[1]);
                            default -> {
                                try (PreparedStatement ps = c.prepareStatement(f[1])) {
                                    yield ps.execute();
                                }
                            }
                        });
                    }
                }));
            }
        }
        cases.add(Case.of("exception chain and iteration", (c, t) -> {
            try (Statement s = c.createStatement()) {
                s.execute("SELECT * FROM nope");
            } catch (SQLException e) {
                t.add("next exception", e::getNextException);
                t.add("cause", () -> e.getCause() == null ? null : e.getCause().getClass().getName());
                t.add("iterated", () -> {
                    int n = 0;
                    for (Throwable x : e) n++;
                    return n;
                });
                t.add("result code", () -> e instanceof org.sqlite.SQLiteException se ? se.getResultCode().name() : "not SQLiteException");
            }
        }));
        cases.add(Case.of("opening a directory as a database", (c, t) -> t.add("connect", () ->
                DriverManager.getConnection(c.getMetaData().getURL().startsWith("jdbc:sqlite:") && c.isWrapperFor(io.syncsqlite.SyncConnection.class)
                        ? "jdbc:syncsqlite:" + dir : "jdbc:sqlite:" + dir))));
        cases.add(Case.of("opening a file in a missing directory", (c, t) -> t.add("connect", () ->
                DriverManager.getConnection((c.isWrapperFor(io.syncsqlite.SyncConnection.class) ? "jdbc:syncsqlite:" : "jdbc:sqlite:") + "/nonexistent/dir/x.db"))));
        return cases.stream();
    }
}
