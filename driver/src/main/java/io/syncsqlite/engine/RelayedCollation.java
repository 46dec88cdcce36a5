package io.syncsqlite.engine;

import io.syncsqlite.capture.Sql;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.sqlite.Collation;
import org.sqlite.SQLiteConnection;

/**
 * An application's collation on the engine's connection: each comparison is made by an open application connection
 * that registered it (see {@link AppDefinitions}). A comparison cannot fail in SQLite, and a made-up order would
 * corrupt an index, so when no application connection has it any more (closed since the relays were last aligned) the
 * engine's statement is interrupted instead: nothing it wrote stays, and the change waits.
 */
final class RelayedCollation extends Collation {
    private static final System.Logger LOG = System.getLogger(RelayedCollation.class.getName());
    private final AppDefinitions definitions;
    private final AppDefinitions.Name name;
    private final SQLiteConnection engine;
    private final RelayStatements statements = new RelayStatements();
    private final String sql;

    RelayedCollation(AppDefinitions definitions, AppDefinitions.Name name, SQLiteConnection engine) {
        this.definitions = definitions;
        this.name = name;
        this.engine = engine;
        String c = " COLLATE " + Sql.quote(name.name());
        this.sql = "SELECT ?1 = ?2" + c + ", ?1 < ?2" + c;
    }

    @Override
    protected int xCompare(String a, String b) {
        for (SQLiteConnection app : definitions.providers(name)) {
            try {
                PreparedStatement ps = statements.on(app, sql);
                if (ps == null) continue;
                ps.setString(1, a);
                ps.setString(2, b);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getBoolean(1) ? 0 : rs.getBoolean(2) ? -1 : 1;
                }
            } catch (SQLException e) {
                LOG.log(System.Logger.Level.DEBUG, "collation " + name.name() + " on an application connection failed", e);
            }
        }
        LOG.log(System.Logger.Level.WARNING, "No open application connection registers collation {0} any more: the sync engine''s statement stops and its change waits", name.name());
        try {
            engine.getDatabase().interrupt();
        } catch (SQLException e) {
            LOG.log(System.Logger.Level.DEBUG, "interrupt failed", e);
        }
        return 0;
    }
}
