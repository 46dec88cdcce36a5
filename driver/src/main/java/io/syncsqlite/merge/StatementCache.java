package io.syncsqlite.merge;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/** The apply's prepared statements on one connection, prepared once per key and schema version, closed together. */
final class StatementCache implements AutoCloseable {
    /** Builds a statement's SQL, only when it is not prepared yet. */
    @FunctionalInterface
    interface SqlText {
        String get();
    }

    private final Connection c;
    private final Map<String, PreparedStatement> statements = new HashMap<>();

    StatementCache(Connection c) {
        this.c = c;
    }

    /** The connection the statements are prepared on (for statements used once, not kept here). */
    Connection connection() {
        return c;
    }

    PreparedStatement get(String key, SqlText sql) throws SQLException {
        PreparedStatement ps = statements.get(key);
        if (ps == null) {
            ps = c.prepareStatement(sql.get());
            statements.put(key, ps);
        }
        return ps;
    }

    @Override
    public void close() throws SQLException {
        for (PreparedStatement ps : statements.values()) ps.close();
        statements.clear();
    }
}
