package io.syncsqlite.engine;

import io.syncsqlite.capture.Sql;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.StringJoiner;
import org.sqlite.Function;
import org.sqlite.SQLiteConnection;

/**
 * An application's scalar function on the engine's connection: each call evaluates {@code name(?, …)} with the same
 * arguments on an open application connection that registered it (see {@link AppDefinitions}). When none does any
 * more, the call fails as a missing function does, so the change waits with that reason.
 */
final class RelayedFunction extends Function {
    private final AppDefinitions definitions;
    private final AppDefinitions.Name name;
    private final RelayStatements statements = new RelayStatements();

    RelayedFunction(AppDefinitions definitions, AppDefinitions.Name name) {
        this.definitions = definitions;
        this.name = name;
    }

    @Override
    protected void xFunc() throws SQLException {
        int n = args();
        StringJoiner params = new StringJoiner(", ", "SELECT " + Sql.quote(name.name()) + "(", ")");
        for (int i = 0; i < n; i++) params.add("?");
        String sql = params.toString();
        SQLException last = null;
        for (SQLiteConnection app : definitions.providers(name)) {
            try {
                PreparedStatement ps = statements.on(app, sql);
                if (ps == null) continue;
                for (int i = 0; i < n; i++) bind(ps, i);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    answer(rs.getObject(1));
                    return;
                }
            } catch (SQLException e) {
                if (!app.isClosed() && !e.getMessage().contains("no such function")) throw e; // the application's function failed: as on its connection
                last = e;
            }
        }
        throw new SQLException("no such function: " + name.name() + " (no open application connection registers it now)", last);
    }

    private void bind(PreparedStatement ps, int i) throws SQLException {
        switch (value_type(i)) {
            case SQLITE_INTEGER -> ps.setLong(i + 1, value_long(i));
            case SQLITE_FLOAT -> ps.setDouble(i + 1, value_double(i));
            case SQLITE_TEXT -> ps.setString(i + 1, value_text(i));
            case SQLITE_BLOB -> ps.setBytes(i + 1, value_blob(i));
            default -> ps.setNull(i + 1, java.sql.Types.NULL);
        }
    }

    private void answer(Object v) throws SQLException {
        if (v == null) result();
        else if (v instanceof Integer || v instanceof Long) result(((Number) v).longValue());
        else if (v instanceof Number d) result(d.doubleValue());
        else if (v instanceof byte[] b) result(b);
        else result(v.toString());
    }

    private static final int SQLITE_INTEGER = 1;
    private static final int SQLITE_FLOAT = 2;
    private static final int SQLITE_TEXT = 3;
    private static final int SQLITE_BLOB = 4;
}
