package io.syncsqlite.engine;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import org.sqlite.SQLiteConnection;

/**
 * Evaluates a relayed function's query on an open application connection that registers the function (see
 * {@link AppDefinitions}), the first one that still can. When none does any more, it fails as a missing function
 * does, so the engine's change waits with that reason.
 */
final class ProviderQuery {
    private final AppDefinitions definitions;
    private final AppDefinitions.Name name;
    private final RelayStatements statements = new RelayStatements();

    ProviderQuery(AppDefinitions definitions, AppDefinitions.Name name) {
        this.definitions = definitions;
        this.name = name;
    }

    /** The first column of {@code sql}'s single row, {@code params} bound in order (Long, Double, String, byte[] or null). */
    Object evaluate(String sql, List<Object> params) throws SQLException {
        SQLException last = null;
        for (SQLiteConnection app : definitions.providers(name)) {
            try {
                PreparedStatement ps = statements.on(app, sql);
                if (ps == null) continue;
                for (int i = 0; i < params.size(); i++) ps.setObject(i + 1, params.get(i));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getObject(1);
                }
            } catch (SQLException e) {
                if (!app.isClosed() && !e.getMessage().contains("no such function")) throw e; // the application's function failed: as on its connection
                last = e;
            }
        }
        throw new SQLException("no such function: " + name.name() + " (no open application connection registers it now)", last);
    }
}
