package io.syncsqlite.tck;

import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** {@link Statement}: execute variants, update counts, result/ count protocol, limits, lifecycle. */
class StatementTck extends TckSuite {
    private static final String SETUP = "CREATE TABLE t(id TEXT PRIMARY KEY, n INTEGER, s TEXT)";

    static Stream<Case> cases() {
        List<Case> cases = new ArrayList<>(List.of(
                Case.of("executeUpdate insert/update/delete counts", (c, t) -> {
                    try (Statement s = c.createStatement()) {
                        t.add("create", () -> s.executeUpdate(SETUP));
                        t.add("insert 3", () -> s.executeUpdate("INSERT INTO t VALUES ('a',1,'x'),('b',2,'y'),('c',3,'z')"));
                        t.add("update 2", () -> s.executeUpdate("UPDATE t SET n = n + 10 WHERE n < 3"));
                        t.add("update 0", () -> s.executeUpdate("UPDATE t SET n = 0 WHERE id = 'nope'"));
                        t.add("delete 1", () -> s.executeUpdate("DELETE FROM t WHERE id = 'c'"));
                        t.add("delete all", () -> s.executeUpdate("DELETE FROM t"));
                        t.add("drop", () -> s.executeUpdate("DROP TABLE t"));
                    }
                }),
                Case.of("executeLargeUpdate counts", (c, t) -> {
                    try (Statement s = c.createStatement()) {
                        s.execute(SETUP);
                        t.add("insert", () -> s.executeLargeUpdate("INSERT INTO t VALUES ('a',1,'x'),('b',2,'y')"));
                        t.add("update", () -> s.executeLargeUpdate("UPDATE t SET s = 'q'"));
                        t.add("largeUpdateCount", s::getLargeUpdateCount);
                    }
                }),
                Case.of("execute returns result flag and counts", (c, t) -> {
                    try (Statement s = c.createStatement()) {
                        t.add("ddl", () -> s.execute(SETUP));
                        t.add("ddl count", s::getUpdateCount);
                        t.add("insert", () -> s.execute("INSERT INTO t VALUES ('a',1,'x')"));
                        t.add("insert count", s::getUpdateCount);
                        t.add("insert rs", s::getResultSet);
                        t.add("select", () -> s.execute("SELECT * FROM t"));
                        t.add("select count", s::getUpdateCount);
                        t.rows("select rs", s.getResultSet());
                        t.add("more", s::getMoreResults);
                        t.add("count after more", s::getUpdateCount);
                    }
                }),
                Case.of("update count after a query", (c, t) -> {
                    try (Statement s = c.createStatement()) {
                        s.execute(SETUP);
                        s.executeQuery("SELECT * FROM t").close();
                        t.add("count", s::getUpdateCount);
                        t.add("rs", s::getResultSet);
                    }
                }),
                Case.of("executeQuery with a non-query", (c, t) -> {
                    try (Statement s = c.createStatement()) {
                        s.execute(SETUP);
                        t.add("insert via executeQuery", () -> s.executeQuery("INSERT INTO t VALUES ('a',1,'x')"));
                        t.query(c, "SELECT * FROM t");
                    }
                }),
                Case.of("executeUpdate with a query", (c, t) -> {
                    try (Statement s = c.createStatement()) {
                        s.execute(SETUP);
                        t.add("select via executeUpdate", () -> s.executeUpdate("SELECT * FROM t"));
                    }
                }),
                Case.of("syntax error", (c, t) -> {
                    try (Statement s = c.createStatement()) {
                        t.add("execute", () -> s.execute("SELEC 1"));
                        t.add("executeQuery", () -> s.executeQuery("SELEC 1"));
                        t.add("executeUpdate", () -> s.executeUpdate("SELEC 1"));
                    }
                }),
                Case.of("empty and blank SQL", (c, t) -> {
                    try (Statement s = c.createStatement()) {
                        t.add("empty", () -> s.execute(""));
                        t.add("blank", () -> s.execute("   "));
                        t.add("comment", () -> s.execute("-- nothing"));
                        t.add("null", () -> s.execute(null));
                    }
                }),
                Case.of("multiple statements in one execute", (c, t) -> {
                    try (Statement s = c.createStatement()) {
                        t.add("script", () -> s.execute(SETUP + "; INSERT INTO t VALUES ('a',1,'x'); INSERT INTO t VALUES ('b',2,'y')"));
                        t.add("count", s::getUpdateCount);
                        t.query(c, "SELECT * FROM t ORDER BY id");
                    }
                }),
                Case.of("executeUpdate of a script", (c, t) -> {
                    try (Statement s = c.createStatement()) {
                        t.add("script", () -> s.executeUpdate(SETUP + "; INSERT INTO t VALUES ('a',1,'x'); UPDATE t SET n = 5"));
                        t.query(c, "SELECT * FROM t");
                    }
                }),
                Case.of("maxRows limits rows", (c, t) -> {
                    try (Statement s = c.createStatement()) {
                        s.execute(SETUP);
                        s.execute("INSERT INTO t VALUES ('a',1,'x'),('b',2,'y'),('c',3,'z')");
                        t.add("default", s::getMaxRows);
                        t.run("set 2", () -> s.setMaxRows(2));
                        t.add("get", s::getMaxRows);
                        t.rows("limited", s.executeQuery("SELECT id FROM t ORDER BY id"));
                        t.run("set -1", () -> s.setMaxRows(-1));
                        t.add("large", s::getLargeMaxRows);
                    }
                }),
                Case.of("fetch size and direction", (c, t) -> {
                    try (Statement s = c.createStatement()) {
                        t.add("size", s::getFetchSize);
                        t.run("set size 10", () -> s.setFetchSize(10));
                        t.add("size after", s::getFetchSize);
                        t.run("set size -1", () -> s.setFetchSize(-1));
                        t.add("direction", s::getFetchDirection);
                        t.run("set reverse", () -> s.setFetchDirection(ResultSet.FETCH_REVERSE));
                        t.run("set bogus", () -> s.setFetchDirection(12345));
                        t.add("direction after", s::getFetchDirection);
                    }
                }),
                Case.of("field size, escape processing, cursor name, poolable", (c, t) -> {
                    try (Statement s = c.createStatement()) {
                        t.add("maxFieldSize", s::getMaxFieldSize);
                        t.run("setMaxFieldSize", () -> s.setMaxFieldSize(100));
                        t.run("setMaxFieldSize -1", () -> s.setMaxFieldSize(-1));
                        t.add("maxFieldSize after", s::getMaxFieldSize);
                        t.run("escape", () -> s.setEscapeProcessing(false));
                        t.run("cursor", () -> s.setCursorName("cur"));
                        t.add("poolable", s::isPoolable);
                        t.run("setPoolable", () -> s.setPoolable(true));
                        t.add("poolable after", s::isPoolable);
                        t.add("closeOnCompletion", s::isCloseOnCompletion);
                    }
                }),
                Case.of("closeOnCompletion closes the statement with its result set", (c, t) -> {
                    Statement s = c.createStatement();
                    t.run("closeOnCompletion", s::closeOnCompletion);
                    t.add("flag", s::isCloseOnCompletion);
                    ResultSet rs = s.executeQuery("SELECT 1");
                    rs.close();
                    t.add("statement closed", s::isClosed);
                    s.close();
                }),
                Case.of("warnings", (c, t) -> {
                    try (Statement s = c.createStatement()) {
                        t.add("warnings", s::getWarnings);
                        t.run("clear", s::clearWarnings);
                    }
                }),
                Case.of("close cascades to the result set", (c, t) -> {
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT 1");
                    t.add("rs closed before", rs::isClosed);
                    s.close();
                    t.add("statement closed", s::isClosed);
                    t.add("rs closed after", rs::isClosed);
                    t.add("next after", rs::next);
                }),
                Case.of("closed statement rejects use", (c, t) -> {
                    Statement s = c.createStatement();
                    s.close();
                    t.run("close again", s::close);
                    t.add("execute", () -> s.execute("SELECT 1"));
                    t.add("executeQuery", () -> s.executeQuery("SELECT 1"));
                    t.add("executeUpdate", () -> s.executeUpdate("SELECT 1"));
                    t.add("getResultSet", s::getResultSet);
                    t.add("getUpdateCount", s::getUpdateCount);
                    t.add("getConnection", s::getConnection);
                    t.add("getMaxRows", s::getMaxRows);
                    t.run("addBatch", () -> s.addBatch("SELECT 1"));
                    t.add("executeBatch", s::executeBatch);
                    t.add("getGeneratedKeys", s::getGeneratedKeys);
                    t.add("getWarnings", s::getWarnings);
                }),
                Case.of("statement after connection close", (c, t) -> {
                    Statement s = c.createStatement();
                    c.close();
                    t.add("isClosed", s::isClosed);
                    t.add("execute", () -> s.execute("SELECT 1"));
                }),
                Case.of("a new query closes the previous result set", (c, t) -> {
                    try (Statement s = c.createStatement()) {
                        ResultSet first = s.executeQuery("SELECT 1");
                        ResultSet second = s.executeQuery("SELECT 2");
                        t.add("first closed", first::isClosed);
                        t.add("second closed", second::isClosed);
                        t.add("second next", second::next);
                        t.add("second value", () -> second.getInt(1));
                    }
                }),
                Case.of("getMoreResults variants", (c, t) -> {
                    try (Statement s = c.createStatement()) {
                        s.execute("SELECT 1");
                        t.add("keep current", () -> s.getMoreResults(Statement.KEEP_CURRENT_RESULT));
                        s.execute("SELECT 1");
                        t.add("close all", () -> s.getMoreResults(Statement.CLOSE_ALL_RESULTS));
                        s.execute("SELECT 1");
                        t.add("close current", () -> s.getMoreResults(Statement.CLOSE_CURRENT_RESULT));
                    }
                }),
                Case.of("cursor keeps reading while another statement writes", (c, t) -> {
                    exec(c, SETUP, "INSERT INTO t VALUES ('a',1,'x'),('b',2,'y')");
                    try (Statement r = c.createStatement(); Statement w = c.createStatement(); ResultSet rs = r.executeQuery("SELECT id FROM t ORDER BY id")) {
                        t.add("next", rs::next);
                        t.add("write", () -> w.executeUpdate("UPDATE t SET n = 9 WHERE id = 'b'"));
                        t.add("next 2", rs::next);
                        t.add("id", () -> rs.getString(1));
                    }
                }),
                Case.of("constraint violations", (c, t) -> {
                    exec(c, "CREATE TABLE u(id TEXT PRIMARY KEY, e TEXT UNIQUE, n INTEGER NOT NULL CHECK (n > 0))");
                    try (Statement s = c.createStatement()) {
                        t.add("ok", () -> s.executeUpdate("INSERT INTO u VALUES ('a','x',1)"));
                        t.add("pk", () -> s.executeUpdate("INSERT INTO u VALUES ('a','y',1)"));
                        t.add("unique", () -> s.executeUpdate("INSERT INTO u VALUES ('b','x',1)"));
                        t.add("not null", () -> s.executeUpdate("INSERT INTO u VALUES ('c','z',NULL)"));
                        t.add("check", () -> s.executeUpdate("INSERT INTO u VALUES ('d','w',0)"));
                        t.add("upsert", () -> s.executeUpdate("INSERT INTO u VALUES ('a','x',5) ON CONFLICT(id) DO UPDATE SET n = excluded.n"));
                        t.add("or ignore", () -> s.executeUpdate("INSERT OR IGNORE INTO u VALUES ('a','x',7)"));
                        t.add("or replace", () -> s.executeUpdate("INSERT OR REPLACE INTO u VALUES ('a','x',8)"));
                    }
                    t.query(c, "SELECT * FROM u");
                }),
                Case.of("foreign key violation with foreign_keys on", (c, t) -> {
                    exec(c, "PRAGMA foreign_keys = ON", "CREATE TABLE p(id TEXT PRIMARY KEY)", "CREATE TABLE ch(id TEXT PRIMARY KEY, p TEXT REFERENCES p(id) ON DELETE CASCADE)");
                    try (Statement s = c.createStatement()) {
                        t.add("orphan", () -> s.executeUpdate("INSERT INTO ch VALUES ('c','nope')"));
                        t.add("parent", () -> s.executeUpdate("INSERT INTO p VALUES ('p')"));
                        t.add("child", () -> s.executeUpdate("INSERT INTO ch VALUES ('c','p')"));
                        t.add("cascade delete", () -> s.executeUpdate("DELETE FROM p"));
                    }
                    t.query(c, "SELECT count(*) FROM ch");
                }),
                Case.of("RETURNING clause", (c, t) -> {
                    exec(c, SETUP);
                    try (Statement s = c.createStatement()) {
                        t.rows("insert returning", s.executeQuery("INSERT INTO t VALUES ('a',1,'x'),('b',2,'y') RETURNING id, n * 2"));
                        t.rows("update returning", s.executeQuery("UPDATE t SET n = n + 1 RETURNING id, n"));
                        t.rows("delete returning", s.executeQuery("DELETE FROM t WHERE id = 'a' RETURNING *"));
                    }
                    t.query(c, "SELECT * FROM t");
                }),
                Case.of("views, indexes and triggers of the application", (c, t) -> {
                    exec(c, SETUP, "CREATE TABLE log(id INTEGER PRIMARY KEY, msg TEXT)",
                            "CREATE TRIGGER app_t AFTER INSERT ON t BEGIN INSERT INTO log(msg) VALUES ('ins ' || NEW.id); END",
                            "CREATE INDEX t_n ON t(n)", "CREATE VIEW v AS SELECT id, n FROM t WHERE n > 1");
                    try (Statement s = c.createStatement()) {
                        t.add("insert", () -> s.executeUpdate("INSERT INTO t VALUES ('a',1,'x'),('b',2,'y')"));
                        t.add("changes()", () -> {
                            try (ResultSet rs = s.executeQuery("SELECT changes(), total_changes() > 0")) {
                                rs.next();
                                return rs.getInt(1) + "/" + rs.getBoolean(2);
                            }
                        });
                    }
                    t.query(c, "SELECT * FROM v");
                    t.query(c, "SELECT * FROM log ORDER BY id");
                }),
                Case.of("temp tables", (c, t) -> {
                    exec(c, "CREATE TEMP TABLE tt(id TEXT PRIMARY KEY, v)", "INSERT INTO tt VALUES ('a', 1)");
                    t.query(c, "SELECT * FROM tt");
                    t.query(c, "SELECT * FROM temp.tt");
                }),
                Case.of("without rowid and strict tables", (c, t) -> {
                    exec(c, "CREATE TABLE w(id TEXT PRIMARY KEY, v INTEGER) WITHOUT ROWID", "CREATE TABLE st(id INTEGER PRIMARY KEY, v TEXT) STRICT");
                    try (Statement s = c.createStatement()) {
                        t.add("w", () -> s.executeUpdate("INSERT INTO w VALUES ('a', 1)"));
                        t.add("strict ok", () -> s.executeUpdate("INSERT INTO st(v) VALUES ('x')"));
                        t.add("strict bad", () -> s.executeUpdate("INSERT INTO st(v) VALUES (x'00')"));
                    }
                    t.query(c, "SELECT * FROM w");
                    t.query(c, "SELECT * FROM st");
                }),
                Case.of("alter table through a statement", (c, t) -> {
                    exec(c, SETUP, "INSERT INTO t VALUES ('a',1,'x')");
                    try (Statement s = c.createStatement()) {
                        t.add("add column", () -> s.executeUpdate("ALTER TABLE t ADD COLUMN extra TEXT DEFAULT 'd'"));
                        t.add("rename column", () -> s.executeUpdate("ALTER TABLE t RENAME COLUMN s TO s2"));
                        t.add("drop column", () -> s.executeUpdate("ALTER TABLE t DROP COLUMN n"));
                        t.add("rename table", () -> s.executeUpdate("ALTER TABLE t RENAME TO t2"));
                        t.add("insert", () -> s.executeUpdate("INSERT INTO t2 VALUES ('b','y','e')"));
                        t.add("drop pk column", () -> s.executeUpdate("ALTER TABLE t2 DROP COLUMN id"));
                    }
                    t.query(c, "SELECT * FROM t2 ORDER BY id");
                }),
                Case.of("getConnection type", (c, t) -> {
                    try (Statement s = c.createStatement()) {
                        t.add("connection", s::getConnection);
                    }
                })));
        for (String q : List.of("SELECT 1", "SELECT NULL", "SELECT 1.5", "SELECT 'x'", "SELECT x'ff00'", "VALUES (1,2),(3,4)",
                "SELECT 1 WHERE 0", "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < 5) SELECT i FROM r",
                "PRAGMA table_info('sqlite_master')", "EXPLAIN SELECT 1", "SELECT * FROM pragma_compile_options() WHERE compile_options LIKE 'THREADSAFE%'",
                "SELECT typeof(1), typeof(1.0), typeof('a'), typeof(x'00'), typeof(NULL)", "SELECT 9223372036854775807, -9223372036854775808",
                "SELECT json_object('a', 1, 'b', json_array(1,2))", "SELECT 1/0, 5 % 0, abs(-3)")) {
            cases.add(Case.of("query " + q, (c, t) -> t.query(c, q)));
        }
        return cases.stream();
    }
}
