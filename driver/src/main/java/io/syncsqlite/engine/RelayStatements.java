package io.syncsqlite.engine;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import org.sqlite.SQLiteConnection;

/**
 * The statements a relay runs on the application's connections, prepared once per connection and SQL text. They read
 * no table, so they take no lock and pin no snapshot of the application's open transaction; xerial runs them under
 * the connection's own monitor, one call at a time with the application's statements.
 */
final class RelayStatements {
    private final Map<SQLiteConnection, Map<String, PreparedStatement>> prepared = new HashMap<>();

    /** {@code sql} prepared on {@code app}, or {@code null} when {@code app} is closed. */
    synchronized PreparedStatement on(SQLiteConnection app, String sql) throws SQLException {
        for (var it = prepared.keySet().iterator(); it.hasNext(); ) if (it.next().isClosed()) it.remove();
        if (app.isClosed()) return null;
        Map<String, PreparedStatement> of = prepared.computeIfAbsent(app, k -> new HashMap<>());
        PreparedStatement ps = of.get(sql);
        if (ps == null || ps.isClosed()) {
            ps = app.prepareStatement(sql);
            of.put(sql, ps);
        }
        return ps;
    }
}
