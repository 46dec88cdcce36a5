package io.syncsqlite.capture;

import io.syncsqlite.change.SqliteValues;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Removes the version rows of deleted rows (tombstones: an even causal length) once they are no longer needed, so the
 * metadata of a table is bounded by its rows, not by its history. A tombstone stops a change made without knowledge of
 * the delete from bringing the row back; once every site has seen the delete, and nothing any of them wrote before
 * seeing it can still arrive, it has nothing left to stop. The transport tells when that holds for everything this
 * replica holds ({@code Transport.seenByAll}); this class only removes, in slices the engine runs as short transactions.
 *
 * <p>What stays, and why (see docs/write-cost.md):
 * <ul>
 * <li>tombstones whose delete is still in the outbox (not published), and every tombstone of a table with pending
 *     changes or dead letters (a change waiting there may be older than the delete);</li>
 * <li>for a key the database chooses, the greatest key of this replica's block, spill range and wide range, so a new
 *     key never reuses a deleted one;</li>
 * <li>tables keyed by several columns (their outbox refers to version rows by rowid and their triggers write versions).</li>
 * </ul>
 * The table's {@code gone_cl} keeps the greatest causal length collected: a key inserted here again without versions
 * starts above it (see {@link VersionFold}), so it still beats the tombstone on a replica that has not collected it yet.
 * {@code _syncsqlite_clock.collected} keeps the greatest stamp of this replica's own tombstones collected, so its own
 * delete coming back (a hub read again from the start) is recognised as one it collected, not as a restored copy.
 */
public final class TombstoneCollector {
    /** Version rows looked at per slice: one short transaction of the engine. */
    static final int SLICE_ROWS = 5_000;

    private TombstoneCollector() {
    }

    /**
     * Where a pass over one table stands.
     *
     * @param collected tombstones removed by the slice that returned it
     * @param after     the last key the pass looked at ({@code null} with {@code started} false: none yet)
     * @param done      the pass reached the end of the table
     */
    public record Slice(long collected, boolean started, Object after, boolean done) {
        /** The start of a pass. */
        public static final Slice FIRST = new Slice(0, false, null, false);
    }

    /** The greatest causal length among the collected tombstones of table {@code id} (0: none). */
    static long goneCausalLength(Connection c, int id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT gone_cl FROM " + MetaTables.TABLES + " WHERE id = ?")) {
            ps.setInt(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    /** The greatest stamp among this replica's own collected tombstones (0: none). */
    public static long collectedThrough(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT collected FROM " + MetaTables.CLOCK);
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /**
     * Collects, in the caller's write transaction, the tombstones of {@code t} among the next {@link #SLICE_ROWS} version
     * rows after {@code previous}, and returns where the pass stands.
     */
    public static Slice step(Connection c, CapturedTable t, Slice previous) throws SQLException {
        if (t.compositeKey() || !holdsNothingOlder(c, t)) return new Slice(0, true, null, true);
        String versions = Sql.quote(t.versionTable());
        String lower = previous.started() ? "k0 > ?" : "1";
        Object upper = null;
        boolean last;
        try (PreparedStatement ps = c.prepareStatement("SELECT k0 FROM " + versions + " WHERE " + lower + " ORDER BY k0 LIMIT 1 OFFSET " + (SLICE_ROWS - 1))) {
            if (previous.started()) SqliteValues.bind(ps, 1, previous.after());
            try (ResultSet rs = ps.executeQuery()) {
                last = !rs.next();
                if (!last) upper = SqliteValues.read(rs, 1);
            }
        }
        List<Object> bounds = new ArrayList<>();
        StringBuilder where = new StringBuilder(lower);
        if (previous.started()) bounds.add(previous.after());
        if (!last) {
            where.append(" AND k0 <= ?");
            bounds.add(upper);
        }
        where.append(" AND (cl & 1) = 0 AND NOT EXISTS (SELECT 1 FROM ").append(MetaTables.OUTBOX).append(" o WHERE o.tbl = ").append(t.id())
             .append(" AND o.slot < 0 AND o.k = ").append(versions).append(".k0)");
        if (t.rowidKey()) where.append(" AND k0 NOT IN (SELECT k FROM (").append(RowidKeySql.usedMarks(t)).append(") WHERE k IS NOT NULL)");
        long collected = 0;
        long gone = 0;
        long own = 0;
        try (PreparedStatement ps = prepare(c, "SELECT count(*), coalesce(max(cl), 0), coalesce(max(CASE WHEN rs = 0 THEN rh END), 0) FROM " + versions
                + " WHERE " + where, bounds); ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
                collected = rs.getLong(1);
                gone = rs.getLong(2);
                own = rs.getLong(3);
            }
        }
        if (collected > 0) {
            try (PreparedStatement ps = prepare(c, "DELETE FROM " + versions + " WHERE " + where, bounds)) {
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + MetaTables.TABLES + " SET gone_cl = max(gone_cl, ?) WHERE id = ?")) {
                ps.setLong(1, gone);
                ps.setInt(2, t.id());
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + MetaTables.CLOCK + " SET collected = max(collected, ?)")) {
                ps.setLong(1, own);
                ps.executeUpdate();
            }
        }
        return new Slice(collected, true, upper, last);
    }

    /** No change waits for {@code t} in the pending or dead-letter stores (one there may be older than a delete). */
    private static boolean holdsNothingOlder(Connection c, CapturedTable t) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM " + MetaTables.PENDING + " WHERE tbl = ?1) OR EXISTS (SELECT 1 FROM "
                + MetaTables.DEAD_LETTERS + " WHERE tbl = ?1)")) {
            ps.setString(1, t.name());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && !rs.getBoolean(1);
            }
        }
    }

    private static PreparedStatement prepare(Connection c, String sql, List<Object> bounds) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        for (int i = 0; i < bounds.size(); i++) SqliteValues.bind(ps, i + 1, bounds.get(i));
        return ps;
    }
}
