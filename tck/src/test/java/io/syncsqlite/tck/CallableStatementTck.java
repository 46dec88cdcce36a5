package io.syncsqlite.tck;

import java.sql.CallableStatement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** {@link java.sql.CallableStatement}: SQLite has no procedures; xerial's answers to each call must be kept. */
class CallableStatementTck extends TckSuite {
    static Stream<Case> cases() {
        List<Case> cases = new ArrayList<>(List.of(
                Case.of("prepareCall with a query", (c, t) -> {
                    try (CallableStatement cs = c.prepareCall("SELECT 1 AS one, ? AS p")) {
                        t.run("setInt", () -> cs.setInt(1, 5));
                        t.rows("rows", cs.executeQuery());
                    }
                }),
                Case.of("prepareCall with DML", (c, t) -> {
                    exec(c, "CREATE TABLE cs(id TEXT PRIMARY KEY, v INTEGER)");
                    try (CallableStatement cs = c.prepareCall("INSERT INTO cs VALUES (?, ?)")) {
                        cs.setString(1, "a");
                        cs.setInt(2, 1);
                        t.add("update", cs::executeUpdate);
                        t.add("connection", cs::getConnection);
                    }
                    t.query(c, "SELECT * FROM cs");
                }),
                Case.of("JDBC escape call syntax", (c, t) -> t.add("prepareCall", () -> c.prepareCall("{call nothing(?)}"))),
                Case.of("wasNull before any get", (c, t) -> {
                    try (CallableStatement cs = c.prepareCall("SELECT 1")) {
                        t.add("wasNull", cs::wasNull);
                    }
                })));
        String[] outs = {"registerOutParameter(1, INTEGER)", "registerOutParameter(1, VARCHAR, 0)", "registerOutParameter(1, OTHER, name)",
            "registerOutParameter(p, INTEGER)", "getInt(1)", "getString(1)", "getObject(1)", "getLong(p)", "getString(p)", "getBytes(1)",
            "getDate(1)", "getTimestamp(p)", "getBigDecimal(1)", "setInt(p)", "setString(p)", "setNull(p)", "setObject(p)", "getParameterMetaData"};
        for (String op : outs) {
            cases.add(Case.of(op, (c, t) -> {
                try (CallableStatement cs = c.prepareCall("SELECT ? AS p")) {
                    t.add(op, () -> switch (op) {
                        case "registerOutParameter(1, INTEGER)" -> run(() -> cs.registerOutParameter(1, Types.INTEGER));
                        case "registerOutParameter(1, VARCHAR, 0)" -> run(() -> cs.registerOutParameter(1, Types.VARCHAR, 0));
                        case "registerOutParameter(1, OTHER, name)" -> run(() -> cs.registerOutParameter(1, Types.OTHER, "X"));
                        case "registerOutParameter(p, INTEGER)" -> run(() -> cs.registerOutParameter("p", Types.INTEGER));
                        case "getInt(1)" -> cs.getInt(1);
                        case "getString(1)" -> cs.getString(1);
                        case "getObject(1)" -> cs.getObject(1);
                        case "getLong(p)" -> cs.getLong("p");
                        case "getString(p)" -> cs.getString("p");
                        case "getBytes(1)" -> cs.getBytes(1);
                        case "getDate(1)" -> cs.getDate(1);
                        case "getTimestamp(p)" -> cs.getTimestamp("p");
                        case "getBigDecimal(1)" -> cs.getBigDecimal(1);
                        case "setInt(p)" -> run(() -> cs.setInt("p", 1));
                        case "setString(p)" -> run(() -> cs.setString("p", "x"));
                        case "setNull(p)" -> run(() -> cs.setNull("p", Types.INTEGER));
                        case "setObject(p)" -> run(() -> cs.setObject("p", 1));
                        case "getParameterMetaData" -> cs.getParameterMetaData().getParameterCount();
                        default -> throw new IllegalArgumentException(op);
                    });
                }
            }));
        }
        return cases.stream();
    }

    private static String run(Trace.Action a) throws Exception {
        a.run();
        return "ok";
    }
}
