package io.syncsqlite.tck;

import java.sql.Blob;
import java.sql.Clob;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Wrapper;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * What one driver did in a scenario: each step's value or exception (class, SQLState, error code, message), in a
 * driver-neutral text form, so two traces compare with {@code equals}.
 */
final class Trace {
    /** A step that may throw. */
    @FunctionalInterface
    interface Step {
        Object get() throws Exception;
    }

    /** A step without a value. */
    @FunctionalInterface
    interface Action {
        void run() throws Exception;
    }

    private final List<String> lines = new ArrayList<>();
    private final String dbPath;

    Trace(String dbPath) {
        this.dbPath = dbPath;
    }

    /** Records the value of {@code step}, or the exception it threw, and returns the value (null on failure). */
    Object add(String label, Step step) {
        try {
            Object v = step.get();
            lines.add(label + " = " + describe(v));
            return v;
        } catch (Exception | LinkageError e) {
            lines.add(label + " ! " + describeFailure(e));
            return null;
        }
    }

    /** Records {@code ok} or the exception {@code action} threw; returns whether it succeeded. */
    boolean run(String label, Action action) {
        try {
            action.run();
            lines.add(label + " ok");
            return true;
        } catch (Exception e) {
            lines.add(label + " ! " + describeFailure(e));
            return false;
        }
    }

    /** Records the column labels and every row of {@code rs} (read with {@code getObject}), then closes it. */
    void rows(String label, ResultSet rs) throws SQLException {
        try (rs) {
            ResultSetMetaData md = rs.getMetaData();
            List<String> header = new ArrayList<>();
            for (int i = 1; i <= md.getColumnCount(); i++) header.add(md.getColumnLabel(i));
            lines.add(label + " columns " + header);
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= md.getColumnCount(); i++) row.add(describe(rs.getObject(i)));
                lines.add(label + " row " + row);
            }
        }
    }

    /** Records the rows of the result set {@code producer} returns, or the exception it throws. */
    void rowsOf(String label, Step producer) {
        try {
            rows(label, (ResultSet) producer.get());
        } catch (Exception e) {
            lines.add(label + " ! " + describeFailure(e));
        }
    }

    /** Records the rows of a query run on a fresh statement. */
    void query(java.sql.Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            rows(sql, s.executeQuery(sql));
        }
    }

    void uncaught(Exception e) {
        lines.add("uncaught ! " + describeFailure(e));
    }

    List<String> lines() {
        return lines;
    }

    String describeFailure(Throwable e) {
        StringBuilder b = new StringBuilder(e.getClass().getName());
        if (e instanceof SQLException s) b.append(" state=").append(s.getSQLState()).append(" code=").append(s.getErrorCode());
        b.append(" msg=").append(neutral(e.getMessage()));
        return b.toString();
    }

    private String neutral(String s) {
        return s == null ? null : s.replace(dbPath, "<db>");
    }

    String describe(Object v) throws SQLException {
        if (v == null) return "null";
        if (v instanceof byte[] b) return "bytes[" + HexFormat.of().formatHex(b) + "]";
        if (v instanceof int[] a) return "int" + Arrays.toString(a);
        if (v instanceof long[] a) return "long" + Arrays.toString(a);
        if (v instanceof Object[] a) {
            List<String> parts = new ArrayList<>();
            for (Object o : a) parts.add(describe(o));
            return "array" + parts;
        }
        if (v instanceof Blob blob) return "Blob[" + HexFormat.of().formatHex(blob.getBytes(1, (int) blob.length())) + "]";
        if (v instanceof Clob clob) return "Clob[" + clob.getSubString(1, (int) clob.length()) + "]";
        if (v instanceof java.sql.Savepoint) return "Savepoint"; // its toString is an identity hash
        if (v instanceof java.util.Date d) return v.getClass().getSimpleName() + ":" + d + "@" + d.getTime();
        // JDBC objects differ in class between the drivers by design: compare what they are, not whose they are
        if (v instanceof Wrapper) return "jdbc:" + jdbcInterface(v);
        return v.getClass().getName() + ":" + neutral(v.toString());
    }

    private static String jdbcInterface(Object v) {
        for (Class<?> i : List.of(java.sql.CallableStatement.class, java.sql.PreparedStatement.class, Statement.class, ResultSet.class,
                java.sql.Connection.class, java.sql.DatabaseMetaData.class, ResultSetMetaData.class, java.sql.ParameterMetaData.class)) {
            if (i.isInstance(v)) return i.getSimpleName();
        }
        return "Wrapper";
    }
}
