package io.syncsqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.JDBCType;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLType;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Calendar;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TimeZone;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteCommitListener;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteUpdateListener;

/**
 * JDBC misuse behaves as with plain xerial and never reaches native code with a closed handle: every public method of
 * every object the application can hold (Connection, xerial's own {@link SQLiteConnection} methods included,
 * Statement, PreparedStatement, ResultSet, DatabaseMetaData) is called on a closed connection's objects, on closed
 * statements and on a closed result set, through {@code jdbc:sqlite:} and {@code jdbc:syncsqlite:}; each call's
 * outcome (returned, or the exception's class, SQLState and message) must be the same. (xerial never makes a
 * CallableStatement: {@code prepareCall} itself is compared.)
 *
 * <p>A few of xerial's own methods crash the JVM on a closed connection (they hand SQLite a null handle); they cannot
 * run on plain xerial, so for them the driver must simply not crash: it ignores the call, as the closed connection
 * will never call the listener or handler anyway ({@link #CRASH_PLAIN_XERIAL}).
 */
class ClosedObjectsDifferentialTest {
    /** xerial methods that pass a closed connection's null handle to SQLite (SIGSEGV in plain xerial). */
    private static final List<String> CRASH_PLAIN_XERIAL = List.of("addUpdateListener", "removeUpdateListener", "addCommitListener",
            "removeCommitListener");

    @TempDir
    Path dir;

    @Test
    void closedConnection() throws Exception {
        assertSame(State.CONNECTION_CLOSED);
    }

    @Test
    void closedStatements() throws Exception {
        assertSame(State.STATEMENTS_CLOSED);
    }

    @Test
    void closedResultSet() throws Exception {
        assertSame(State.RESULT_SET_CLOSED);
    }

    @Test
    void xerialsCrashingCallsAreIgnoredOnAClosedConnection() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:syncsqlite:" + dir.resolve("db"))) {
            SQLiteConnection s = (SQLiteConnection) c;
            c.close();
            SQLiteUpdateListener update = (type, database, table, rowId) -> { };
            SQLiteCommitListener commit = commitListener();
            s.addUpdateListener(update);
            s.removeUpdateListener(update);
            s.addCommitListener(commit);
            s.removeCommitListener(commit);
            try (Statement st = c.createStatement()) {
                throw new AssertionError("a closed connection created a statement: " + st);
            } catch (SQLException expected) {
                assertEquals("database connection closed", expected.getMessage());
            }
        }
    }

    private void assertSame(State state) throws Exception {
        List<String> plain = observe("plain", "jdbc:sqlite:", "?journal_mode=WAL&busy_timeout=30000", state);
        List<String> sync = observe("sync", "jdbc:syncsqlite:", "", state);
        List<String> differences = new ArrayList<>();
        for (int i = 0; i < plain.size(); i++) if (!plain.get(i).equals(sync.get(i))) differences.add("plain " + plain.get(i) + "\n sync " + sync.get(i));
        assertEquals(plain.size(), sync.size());
        assertEquals("", String.join("\n", differences), state + ": calls whose outcome differs");
    }

    /** Which objects are closed when every method is called. */
    enum State {
        /** The connection was closed; its statements, result set and metadata were not. */
        CONNECTION_CLOSED,
        /** The statements were closed (so is the result set of one), the connection is open. */
        STATEMENTS_CLOSED,
        /** The result set was closed, its statement and connection are open. */
        RESULT_SET_CLOSED,
    }

    private List<String> observe(String name, String prefix, String query, State state) throws Exception {
        Path own = Files.createDirectories(dir.resolve(name + "-" + state));
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(prefix + own.resolve("db") + query)) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
                s.execute("INSERT INTO t VALUES (1, 'a'), (2, 'b')");
            }
            Statement statement = c.createStatement();
            PreparedStatement prepared = c.prepareStatement("UPDATE t SET v = ? WHERE id = ?");
            ResultSet rs = c.createStatement().executeQuery("SELECT id, v FROM t ORDER BY id");
            rs.next();
            DatabaseMetaData meta = c.getMetaData();
            switch (state) {
                case CONNECTION_CLOSED -> c.close();
                case STATEMENTS_CLOSED -> {
                    statement.close();
                    prepared.close();
                    rs.getStatement().close();
                }
                case RESULT_SET_CLOSED -> rs.close();
            }
            if (state == State.CONNECTION_CLOSED) {
                callAll(out, "Connection", c, Connection.class);
                callAll(out, "SQLiteConnection", c, SQLiteConnection.class);
            }
            if (state != State.RESULT_SET_CLOSED) {
                callAll(out, "Statement", statement, Statement.class);
                callAll(out, "PreparedStatement", prepared, PreparedStatement.class);
                out.add("prepareCall -> " + outcome(Connection.class.getMethod("prepareCall", String.class), c));
            }
            callAll(out, "ResultSet", rs, ResultSet.class);
            if (state == State.CONNECTION_CLOSED) callAll(out, "DatabaseMetaData", meta, DatabaseMetaData.class);
        }
        // the driver applies the same defaults; its URL does not spell them
        out.replaceAll(line -> line.replace(own.toString(), "DIR").replace(query, ""));
        return out;
    }

    /** Calls every public instance method {@code type} declares (or inherits), in a fixed order, with made-up arguments. */
    private static void callAll(List<String> out, String label, Object target, Class<?> type) {
        Method[] methods = type == SQLiteConnection.class ? type.getDeclaredMethods() : type.getMethods();
        Arrays.sort(methods, Comparator.comparing(Method::toGenericString));
        for (Method m : methods) {
            if (!Modifier.isPublic(m.getModifiers()) || Modifier.isStatic(m.getModifiers()) || m.isSynthetic()) continue;
            if (type == SQLiteConnection.class && CRASH_PLAIN_XERIAL.contains(m.getName())) continue;
            out.add(label + "." + m.getName() + Arrays.toString(m.getParameterTypes()) + " -> " + outcome(m, target));
        }
    }

    private static String outcome(Method m, Object target) {
        Object[] args = Arrays.stream(m.getParameterTypes()).map(ClosedObjectsDifferentialTest::argument).toArray();
        try {
            Object result = m.invoke(target, args);
            return "returned " + describe(result);
        } catch (InvocationTargetException e) {
            Throwable t = e.getCause();
            return t instanceof SQLException s ? t.getClass().getName() + " state=" + s.getSQLState() + " code=" + s.getErrorCode() + " " + s.getMessage()
                    : t.getClass().getName() + " " + t.getMessage();
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
    }

    /** Values compare as values; objects only as null or not, since the driver returns its own wrappers. */
    private static String describe(Object result) {
        if (result == null) return "null";
        if (result instanceof Number || result instanceof Boolean || result instanceof String || result instanceof Enum<?>) return result.toString();
        if (result instanceof byte[] bytes) return "bytes[" + bytes.length + "]";
        return "an object";
    }

    private static Object argument(Class<?> t) {
        Map<Class<?>, Object> values = new HashMap<>();
        values.put(int.class, 1);
        values.put(long.class, 1L);
        values.put(short.class, (short) 1);
        values.put(byte.class, (byte) 1);
        values.put(double.class, 1.0);
        values.put(float.class, 1f);
        values.put(boolean.class, false);
        values.put(String.class, "id");
        values.put(String[].class, new String[] {"id"});
        values.put(int[].class, new int[] {1});
        values.put(byte[].class, new byte[] {1});
        values.put(Object.class, "x");
        values.put(Object[].class, new Object[0]);
        values.put(Class.class, String.class);
        values.put(BigDecimal.class, BigDecimal.ONE);
        values.put(java.sql.Date.class, new java.sql.Date(0));
        values.put(java.sql.Time.class, new java.sql.Time(0));
        values.put(java.sql.Timestamp.class, new java.sql.Timestamp(0));
        values.put(Calendar.class, Calendar.getInstance(TimeZone.getTimeZone("UTC")));
        values.put(SQLType.class, JDBCType.INTEGER);
        values.put(Map.class, new HashMap<>());
        values.put(Properties.class, new Properties());
        values.put(Executor.class, (Executor) Runnable::run);
        values.put(SQLiteUpdateListener.class, (SQLiteUpdateListener) (type, database, table, rowId) -> { });
        values.put(SQLiteCommitListener.class, commitListener());
        if (t == InputStream.class) return new ByteArrayInputStream(new byte[] {1});
        if (t == Reader.class) return new StringReader("x");
        return values.get(t);
    }

    private static SQLiteCommitListener commitListener() {
        return new SQLiteCommitListener() {
            @Override
            public void onCommit() {
            }

            @Override
            public void onRollback() {
            }
        };
    }
}
