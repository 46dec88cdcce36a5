package io.syncsqlite.merge;

import io.syncsqlite.change.SqliteValues;
import io.syncsqlite.capture.MetaTables;
import io.syncsqlite.change.Change;
import io.syncsqlite.change.ChangesetCodec;
import io.syncsqlite.change.InvalidChangesetException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Remote changes that could not be applied yet, kept in {@code _syncsqlite_pending} so none is ever lost; and those
 * for tables or columns this replica dropped, archived in {@code _syncsqlite_archived} (kept, never retried).
 */
final class PendingStore {
    private PendingStore() {
    }

    static void park(Connection c, Change ch, String reason) throws SQLException {
        store(c, MetaTables.PENDING, ch, reason);
    }

    static void archive(Connection c, Change ch, String reason) throws SQLException {
        store(c, MetaTables.ARCHIVED, ch, reason);
    }

    private static void store(Connection c, String table, Change ch, String reason) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table
                + "(tbl, pk, col, val, hlc, site, cl, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, ch.table());
            ps.setString(2, ChangesetCodec.encodeValues(ch.pk()));
            ps.setString(3, ch.column());
            SqliteValues.bind(ps, 4, ch.value());
            ps.setLong(5, ch.hlc());
            ps.setString(6, ch.site());
            ps.setLong(7, ch.cl());
            ps.setString(8, reason);
            ps.executeUpdate();
        }
    }

    static boolean isEmpty(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT NOT EXISTS (SELECT 1 FROM " + MetaTables.PENDING + ")")) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    /** Removes and returns every pending change (inside the caller's transaction). */
    static List<Change> takeAll(Connection c) throws SQLException {
        List<Change> out = new ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT tbl, pk, col, val, hlc, site, cl FROM " + MetaTables.PENDING + " ORDER BY id")) {
            while (rs.next()) {
                List<Object> pk;
                try {
                    pk = ChangesetCodec.decodeValues(rs.getString(2));
                } catch (InvalidChangesetException e) {
                    throw new SQLException("Corrupt pending change: " + e.getMessage(), "XX001", e);
                }
                out.add(new Change(rs.getString(1), pk, rs.getString(3), SqliteValues.read(rs, 4), rs.getLong(5), rs.getString(6), rs.getLong(7)));
            }
            s.execute("DELETE FROM " + MetaTables.PENDING);
        }
        return out;
    }
}
