package io.syncsqlite.capture;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Copies of captured tables taken just before a statement drops them, inside the same transaction: what a rebuild
 * is compared with (which cells did the migration change?) and where a dropped table's unpublished changes are read
 * from. One pass over the table, keyed like it.
 */
final class Snapshots {
    private Snapshots() {
    }

    static String name(int id) {
        return Sql.PREFIX + "snap" + id;
    }

    /**
     * Snapshots the captured tables {@code change} drops; when it also renames tables (a script that renames the old
     * table away before dropping it), those too, since the dropped name may not exist yet.
     */
    static void take(Connection c, SchemaChange change) throws SQLException {
        Set<String> names = new LinkedHashSet<>(change.droppedTables());
        names.addAll(change.renamedTables());
        Registry registry = Registry.load(c);
        Map<String, TableSchema> tables = SchemaReader.userTables(c);
        for (String wanted : names) {
            for (Registry.Registered reg : registry.live.values()) {
                TableSchema t = tables.get(reg.name);
                if (t == null || !reg.name.toLowerCase(Locale.ROOT).equals(wanted.toLowerCase(Locale.ROOT))) continue;
                take(c, reg.id, t);
            }
        }
    }

    private static void take(Connection c, int id, TableSchema t) throws SQLException {
        StringBuilder cols = new StringBuilder();
        StringBuilder notNull = new StringBuilder();
        for (String col : t.columns()) cols.append(cols.length() == 0 ? "" : ", ").append(Sql.quote(col));
        for (String k : t.primaryKey()) notNull.append(notNull.length() == 0 ? "" : " AND ").append(Sql.quote(k)).append(" IS NOT NULL");
        StringBuilder keys = new StringBuilder();
        for (String k : t.primaryKey()) keys.append(keys.length() == 0 ? "" : ", ").append(Sql.quote(k));
        String snap = Sql.quote(name(id));
        try (Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + snap);
            // untyped columns: values are kept exactly as stored, with no affinity applied
            s.execute("CREATE TABLE " + snap + "(" + cols + ", PRIMARY KEY (" + keys + ")) WITHOUT ROWID");
            s.execute("INSERT INTO " + snap + " SELECT " + cols + " FROM " + Sql.quote(t.name()) + " WHERE " + notNull);
        }
    }
}
