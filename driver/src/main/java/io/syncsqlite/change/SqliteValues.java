package io.syncsqlite.change;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;

/** Moves SQLite values between JDBC and the change model without changing their storage class. */
public final class SqliteValues {
    private SqliteValues() {
    }

    /** Reads column {@code i} as Long, Double, String, byte[] or null, exactly as stored. */
    public static Object read(ResultSet rs, int i) throws SQLException {
        Object v = rs.getObject(i);
        if (v instanceof Integer n) return n.longValue();
        return v;
    }

    public static void bind(PreparedStatement ps, int i, Object v) throws SQLException {
        if (v == null) ps.setNull(i, Types.NULL);
        else if (v instanceof Long n) ps.setLong(i, n);
        else if (v instanceof Double d) ps.setDouble(i, d);
        else if (v instanceof String s) ps.setString(i, s);
        else if (v instanceof byte[] b) ps.setBytes(i, b);
        else throw new SQLException("Not an SQLite value: " + v.getClass().getName(), "22023");
    }
}
