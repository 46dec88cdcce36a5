package io.syncsqlite.merge;

import io.syncsqlite.capture.CapturedTable;
import io.syncsqlite.capture.MetaTables;
import io.syncsqlite.capture.Sql;
import io.syncsqlite.change.ChangesetCodec;
import io.syncsqlite.change.SqliteValues;
import io.syncsqlite.clock.Hlc;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The pieces of settling a UNIQUE conflict between two rows that claim one value (two replicas inserted the same
 * email): which columns collide, which local row holds the value, and what happens to the row that loses — it is
 * recorded in {@code _syncsqlite_conflicts} with all its values, and deleted with a tombstone of this replica's own, so
 * every replica ends with the same winner. The decision itself (the later write wins) is {@link ConstraintSettler}'s.
 */
final class UniqueConflicts {
    /** What the application reads: every row that lost a UNIQUE conflict on this replica, with its values. */
    static final String TABLE = MetaTables.CONFLICTS;

    private UniqueConflicts() {
    }

    /** The current values of the value columns of the row {@code pk}, in column order. */
    static Object[] values(Connection c, CapturedTable t, List<Object> pk) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT ");
        for (int i = 0; i < t.columns().size(); i++) sql.append(i == 0 ? "" : ", ").append(Sql.quote(t.columns().get(i).name()));
        if (t.columns().isEmpty()) sql.append("NULL");
        sql.append(" FROM ").append(Sql.quote(t.name())).append(" WHERE ").append(keyWhere(t));
        Object[] out = new Object[t.columns().size()];
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            RowWriter.bindKey(ps, pk, 1);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) for (int i = 0; i < out.length; i++) out[i] = SqliteValues.read(rs, i + 1);
            }
        }
        return out;
    }

    /** Keeps the losing row where the application can read it. */
    static void record(Connection c, CapturedTable t, List<Object> loser, Object[] values, List<Object> winner, String reason) throws SQLException {
        List<Object> names = new ArrayList<>();
        for (CapturedTable.Slot s : t.columns()) names.add(s.name());
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + TABLE + "(tbl, pk, columns, row, winner, reason, at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, t.name());
            ps.setString(2, ChangesetCodec.encodeValues(loser));
            ps.setString(3, ChangesetCodec.encodeValues(names));
            ps.setString(4, ChangesetCodec.encodeValues(java.util.Arrays.asList(values)));
            ps.setString(5, ChangesetCodec.encodeValues(winner));
            ps.setString(6, reason);
            ps.setLong(7, System.currentTimeMillis());
            ps.executeUpdate();
        }
    }

    /**
     * Deletes the losing row {@code pk} as this replica's own write: the base row goes (capture of {@code t} is silenced
     * by the caller), its version row becomes a tombstone stamped now, and the outbox lists it, so replicas that never
     * saw the conflict delete it too.
     */
    static void bury(Connection c, CapturedTable t, List<Object> pk) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + Sql.quote(t.name()) + " WHERE " + keyWhere(t))) {
            RowWriter.bindKey(ps, pk, 1);
            ps.executeUpdate();
        }
        String match = versionKeyWhere(t);
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + Sql.quote(t.versionTable()) + " SET cl = cl + (cl & 1), rh = max((SELECT max("
                + Hlc.SQL_NOW + ", floor) FROM " + MetaTables.CLOCK + "), rh + 1), rs = 0 WHERE " + match)) {
            RowWriter.bindKey(ps, pk, 1);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + MetaTables.OUTBOX + "(tbl, k, slot) SELECT " + t.id() + ", "
                + (t.compositeKey() ? "rowid" : "k0") + ", NULL FROM " + Sql.quote(t.versionTable()) + " WHERE " + match)) {
            RowWriter.bindKey(ps, pk, 1);
            ps.executeUpdate();
        }
    }

    private static String keyWhere(CapturedTable t) {
        StringBuilder b = new StringBuilder();
        for (String k : t.primaryKey()) b.append(b.length() == 0 ? "" : " AND ").append(Sql.quote(k)).append(" = ?");
        return b.toString();
    }

    private static String versionKeyWhere(CapturedTable t) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < t.primaryKey().size(); i++) b.append(i == 0 ? "" : " AND ").append('k').append(i).append(" = ?");
        return b.toString();
    }
}
