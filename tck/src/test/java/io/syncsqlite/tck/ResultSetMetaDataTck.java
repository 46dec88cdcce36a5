package io.syncsqlite.tck;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** {@link ResultSetMetaData}: every per-column property (reflection) for a range of queries, plus index misuse. */
class ResultSetMetaDataTck extends TckSuite {
    static Stream<Case> cases() {
        List<String> queries = List.of(
                "SELECT * FROM m", "SELECT id, n AS num, price FROM m", "SELECT count(*), max(n) FROM m", "SELECT 1, 'a', 2.5, x'00', NULL",
                "SELECT m.id, o.label FROM m JOIN o ON o.m = m.id", "SELECT * FROM v", "SELECT id || '!' AS shout FROM m",
                "SELECT rowid, * FROM m", "SELECT * FROM o", "SELECT CAST(n AS TEXT) AS t, typeof(n) FROM m", "SELECT flag, ts, d FROM m",
                "SELECT * FROM m WHERE 0", "WITH x AS (SELECT 1 AS a) SELECT a FROM x");
        Method[] methods = Arrays.stream(ResultSetMetaData.class.getMethods())
                .filter(m -> m.getParameterCount() == 1 && m.getParameterTypes()[0] == int.class)
                .sorted(Comparator.comparing(Method::getName)).toArray(Method[]::new);
        List<Case> cases = new ArrayList<>();
        for (String q : queries) {
            for (boolean prepared : new boolean[] {false, true}) {
                cases.add(Case.of((prepared ? "prepared: " : "executed: ") + q, (c, t) -> {
                    exec(c, "CREATE TABLE m(id TEXT PRIMARY KEY NOT NULL, n INTEGER, price DECIMAL(10,2), flag BOOLEAN, ts DATETIME, d DATE)",
                            "CREATE TABLE o(id INTEGER PRIMARY KEY AUTOINCREMENT, m TEXT REFERENCES m(id), label VARCHAR(20) NOT NULL)",
                            "CREATE VIEW v AS SELECT id, n * 2 AS twice FROM m", "INSERT INTO m VALUES ('a', 1, 9.99, 1, '2024-01-02 03:04:05', '2024-01-02')",
                            "INSERT INTO o(id, m, label) VALUES (1, 'a', 'x')"); // explicit key: metadata is the subject here, not key allocation
                    try (PreparedStatement ps = c.prepareStatement(q)) {
                        ResultSet rs = prepared ? null : ps.executeQuery();
                        if (rs != null) rs.next();
                        ResultSetMetaData md = prepared ? ps.getMetaData() : rs.getMetaData();
                        int n = md.getColumnCount();
                        t.add("count", () -> n);
                        for (int i = 1; i <= n; i++) {
                            for (Method m : methods) {
                                int col = i;
                                t.add(m.getName() + "(" + col + ")", () -> invoke(m, md, col));
                            }
                        }
                        t.add("column 0", () -> md.getColumnName(0));
                        t.add("column past end", () -> md.getColumnName(n + 1));
                        t.add("unwrap", () -> md.isWrapperFor(ResultSetMetaData.class));
                        if (rs != null) rs.close();
                    }
                }));
            }
        }
        return cases.stream();
    }

    private static Object invoke(Method m, ResultSetMetaData md, int col) throws Exception {
        try {
            return m.invoke(md, col);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof Exception x) throw x;
            throw e;
        }
    }
}
