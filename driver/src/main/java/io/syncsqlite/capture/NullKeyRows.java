package io.syncsqlite.capture;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Rows whose primary key holds NULL, which SQLite allows in a non-INTEGER key of a rowid table. Such a row cannot be
 * told apart from another on other replicas, so capture leaves it out: it stays on this replica, as SQLite stored it,
 * and this finds it so the engine can say so rather than keep it local in silence.
 */
public final class NullKeyRows {
    private NullKeyRows() {
    }

    /** Captured tables holding such rows, with how many, leaving out {@code skipped} ones; rowid-keyed tables never do. */
    public static Map<String, Long> count(Connection c, CaptureSchema schema, java.util.Set<String> skipped) throws SQLException {
        Map<String, Long> out = new LinkedHashMap<>();
        for (CapturedTable t : schema.tables()) {
            if (t.rowidKey() || skipped.contains(t.name())) continue;
            StringBuilder nullKey = new StringBuilder();
            for (String k : t.primaryKey()) nullKey.append(nullKey.length() == 0 ? "" : " OR ").append(Sql.quote(k)).append(" IS NULL");
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + Sql.quote(t.name()) + " WHERE " + nullKey)) {
                if (rs.next() && rs.getLong(1) > 0) out.put(t.name(), rs.getLong(1));
            }
        }
        return out;
    }

    /** The message for {@code rows} such rows of {@code table}. */
    public static String message(String table, long rows) {
        return "table " + Sql.quote(table) + " has " + rows + " row(s) whose PRIMARY KEY holds NULL (SQLite allows it in a non-INTEGER key of a"
                + " rowid table): such rows cannot be told apart on other replicas, so they stay on this replica and are not synced;"
                + " give them a key (declaring the key NOT NULL makes SQLite refuse them)";
    }
}
