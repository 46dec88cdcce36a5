package io.syncsqlite.tck;

import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** {@link PreparedStatement}: parameters, re-execution, metadata, streams, misuse. */
class PreparedStatementTck extends TckSuite {
    private static final String SETUP = "CREATE TABLE p(id TEXT PRIMARY KEY, n INTEGER, s TEXT, b BLOB)";

    static Stream<Case> cases() {
        List<Case> cases = new ArrayList<>(List.of(
                Case.of("insert, update, delete counts", (c, t) -> {
                    exec(c, SETUP);
                    try (PreparedStatement ins = c.prepareStatement("INSERT INTO p(id, n) VALUES (?, ?)")) {
                        for (int i = 0; i < 3; i++) {
                            int n = i;
                            t.run("bind " + i, () -> {
                                ins.setString(1, "k" + n);
                                ins.setInt(2, n);
                            });
                            t.add("insert " + i, ins::executeUpdate);
                        }
                    }
                    try (PreparedStatement up = c.prepareStatement("UPDATE p SET n = n * 10 WHERE n >= ?")) {
                        up.setInt(1, 1);
                        t.add("update", up::executeUpdate);
                        t.add("updateCount", up::getUpdateCount);
                        t.add("large update", up::executeLargeUpdate);
                    }
                    try (PreparedStatement del = c.prepareStatement("DELETE FROM p WHERE id = ?")) {
                        del.setString(1, "k0");
                        t.add("delete", del::executeUpdate);
                        t.add("delete again", del::executeUpdate);
                    }
                    t.query(c, "SELECT * FROM p ORDER BY id");
                }),
                Case.of("execute() flags and results", (c, t) -> {
                    exec(c, SETUP);
                    try (PreparedStatement ins = c.prepareStatement("INSERT INTO p(id) VALUES ('a')")) {
                        t.add("execute insert", ins::execute);
                        t.add("count", ins::getUpdateCount);
                        t.add("rs", ins::getResultSet);
                    }
                    try (PreparedStatement q = c.prepareStatement("SELECT id FROM p")) {
                        t.add("execute select", q::execute);
                        t.add("count", q::getUpdateCount);
                        t.rows("rs", q.getResultSet());
                        t.add("more", q::getMoreResults);
                    }
                }),
                Case.of("re-executing a query re-reads", (c, t) -> {
                    exec(c, SETUP);
                    try (PreparedStatement q = c.prepareStatement("SELECT count(*) FROM p")) {
                        t.rows("first", q.executeQuery());
                        exec(c, "INSERT INTO p(id) VALUES ('x')");
                        t.rows("second", q.executeQuery());
                    }
                }),
                Case.of("missing and extra parameters", (c, t) -> {
                    exec(c, SETUP);
                    try (PreparedStatement ps = c.prepareStatement("SELECT * FROM p WHERE id = ? AND n = ?")) {
                        t.add("unbound query", () -> {
                            try (ResultSet rs = ps.executeQuery()) {
                                return rs.next();
                            }
                        });
                        t.run("index 0", () -> ps.setInt(0, 1));
                        t.run("index 3", () -> ps.setInt(3, 1));
                        t.run("index -1", () -> ps.setString(-1, "x"));
                    }
                }),
                Case.of("clearParameters", (c, t) -> {
                    exec(c, SETUP, "INSERT INTO p(id, n) VALUES ('a', 1)");
                    try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM p WHERE n = ?")) {
                        ps.setInt(1, 1);
                        t.rows("bound", ps.executeQuery());
                        t.run("clear", ps::clearParameters);
                        t.rows("cleared", ps.executeQuery());
                    }
                }),
                Case.of("parameter metadata", (c, t) -> {
                    exec(c, SETUP);
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO p(id, n, s) VALUES (?, ?, ?)")) {
                        ParameterMetaData pm = ps.getParameterMetaData();
                        t.add("count", pm::getParameterCount);
                        for (int i = 1; i <= 3; i++) {
                            int p = i;
                            t.add("type " + p, () -> pm.getParameterType(p));
                            t.add("typeName " + p, () -> pm.getParameterTypeName(p));
                            t.add("className " + p, () -> pm.getParameterClassName(p));
                            t.add("mode " + p, () -> pm.getParameterMode(p));
                            t.add("nullable " + p, () -> pm.isNullable(p));
                            t.add("precision " + p, () -> pm.getPrecision(p));
                            t.add("scale " + p, () -> pm.getScale(p));
                            t.add("signed " + p, () -> pm.isSigned(p));
                        }
                    }
                }),
                Case.of("result set metadata before execution", (c, t) -> {
                    exec(c, SETUP);
                    try (PreparedStatement ps = c.prepareStatement("SELECT id, n AS num FROM p")) {
                        t.add("columns", () -> ps.getMetaData().getColumnCount());
                        t.add("label", () -> ps.getMetaData().getColumnLabel(2));
                    }
                    try (PreparedStatement ps = c.prepareStatement("DELETE FROM p")) {
                        t.add("dml metadata", () -> ps.getMetaData() == null ? "null" : ps.getMetaData().getColumnCount());
                    }
                }),
                Case.of("streams and readers", (c, t) -> {
                    exec(c, SETUP);
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO p(id, s, b) VALUES (?, ?, ?)")) {
                        ps.setString(1, "a");
                        t.run("character stream", () -> ps.setCharacterStream(2, new StringReader("from a reader")));
                        t.run("binary stream", () -> ps.setBinaryStream(3, new ByteArrayInputStream(new byte[] {1, 2, 3})));
                        t.add("insert", ps::executeUpdate);
                        ps.setString(1, "b");
                        t.run("ascii stream", () -> ps.setAsciiStream(2, new ByteArrayInputStream("ascii".getBytes()), 5));
                        t.run("binary stream len", () -> ps.setBinaryStream(3, new ByteArrayInputStream(new byte[] {4, 5}), 2));
                        t.add("insert", ps::executeUpdate);
                        ps.setString(1, "c");
                        t.run("nstring", () -> ps.setNString(2, "nstr"));
                        t.run("ncharacter stream", () -> ps.setNCharacterStream(2, new StringReader("nchars")));
                        t.run("unicode stream", () -> ps.setUnicodeStream(2, new ByteArrayInputStream(new byte[] {0, 65}), 2));
                        t.add("insert", ps::executeUpdate);
                    }
                    t.query(c, "SELECT * FROM p ORDER BY id");
                }),
                Case.of("unsupported setters", (c, t) -> {
                    try (PreparedStatement ps = c.prepareStatement("SELECT ?")) {
                        t.run("setArray", () -> ps.setArray(1, null));
                        t.run("setRef", () -> ps.setRef(1, null));
                        t.run("setURL", () -> ps.setURL(1, new java.net.URL("http://example.com")));
                        t.run("setRowId", () -> ps.setRowId(1, null));
                        t.run("setSQLXML", () -> ps.setSQLXML(1, null));
                        t.run("setBlob(null)", () -> ps.setBlob(1, (java.sql.Blob) null));
                        t.run("setClob(null)", () -> ps.setClob(1, (java.sql.Clob) null));
                        t.run("setNClob(null)", () -> ps.setNClob(1, (java.sql.NClob) null));
                        t.run("setObject(Object[])", () -> ps.setObject(1, new Object[] {1}));
                        t.run("setNull(ARRAY,name)", () -> ps.setNull(1, Types.ARRAY, "X"));
                    }
                }),
                Case.of("Statement methods taking SQL are refused", (c, t) -> {
                    try (PreparedStatement ps = c.prepareStatement("SELECT 1")) {
                        t.add("executeQuery(sql)", () -> ps.executeQuery("SELECT 2"));
                        t.add("executeUpdate(sql)", () -> ps.executeUpdate("SELECT 2"));
                        t.add("execute(sql)", () -> ps.execute("SELECT 2"));
                        t.run("addBatch(sql)", () -> ps.addBatch("SELECT 2"));
                    }
                }),
                Case.of("closed prepared statement", (c, t) -> {
                    PreparedStatement ps = c.prepareStatement("SELECT ?");
                    ps.close();
                    t.run("setInt", () -> ps.setInt(1, 1));
                    t.add("executeQuery", ps::executeQuery);
                    t.add("executeUpdate", ps::executeUpdate);
                    t.add("getMetaData", ps::getMetaData);
                    t.add("getParameterMetaData", ps::getParameterMetaData);
                }),
                Case.of("DDL through a prepared statement", (c, t) -> {
                    try (PreparedStatement ps = c.prepareStatement("CREATE TABLE d(id TEXT PRIMARY KEY, v)")) {
                        t.add("execute", ps::executeUpdate);
                    }
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO d VALUES (?, ?)")) {
                        ps.setString(1, "a");
                        ps.setInt(2, 1);
                        t.add("insert", ps::executeUpdate);
                    }
                    t.query(c, "SELECT * FROM d");
                }),
                Case.of("statement prepared before an ALTER still runs", (c, t) -> {
                    exec(c, SETUP, "INSERT INTO p(id, n) VALUES ('a', 1)");
                    try (PreparedStatement ps = c.prepareStatement("SELECT * FROM p")) {
                        exec(c, "ALTER TABLE p ADD COLUMN extra TEXT DEFAULT 'e'");
                        t.rows("after alter", ps.executeQuery());
                    }
                })));
        for (String sql : List.of("SELECT ?", "SELECT ?1, ?1", "SELECT :a, :b", "SELECT @x", "SELECT $y", "SELECT ? + ?", "SELECT coalesce(?, 'dflt')")) {
            cases.add(Case.of("parameter styles: " + sql, (c, t) -> {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    int count = ps.getParameterMetaData().getParameterCount();
                    t.add("count", () -> count);
                    for (int i = 1; i <= count; i++) {
                        int p = i;
                        t.run("set " + p, () -> ps.setInt(p, p * 10));
                    }
                    t.rows("rows", ps.executeQuery());
                }
            }));
        }
        return cases.stream();
    }
}
