package io.syncsqlite.capture;

import io.syncsqlite.change.SqliteValues;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Folds captured writes into the version tables. The capture triggers of a table keyed by one column only append an
 * outbox entry per write — the key, what the write did ({@code slot}: the changed column's slot, {@code NULL} for an
 * insert, or one of the negative kinds below) and the wall-clock stamp {@code h} it was made at — and the engine folds
 * them in later, in its own short transactions: each cell it touches gets {@code max(h, floor, previous + 1)}, exactly
 * what a trigger stamping at the time of the write would have given (the floor only rises in an apply transaction, which
 * folds first). See docs/write-cost.md.
 *
 * <p>Entries whose {@code h} is {@code NULL} were written together with their versions (tables with a composite key,
 * the backfill, the engine's own writes) and are passed over. {@code _syncsqlite_clock.folded} is the last entry
 * folded; everything that reads version tables folds first.
 */
public final class VersionFold {
    /** Entry kind: the row was deleted. */
    public static final int DELETE = -1;
    /** Entry kind: an {@code INSERT OR REPLACE} deleted the row for a UNIQUE value (a delete only if it still exists). */
    public static final int REPLACED = -2;
    /** Entry kind: a key change wrote the row under this key (an insert that also takes the key's spelling). */
    public static final int MOVED_IN = -3;
    /**
     * Entry kind: a {@code DELETE} of every row of the table ({@link BulkDelete}): every row whose versions say it exists
     * as of this entry is deleted, as if each had its own {@link #DELETE} entry stamped {@code h}. Folded in chunks of
     * keys ({@code k}: the last key folded so far, {@code NULL} before the first chunk); once done, its {@code h} is
     * {@code NULL} and per-key delete entries, appended by the fold, tell the publication which rows it deleted.
     */
    public static final int DELETE_ALL = -4;

    private VersionFold() {
    }

    /** Whether captured writes wait to be folded (false on a database without metadata). */
    public static boolean pending(Connection c) throws SQLException {
        if (!MetaTables.exist(c)) return false;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT EXISTS (SELECT 1 FROM " + MetaTables.OUTBOX
                + " WHERE seq > (SELECT folded FROM " + MetaTables.CLOCK + "))")) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    /** Folds every waiting entry, inside the caller's write transaction. */
    public static void all(Connection c) throws SQLException {
        while (step(c, 50_000) > 0) {
            // each step reads a bounded list of entries
        }
    }

    /**
     * Folds at most {@code maxEntries} waiting entries in the caller's write transaction and returns how many it passed
     * (0: nothing waits). Consecutive entries of one table and kind fold in one statement: an upsert that reads them in
     * order applies them one after the other, as the triggers did.
     */
    public static int step(Connection c, int maxEntries) throws SQLException {
        long folded;
        long floor;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT folded, floor FROM " + MetaTables.CLOCK)) {
            if (!rs.next()) return 0;
            folded = rs.getLong(1);
            floor = rs.getLong(2);
        }
        List<Run> runs = new ArrayList<>();
        long last = folded;
        int passed = 0;
        DeleteAll deleteAll = null;
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, tbl, slot, h IS NULL, k, h FROM " + MetaTables.OUTBOX + " WHERE seq > ? ORDER BY seq LIMIT ?")) {
            ps.setLong(1, folded);
            ps.setInt(2, maxEntries);
            try (ResultSet rs = ps.executeQuery()) {
                Run run = null;
                while (rs.next()) {
                    Integer slot = (Integer) rs.getObject(3);
                    if (!rs.getBoolean(4) && slot != null && slot == DELETE_ALL) {
                        // folded on its own, after the entries before it: it deletes what they left
                        if (passed == 0) deleteAll = new DeleteAll(rs.getLong(1), rs.getInt(2), SqliteValues.read(rs, 5), Math.max(rs.getLong(6), floor));
                        break;
                    }
                    passed++;
                    last = rs.getLong(1);
                    if (rs.getBoolean(4)) {
                        run = null; // written with its versions
                        continue;
                    }
                    int table = rs.getInt(2);
                    if (run != null && run.table == table && Objects.equals(run.slot, slot)) {
                        run.to = last;
                    } else {
                        run = new Run(table, slot, last);
                        runs.add(run);
                    }
                }
            }
        }
        if (deleteAll != null) return foldDeleteAll(c, deleteAll, maxEntries);
        if (passed == 0) return 0;
        Map<Integer, List<Integer>> slotsByTable = new HashMap<>();
        Map<Integer, Long> goneCl = new HashMap<>();
        Map<String, PreparedStatement> statements = new HashMap<>();
        try {
            for (Run r : runs) {
                if (!slotsByTable.containsKey(r.table)) slotsByTable.put(r.table, slots(c, r.table));
                List<Integer> slots = slotsByTable.get(r.table);
                // versions gone (the table was forgotten), or a slot it never had: nothing to fold into
                if (slots == null || r.slot != null && r.slot >= 0 && !slots.contains(r.slot)) continue;
                PreparedStatement ps = statements.get(r.table + ":" + r.slot);
                if (ps == null) {
                    if (!goneCl.containsKey(r.table)) goneCl.put(r.table, TombstoneCollector.goneCausalLength(c, r.table));
                    ps = c.prepareStatement(sql(r.table, r.slot, slots, goneCl.get(r.table)));
                    statements.put(r.table + ":" + r.slot, ps);
                }
                ps.setLong(1, floor);
                ps.setLong(2, r.from);
                ps.setLong(3, r.to);
                ps.executeUpdate();
            }
        } finally {
            for (PreparedStatement ps : statements.values()) ps.close();
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + MetaTables.CLOCK + " SET folded = ?")) {
            ps.setLong(1, last);
            ps.executeUpdate();
        }
        return passed;
    }

    /**
     * A {@link #DELETE_ALL} entry waiting to be folded.
     *
     * @param after the last key already folded, {@code null} for none
     * @param stamp the delete's stamp, at least the clock floor
     */
    private record DeleteAll(long seq, int table, Object after, long stamp) {
    }

    /**
     * Folds the next {@code maxRows} rows of a {@link #DELETE_ALL} entry, in key order: each row its versions say exists
     * gets a tombstone as a {@link #DELETE} entry would give it, and a delete entry of its key written with its versions
     * (the publication reads those). No entry after this one is folded before it is done, so the version table holds
     * the rows as of the entry, less those already folded. Returns the rows it folded, at least 1.
     */
    private static int foldDeleteAll(Connection c, DeleteAll e, int maxRows) throws SQLException {
        Object upper = null;
        int rows = 0;
        if (slots(c, e.table) != null) { // else the versions are gone (the table was forgotten): nothing to fold into
            String versions = Sql.quote(Sql.PREFIX + "v" + e.table);
            String lower = e.after == null ? "" : " AND k0 > ?";
            try (PreparedStatement ps = c.prepareStatement("SELECT k0 FROM " + versions + " WHERE (cl & 1) = 1" + lower + " ORDER BY k0 LIMIT 1 OFFSET ?")) {
                int i = 1;
                if (e.after != null) SqliteValues.bind(ps, i++, e.after);
                ps.setInt(i, maxRows - 1);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) upper = SqliteValues.read(rs, 1);
                }
            }
            String rowsOf = "(cl & 1) = 1" + lower + (upper == null ? "" : " AND k0 <= ?");
            try (PreparedStatement entries = c.prepareStatement("INSERT INTO " + MetaTables.OUTBOX + "(tbl, k, slot) SELECT " + e.table + ", k0, " + DELETE
                    + " FROM " + versions + " WHERE " + rowsOf + " ORDER BY k0");
                 PreparedStatement tombstones = c.prepareStatement("UPDATE " + versions + " SET cl = cl + 1, rh = max(?, rh + 1), rs = 0 WHERE " + rowsOf)) {
                bindRange(entries, 1, e.after, upper);
                rows = entries.executeUpdate();
                tombstones.setLong(1, e.stamp);
                bindRange(tombstones, 2, e.after, upper);
                tombstones.executeUpdate();
            }
        }
        if (upper != null) {
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + MetaTables.OUTBOX + " SET k = ? WHERE seq = ?")) {
                SqliteValues.bind(ps, 1, upper);
                ps.setLong(2, e.seq);
                ps.executeUpdate();
            }
        } else {
            try (PreparedStatement done = c.prepareStatement("UPDATE " + MetaTables.OUTBOX + " SET k = NULL, h = NULL WHERE seq = ?");
                 PreparedStatement mark = c.prepareStatement("UPDATE " + MetaTables.CLOCK + " SET folded = ?")) {
                done.setLong(1, e.seq);
                done.executeUpdate();
                mark.setLong(1, e.seq);
                mark.executeUpdate();
            }
        }
        return Math.max(rows, 1);
    }

    private static void bindRange(PreparedStatement ps, int from, Object after, Object upper) throws SQLException {
        int i = from;
        if (after != null) SqliteValues.bind(ps, i++, after);
        if (upper != null) SqliteValues.bind(ps, i, upper);
    }

    /** Consecutive entries of one table and kind. */
    private static final class Run {
        final int table;
        final Integer slot;
        final long from;
        long to;

        Run(int table, Integer slot, long seq) {
            this.table = table;
            this.slot = slot;
            this.from = seq;
            this.to = seq;
        }
    }

    /** The value slots of the version table of {@code table}, or {@code null} when it has none to fold into. */
    private static List<Integer> slots(Connection c, int table) throws SQLException {
        List<Integer> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT name FROM pragma_table_info(?)")) {
            ps.setString(1, Sql.PREFIX + "v" + table);
            boolean any = false;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    any = true;
                    String name = rs.getString(1);
                    if (name.equals("k1")) return null; // a composite key: its triggers write versions themselves
                    if (name.matches("h\\d+")) out.add(Integer.parseInt(name.substring(1)));
                }
            }
            return any ? out : null;
        }
    }

    /**
     * The upsert that folds a run of entries {@code ?2 .. ?3} of one table and kind, {@code ?1} being the clock floor. In
     * {@code DO UPDATE SET}, a column name reads the row's value before the update. A key without versions starts its
     * causal length above {@code goneCl}, the greatest of the table's collected tombstones (0 when none was collected:
     * an insert is 1, a delete 2, as always).
     */
    private static String sql(int table, Integer slot, List<Integer> slots, long goneCl) {
        String versions = Sql.quote(Sql.PREFIX + "v" + table);
        String stamp = "max(o.h, ?1)";
        StringBuilder cols = new StringBuilder("k0, cl, rh, rs");
        StringBuilder vals = new StringBuilder("o.k, ");
        StringBuilder set = new StringBuilder();
        String only = "";
        if (slot == null || slot == MOVED_IN) { // the row (again) exists: every cell is stamped
            vals.append(goneCl + 1).append(", ").append(stamp).append(", 0");
            set.append("cl = cl + 1 - (cl & 1), rh = max(excluded.rh, rh + 1), rs = 0");
            if (slot != null) set.append(", k0 = excluded.k0");
            for (int s : slots) {
                cols.append(", h").append(s).append(", s").append(s);
                vals.append(", ").append(stamp).append(", 0");
                set.append(", h").append(s).append(" = max(excluded.h").append(s).append(", h").append(s).append(" + 1), s").append(s).append(" = 0");
            }
        } else if (slot == DELETE) {
            vals.append(goneCl + 2).append(", ").append(stamp).append(", 0");
            set.append("cl = cl + (cl & 1), rh = max(excluded.rh, rh + 1), rs = 0");
        } else if (slot == REPLACED) { // only a row that still exists is buried
            vals.append("0, ").append(stamp).append(", 0");
            set.append("rh = CASE WHEN cl & 1 THEN max(excluded.rh, rh + 1) ELSE rh END, rs = CASE WHEN cl & 1 THEN 0 ELSE rs END, cl = cl + (cl & 1)");
            only = " AND EXISTS (SELECT 1 FROM " + versions + " v WHERE v.k0 = o.k)";
        } else { // one column of an existing row was updated
            cols.append(", h").append(slot).append(", s").append(slot);
            vals.append("0, 0, 0, ").append(stamp).append(", 0");
            set.append("h").append(slot).append(" = max(excluded.h").append(slot).append(", h").append(slot).append(" + 1), s").append(slot).append(" = 0");
            only = " AND EXISTS (SELECT 1 FROM " + versions + " v WHERE v.k0 = o.k)";
        }
        return "INSERT INTO " + versions + "(" + cols + ") SELECT " + vals + " FROM " + MetaTables.OUTBOX + " o WHERE o.seq BETWEEN ?2 AND ?3 AND o.tbl = "
                + table + " AND o.h IS NOT NULL" + only + " ORDER BY o.seq ON CONFLICT(k0) DO UPDATE SET " + set;
    }
}
