package io.syncsqlite.merge;

import io.syncsqlite.capture.CaptureSchema;
import io.syncsqlite.capture.CapturedTable;
import io.syncsqlite.capture.Sql;
import io.syncsqlite.change.ChangesetCodec;
import io.syncsqlite.change.SqliteValues;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the rows that break a foreign key inside the current transaction ({@code PRAGMA foreign_key_check}), so an
 * apply whose deferred check failed holds back only those rows instead of its whole batch.
 */
final class OrphanRows {
    /** A row of a synced table, keyed for lookups ({@code pk} as its wire encoding, since keys may be blobs). */
    record Row(CapturedTable table, List<Object> pk, String parent) {
        String id() {
            return id(table.name(), pk);
        }

        static String id(String table, List<Object> pk) {
            return table.toLowerCase(java.util.Locale.ROOT) + "\u0000" + ChangesetCodec.encodeValues(pk); // SQLite names ignore ASCII case
        }
    }

    /** Thrown inside the probing transaction to roll it back with what it found. */
    static final class Found extends SQLException {
        final List<Row> rows;

        Found(List<Row> rows) {
            super("foreign key violations found");
            this.rows = rows;
        }
    }

    private OrphanRows() {
    }

    /**
     * Every row violating a foreign key now, or {@code null} when one cannot be named (a WITHOUT ROWID table, a table
     * that is not synced): then the caller keeps its whole batch as before.
     */
    static List<Row> find(Connection c, CaptureSchema schema) throws SQLException {
        List<Row> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA foreign_key_check")) {
            while (rs.next()) {
                CapturedTable t = schema.table(rs.getString(1));
                long rowid = rs.getLong(2);
                if (t == null || rs.wasNull()) return null;
                List<Object> pk = key(c, t, rowid);
                if (pk == null) return null;
                out.add(new Row(t, pk, rs.getString(3)));
            }
        }
        return out;
    }

    private static List<Object> key(Connection c, CapturedTable t, long rowid) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT ");
        for (int i = 0; i < t.primaryKey().size(); i++) sql.append(i == 0 ? "" : ", ").append(Sql.quote(t.primaryKey().get(i)));
        try (PreparedStatement ps = c.prepareStatement(sql.append(" FROM ").append(Sql.quote(t.name())).append(" WHERE rowid = ?").toString())) {
            ps.setLong(1, rowid);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return null;
                List<Object> pk = new ArrayList<>();
                for (int i = 1; i <= t.primaryKey().size(); i++) pk.add(SqliteValues.read(rs, i));
                return pk;
            }
        }
    }
}
