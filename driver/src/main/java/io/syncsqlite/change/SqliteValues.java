package io.syncsqlite.change;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Arrays;

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

    /**
     * An application's Java value as one of SQLite's storage classes: Integer, Short, Byte and Boolean become Long,
     * Float becomes Double; Long, Double, String, byte[] and null stay.
     */
    public static Object normalize(Object v) throws SQLException {
        if (v == null || v instanceof Long || v instanceof Double || v instanceof String || v instanceof byte[]) return v;
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) return ((Number) v).longValue();
        if (v instanceof Float f) return f.doubleValue();
        if (v instanceof Boolean b) return b ? 1L : 0L;
        throw new SQLException("Not an SQLite value: " + v.getClass().getName() + " (use Long, Double, String, byte[] or null)", "22023");
    }

    public static void bind(PreparedStatement ps, int i, Object v) throws SQLException {
        if (v == null) ps.setNull(i, Types.NULL);
        else if (v instanceof Long n) ps.setLong(i, n);
        else if (v instanceof Double d) ps.setDouble(i, d);
        else if (v instanceof String s) ps.setString(i, s);
        else if (v instanceof byte[] b) ps.setBytes(i, b);
        else throw new SQLException("Not an SQLite value: " + v.getClass().getName(), "22023");
    }

    /**
     * SQLite's order of values: NULL, then numbers (INTEGER and REAL by value), then TEXT (byte-wise, as the BINARY
     * collation), then BLOB (byte-wise). An INTEGER and a REAL of equal value order INTEGER first, so the order is total
     * and two replicas never disagree about which of two different values is greater.
     */
    public static int compare(Object a, Object b) {
        int ca = storageClass(a);
        int cb = storageClass(b);
        if (ca != cb) return Integer.compare(ca, cb);
        if (a == null) return 0;
        if (a instanceof Long x && b instanceof Long y) return Long.compare(x, y);
        if (a instanceof Number x && b instanceof Number y) {
            int c = (x instanceof Double dx && y instanceof Double dy) ? Double.compare(dx, dy) : decimal(x).compareTo(decimal(y));
            return c != 0 ? c : Boolean.compare(x instanceof Double, y instanceof Double);
        }
        if (a instanceof String x) return Arrays.compareUnsigned(x.getBytes(StandardCharsets.UTF_8), ((String) b).getBytes(StandardCharsets.UTF_8));
        return Arrays.compareUnsigned((byte[]) a, (byte[]) b);
    }

    private static int storageClass(Object v) {
        if (v == null) return 0;
        if (v instanceof Number) return 1;
        if (v instanceof String) return 2;
        return 3;
    }

    private static BigDecimal decimal(Number n) {
        return n instanceof Double d ? new BigDecimal(d) : BigDecimal.valueOf(n.longValue());
    }
}
