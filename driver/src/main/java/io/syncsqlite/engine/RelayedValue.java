package io.syncsqlite.engine;

import java.sql.SQLException;

/**
 * Values crossing a relay: an argument SQLite passed the engine's relay, as JDBC binds it on the application's
 * connection, and the application connection's answer, given back to SQLite in its type. xerial's accessors are
 * protected in {@code org.sqlite.Function}, so each relay hands its own.
 */
final class RelayedValue {
    private static final int SQLITE_INTEGER = 1;
    private static final int SQLITE_FLOAT = 2;
    private static final int SQLITE_TEXT = 3;
    private static final int SQLITE_BLOB = 4;

    private RelayedValue() {
    }

    /** One of xerial's argument accessors ({@code value_long}, …). */
    interface Reader<T> {
        T read(int arg) throws SQLException;
    }

    /** One of xerial's {@code result(…)} methods. */
    interface Sink<T> {
        void accept(T value) throws SQLException;
    }

    /** xerial's {@code result()}: SQL NULL. */
    interface NullSink {
        void accept() throws SQLException;
    }

    /** Argument {@code arg}, whose SQLite type is {@code type}, as a Long, Double, String, byte[] or null. */
    static Object of(int type, int arg, Reader<Long> integer, Reader<Double> real, Reader<String> text, Reader<byte[]> blob) throws SQLException {
        return switch (type) {
            case SQLITE_INTEGER -> integer.read(arg);
            case SQLITE_FLOAT -> real.read(arg);
            case SQLITE_TEXT -> text.read(arg);
            case SQLITE_BLOB -> blob.read(arg);
            default -> null;
        };
    }

    /** Gives {@code v}, as JDBC's {@code getObject} read it, to SQLite in its type. */
    static void answer(Object v, Sink<Long> integer, Sink<Double> real, Sink<String> text, Sink<byte[]> blob, NullSink none) throws SQLException {
        if (v == null) none.accept();
        else if (v instanceof Integer || v instanceof Long) integer.accept(((Number) v).longValue());
        else if (v instanceof Number d) real.accept(d.doubleValue());
        else if (v instanceof byte[] b) blob.accept(b);
        else text.accept(v.toString());
    }
}
