package io.syncsqlite.merge;

import io.syncsqlite.SyncStatus;
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
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Remote changes that could not be applied yet, kept in {@code _syncsqlite_pending} so none is ever lost; and those
 * for tables or columns this replica dropped, archived in {@code _syncsqlite_archived} (kept, never retried).
 */
final class PendingStore {
    /** Parameter 4 of the page queries: a text the reason must contain, or NULL for every change. */
    private static final String WITH_REASON = "(?4 IS NULL OR instr(reason, ?4) > 0)";

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
                + "(tbl, pk, col, val, hlc, site, cl, reason, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, ch.table());
            ps.setString(2, ChangesetCodec.encodeValues(ch.pk()));
            ps.setString(3, ch.column());
            SqliteValues.bind(ps, 4, ch.value());
            ps.setLong(5, ch.hlc());
            ps.setString(6, ch.site());
            ps.setLong(7, ch.cl());
            ps.setString(8, reason);
            ps.setLong(9, System.currentTimeMillis());
            ps.executeUpdate();
        }
    }

    /** What waits, grouped by table, column (for a missing column) and reason; at most {@code limit} groups. */
    static List<SyncStatus.Waiting> summary(Connection c, int limit) throws SQLException {
        List<SyncStatus.Waiting> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT tbl, CASE WHEN reason LIKE 'unknown column %' THEN col END AS column, count(*), reason FROM "
                + MetaTables.PENDING + " GROUP BY tbl, column, reason ORDER BY min(id) LIMIT ?")) {
            ps.setInt(1, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(new SyncStatus.Waiting(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4)));
            }
        }
        return out;
    }

    /** The tables (as the changes name them) that pending changes are for. */
    static Set<String> tables(Connection c) throws SQLException {
        Set<String> out = new HashSet<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT DISTINCT tbl FROM " + MetaTables.PENDING)) {
            while (rs.next()) out.add(rs.getString(1));
        }
        return out;
    }

    static boolean isEmpty(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT NOT EXISTS (SELECT 1 FROM " + MetaTables.PENDING + ")")) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    /** The highest id in the store, 0 when empty. */
    static long lastId(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT coalesce(max(id), 0) FROM " + MetaTables.PENDING)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * The id ending a page of at most {@code size} changes after {@code after} (up to {@code last}); {@code after} if none.
     * With {@code reason}, only changes whose reason contains it count (and {@link #read}, {@link #remove} take only those).
     */
    static long pageEnd(Connection c, long after, long last, int size, String reason) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(max(id), ?1) FROM (SELECT id FROM " + MetaTables.PENDING
                + " WHERE id > ?1 AND id <= ?2 AND " + WITH_REASON + " ORDER BY id LIMIT ?3)")) {
            ps.setLong(1, after);
            ps.setLong(2, last);
            ps.setInt(3, size);
            ps.setString(4, reason);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * The pending pieces of the row {@code pk} of {@code table}, taken out of the store (inside the caller's
     * transaction), followed by {@code incoming}: a row's pieces apply together, as one row.
     */
    static List<Change> takeRow(Connection c, String table, List<Object> pk, List<Change> incoming) throws SQLException {
        String key = ChangesetCodec.encodeValues(pk);
        List<Change> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT tbl, pk, col, val, hlc, site, cl FROM " + MetaTables.PENDING + " WHERE tbl = ? AND pk = ? ORDER BY id")) {
            ps.setString(1, table);
            ps.setString(2, key);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(change(rs));
            }
        }
        if (out.isEmpty()) return incoming;
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + MetaTables.PENDING + " WHERE tbl = ? AND pk = ?")) {
            ps.setString(1, table);
            ps.setString(2, key);
            ps.executeUpdate();
        }
        out.addAll(incoming);
        return out;
    }

    /** The changes with ids in {@code (after, upTo]} (whose reason contains {@code reason}, when given), in id order. */
    static List<Change> read(Connection c, long after, long upTo, String reason) throws SQLException {
        List<Change> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT tbl, pk, col, val, hlc, site, cl FROM " + MetaTables.PENDING
                + " WHERE id > ?1 AND id <= ?2 AND " + WITH_REASON + " ORDER BY id")) {
            ps.setLong(1, after);
            ps.setLong(2, upTo);
            ps.setString(4, reason);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(change(rs));
            }
        }
        return out;
    }

    /** The change in the current row of {@code rs} ({@code tbl, pk, col, val, hlc, site, cl}). */
    private static Change change(ResultSet rs) throws SQLException {
        List<Object> pk;
        try {
            pk = ChangesetCodec.decodeValues(rs.getString(2));
        } catch (InvalidChangesetException e) {
            throw new SQLException("Corrupt pending change: " + e.getMessage(), "XX001", e);
        }
        return new Change(rs.getString(1), pk, rs.getString(3), SqliteValues.read(rs, 4), rs.getLong(5), rs.getString(6), rs.getLong(7));
    }

    /** Removes the changes {@link #read} returns for the same arguments (inside the caller's transaction). */
    static void remove(Connection c, long after, long upTo, String reason) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + MetaTables.PENDING + " WHERE id > ?1 AND id <= ?2 AND " + WITH_REASON)) {
            ps.setLong(1, after);
            ps.setLong(2, upTo);
            ps.setString(4, reason);
            ps.executeUpdate();
        }
    }
}
