package io.syncsqlite.tck;

import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Types and NULLs: every setter into every column affinity, read back through every getter. */
class TypesTck extends TckSuite {
    @FunctionalInterface
    interface Setter {
        void set(PreparedStatement ps) throws Exception;
    }

    static Stream<Case> cases() {
        Map<String, Setter> setters = new LinkedHashMap<>();
        setters.put("setInt(42)", ps -> ps.setInt(1, 42));
        setters.put("setLong(max)", ps -> ps.setLong(1, Long.MAX_VALUE));
        setters.put("setShort(-7)", ps -> ps.setShort(1, (short) -7));
        setters.put("setByte(3)", ps -> ps.setByte(1, (byte) 3));
        setters.put("setDouble(2.5)", ps -> ps.setDouble(1, 2.5));
        setters.put("setFloat(0.1)", ps -> ps.setFloat(1, 0.1f));
        setters.put("setBoolean(true)", ps -> ps.setBoolean(1, true));
        setters.put("setString(12.50)", ps -> ps.setString(1, "12.50"));
        setters.put("setString(text)", ps -> ps.setString(1, "héllo ☃"));
        setters.put("setString(empty)", ps -> ps.setString(1, ""));
        setters.put("setBytes", ps -> ps.setBytes(1, new byte[] {0, 1, (byte) 0xff}));
        setters.put("setBigDecimal", ps -> ps.setBigDecimal(1, new BigDecimal("12345678901234567890.125")));
        setters.put("setNull(VARCHAR)", ps -> ps.setNull(1, Types.VARCHAR));
        setters.put("setNull(INTEGER)", ps -> ps.setNull(1, Types.INTEGER));
        setters.put("setObject(null)", ps -> ps.setObject(1, null));
        setters.put("setObject(Long)", ps -> ps.setObject(1, 7L));
        setters.put("setObject(String, INTEGER)", ps -> ps.setObject(1, "8", Types.INTEGER));
        setters.put("setObject(UUID)", ps -> ps.setObject(1, java.util.UUID.fromString("00000000-0000-0000-0000-000000000001")));
        setters.put("setString(null)", ps -> ps.setString(1, null));
        setters.put("setBytes(null)", ps -> ps.setBytes(1, null));
        List<Case> cases = new ArrayList<>();
        for (String type : List.of("INTEGER", "REAL", "TEXT", "BLOB", "NUMERIC", "BOOLEAN", "")) {
            for (Map.Entry<String, Setter> s : setters.entrySet()) {
                cases.add(Case.of(s.getKey() + " into '" + type + "'", (c, t) -> {
                    exec(c, "CREATE TABLE v(id TEXT PRIMARY KEY, x " + type + ")");
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO v(x, id) VALUES (?, 'k')")) {
                        t.run("set", () -> s.getValue().set(ps));
                        t.add("insert", ps::executeUpdate);
                    }
                    try (PreparedStatement ps = c.prepareStatement("SELECT x, typeof(x) FROM v"); ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) return;
                        t.add("typeof", () -> rs.getString(2));
                        readAll(t, rs);
                    }
                }));
            }
        }
        return cases.stream();
    }

    static void readAll(Trace t, ResultSet rs) {
        t.add("getObject", () -> rs.getObject(1));
        t.add("wasNull", rs::wasNull);
        t.add("getString", () -> rs.getString(1));
        t.add("getInt", () -> rs.getInt(1));
        t.add("wasNull after getInt", rs::wasNull);
        t.add("getLong", () -> rs.getLong(1));
        t.add("getShort", () -> rs.getShort(1));
        t.add("getByte", () -> rs.getByte(1));
        t.add("getDouble", () -> rs.getDouble(1));
        t.add("getFloat", () -> rs.getFloat(1));
        t.add("getBoolean", () -> rs.getBoolean(1));
        t.add("getBigDecimal", () -> rs.getBigDecimal(1));
        t.add("getBytes", () -> rs.getBytes(1));
        t.add("getObject(Long)", () -> rs.getObject(1, Long.class));
        t.add("getObject(String)", () -> rs.getObject(1, String.class));
        t.add("getObject(Double)", () -> rs.getObject(1, Double.class));
        t.add("getObject(Integer)", () -> rs.getObject(1, Integer.class));
        t.add("getObject(BigDecimal)", () -> rs.getObject(1, BigDecimal.class));
        t.add("getObject(byte[])", () -> rs.getObject(1, byte[].class));
        t.add("getObject(Boolean)", () -> rs.getObject(1, Boolean.class));
    }
}
