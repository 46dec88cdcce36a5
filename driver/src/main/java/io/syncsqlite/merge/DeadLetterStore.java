package io.syncsqlite.merge;

import io.syncsqlite.capture.MetaTables;
import io.syncsqlite.change.Change;
import io.syncsqlite.change.ChangesetCodec;
import io.syncsqlite.change.InvalidChangesetException;
import io.syncsqlite.change.SqliteValues;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Local changes that were refused on their way out — by this driver (a value or name over the wire format's limits)
 * or by a hub (its caps, its rules) — kept in {@code _syncsqlite_deadletters} instead of being dropped with the batch
 * they came in. Each records who refused it ({@code refuser}) and under which limits; when that refuser's limits
 * change, the change is offered again. One entry per cell: a newer refused version replaces an older one.
 */
public final class DeadLetterStore {
    /** The refuser name of this driver's own checks. */
    public static final String LOCAL = "local";

    private DeadLetterStore() {
    }

    /** A refused local change and why. */
    public record Refusal(Change change, String reason) {
    }

    /** Keeps {@code refused} (inside the caller's transaction), replacing older refused versions of the same cells. */
    public static void setAside(Connection c, List<Refusal> refused, String refuser, String limits) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + MetaTables.DEAD_LETTERS
                + "(tbl, pk, col, val, hlc, site, cl, reason, refuser, limits, retry, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)"
                + " ON CONFLICT (tbl, pk, col) DO UPDATE SET val = excluded.val, hlc = excluded.hlc, site = excluded.site, cl = excluded.cl,"
                + " reason = excluded.reason, refuser = excluded.refuser, limits = excluded.limits, retry = 0, at = excluded.at"
                + " WHERE excluded.cl > cl OR (excluded.cl = cl AND excluded.hlc >= hlc)")) {
            for (Refusal r : refused) {
                Change ch = r.change();
                ps.setString(1, ch.table());
                ps.setString(2, ChangesetCodec.encodeValues(ch.pk()));
                ps.setString(3, ch.column() == null ? "" : ch.column());
                SqliteValues.bind(ps, 4, ch.value());
                ps.setLong(5, ch.hlc());
                ps.setString(6, ch.site());
                ps.setLong(7, ch.cl());
                ps.setString(8, r.reason());
                ps.setString(9, refuser);
                ps.setString(10, limits);
                ps.setLong(11, System.currentTimeMillis());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Marks for another try every change {@code refuser} refused under limits other than {@code limits}; returns how many. */
    public static int retryIfLimitsChanged(Connection c, String refuser, String limits) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + MetaTables.DEAD_LETTERS + " SET retry = 1 WHERE refuser = ? AND limits <> ? AND retry = 0")) {
            ps.setString(1, refuser);
            ps.setString(2, limits);
            return ps.executeUpdate();
        }
    }

    /** Up to {@code max} changes marked for another try, with the highest id among them (0 when none). */
    public static Retry retries(Connection c, int max) throws SQLException {
        List<Change> out = new ArrayList<>();
        long upTo = 0;
        try (PreparedStatement ps = c.prepareStatement("SELECT id, tbl, pk, col, val, hlc, site, cl FROM " + MetaTables.DEAD_LETTERS
                + " WHERE retry = 1 ORDER BY id LIMIT ?")) {
            ps.setInt(1, max);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    upTo = rs.getLong(1);
                    List<Object> pk;
                    try {
                        pk = ChangesetCodec.decodeValues(rs.getString(3));
                    } catch (InvalidChangesetException e) {
                        throw new SQLException("Corrupt dead letter " + upTo + " of table " + rs.getString(2) + ": " + e.getMessage(), "XX001", e);
                    }
                    String col = rs.getString(4);
                    out.add(new Change(rs.getString(2), pk, col.isEmpty() ? null : col, SqliteValues.read(rs, 5), rs.getLong(6), rs.getString(7), rs.getLong(8)));
                }
            }
        }
        return new Retry(out, upTo);
    }

    /** Retried changes, and the id up to which they are removed once published. */
    public record Retry(List<Change> changes, long upToId) {
    }

    /** Removes the retried entries up to {@code upToId} that were published (and not refused again meanwhile). */
    public static void published(Connection c, long upToId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + MetaTables.DEAD_LETTERS + " WHERE retry = 1 AND id <= ?")) {
            ps.setLong(1, upToId);
            ps.executeUpdate();
        }
    }

    /** How many refused changes are kept. */
    public static long count(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + MetaTables.DEAD_LETTERS)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }
}
