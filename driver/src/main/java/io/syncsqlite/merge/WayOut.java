package io.syncsqlite.merge;

import io.syncsqlite.Conflict;
import io.syncsqlite.DeadLetter;
import io.syncsqlite.PendingRow;
import io.syncsqlite.capture.MetaTables;
import io.syncsqlite.capture.Sql;
import io.syncsqlite.change.ChangesetCodec;
import io.syncsqlite.change.InvalidChangesetException;
import io.syncsqlite.change.SqliteValues;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The way out of every parked state without SQL (what {@code SyncConnection} offers): listing what is pending, dead
 * or lost in a conflict, and discarding, retrying or restoring it. Each call runs on the caller's connection; the
 * writing ones in one transaction of their own (or the caller's).
 */
public final class WayOut {
    static final String DISCARDED = "discarded by the application: ";

    private WayOut() {
    }

    /** Up to {@code limit} rows with pending changes, oldest first. */
    public static List<PendingRow> pending(Connection c, int limit) throws SQLException {
        checkLimit(limit);
        if (!MetaTables.exist(c)) return List.of();
        record Group(String table, String key, int changes, Long since) {
        }
        List<Group> groups = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT tbl, pk, count(*), min(at) FROM " + MetaTables.PENDING
                + " GROUP BY tbl, pk ORDER BY min(id) LIMIT ?")) {
            ps.setInt(1, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) groups.add(new Group(rs.getString(1), rs.getString(2), rs.getInt(3), (Long) rs.getObject(4, Long.class)));
            }
        }
        List<PendingRow> out = new ArrayList<>(groups.size());
        try (PreparedStatement ps = c.prepareStatement("SELECT col, reason FROM " + MetaTables.PENDING + " WHERE tbl = ? AND pk = ? ORDER BY id")) {
            for (Group g : groups) {
                ps.setString(1, g.table());
                ps.setString(2, g.key());
                Set<String> columns = new LinkedHashSet<>();
                boolean rowChange = false;
                String reason = null;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String col = rs.getString(1);
                        if (col == null) rowChange = true;
                        else columns.add(col);
                        reason = rs.getString(2);
                    }
                }
                out.add(new PendingRow(g.table(), key(g.key(), g.table()), List.copyOf(columns), rowChange, g.changes(), reason, instant(g.since())));
            }
        }
        return out;
    }

    /** How many rows have pending changes. */
    public static int pendingRows(Connection c) throws SQLException {
        if (!MetaTables.exist(c)) return 0;
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM (SELECT 1 FROM " + MetaTables.PENDING + " GROUP BY tbl, pk)");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    /** Up to {@code limit} dead letters, oldest first. */
    public static List<DeadLetter> deadLetters(Connection c, int limit) throws SQLException {
        checkLimit(limit);
        if (!MetaTables.exist(c)) return List.of();
        List<DeadLetter> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, tbl, pk, col, reason, refuser, at FROM " + MetaTables.DEAD_LETTERS + " ORDER BY id LIMIT ?")) {
            ps.setInt(1, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String col = rs.getString(4);
                    out.add(new DeadLetter(rs.getLong(1), rs.getString(2), key(rs.getString(3), rs.getString(2)), col.isEmpty() ? null : col, rs.getString(5),
                            rs.getString(6), instant(rs.getObject(7, Long.class))));
                }
            }
        }
        return out;
    }

    /** Up to {@code limit} conflict records, oldest first. */
    public static List<Conflict> conflicts(Connection c, int limit) throws SQLException {
        checkLimit(limit);
        if (!MetaTables.exist(c)) return List.of();
        List<Conflict> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, tbl, pk, columns, row, winner, reason, at FROM " + MetaTables.CONFLICTS + " ORDER BY id LIMIT ?")) {
            ps.setInt(1, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(conflict(rs));
            }
        }
        return out;
    }

    /** Moves the pending changes of one row to the archive; returns how many moved. */
    public static int discardPending(Connection c, String table, List<Object> key) throws SQLException {
        if (!MetaTables.exist(c)) return 0;
        String pk = encodeKey(key);
        return io.syncsqlite.capture.Transactions.write(c, () -> {
            try (PreparedStatement archive = c.prepareStatement("INSERT INTO " + MetaTables.ARCHIVED + "(tbl, pk, col, val, hlc, site, cl, reason, at)"
                    + " SELECT tbl, pk, col, val, hlc, site, cl, ? || reason, ? FROM " + MetaTables.PENDING + " WHERE tbl = ? AND pk = ? ORDER BY id");
                 PreparedStatement delete = c.prepareStatement("DELETE FROM " + MetaTables.PENDING + " WHERE tbl = ? AND pk = ?")) {
                archive.setString(1, DISCARDED);
                archive.setLong(2, System.currentTimeMillis());
                archive.setString(3, table);
                archive.setString(4, pk);
                archive.executeUpdate();
                delete.setString(1, table);
                delete.setString(2, pk);
                return delete.executeUpdate();
            }
        });
    }

    /** Marks dead letter {@code id} to be offered again at the next push. */
    public static boolean retryDeadLetter(Connection c, long id) throws SQLException {
        return MetaTables.exist(c) && update(c, "UPDATE " + MetaTables.DEAD_LETTERS + " SET retry = 1 WHERE id = ?", id);
    }

    public static boolean discardDeadLetter(Connection c, long id) throws SQLException {
        return MetaTables.exist(c) && update(c, "DELETE FROM " + MetaTables.DEAD_LETTERS + " WHERE id = ?", id);
    }

    public static boolean discardConflict(Connection c, long id) throws SQLException {
        return MetaTables.exist(c) && update(c, "DELETE FROM " + MetaTables.CONFLICTS + " WHERE id = ?", id);
    }

    /**
     * Writes the loser of conflict {@code id}, overridden by {@code changes}, back into its table as an ordinary write
     * of this connection (the capture triggers record it as this replica's), and removes the record, in one transaction.
     */
    public static List<Object> restoreConflict(Connection c, long id, Map<String, Object> changes, KeyedInsert keyed) throws SQLException {
        if (!MetaTables.exist(c)) throw noConflict(id);
        return io.syncsqlite.capture.Transactions.write(c, () -> {
            Conflict record;
            try (PreparedStatement ps = c.prepareStatement("SELECT id, tbl, pk, columns, row, winner, reason, at FROM " + MetaTables.CONFLICTS + " WHERE id = ?")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) throw noConflict(id);
                    record = conflict(rs);
                }
            }
            LocalTable t = LocalTable.read(c, record.table());
            if (t.keys().size() != record.key().size()) {
                throw new SQLException("Cannot restore conflict " + id + ": the key of table " + Sql.quote(record.table()) + " has " + t.keys().size()
                        + " columns now, the recorded row " + record.key().size(), "42000");
            }
            Map<String, Object> values = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : record.row().entrySet()) if (t.columns().contains(e.getKey())) values.put(e.getKey(), e.getValue());
            for (Map.Entry<String, Object> e : changes.entrySet()) {
                String column = t.column(e.getKey());
                if (column == null || t.keys().contains(column)) {
                    throw new SQLException("Cannot restore conflict " + id + ": table " + Sql.quote(record.table()) + " has no value column "
                            + Sql.quote(e.getKey()), "42S22");
                }
                values.put(column, SqliteValues.normalize(e.getValue()));
            }
            // a row that lost its key to a row created with the same one elsewhere (KeyTwins) comes back under a new key
            boolean keyTaken = record.key().equals(record.winner()) && t.keys().size() == 1;
            List<Object> key = keyTaken ? insertUnderNewKey(c, t, values, keyed) : record.key();
            if (!keyTaken) write(c, t, key, values);
            update(c, "DELETE FROM " + MetaTables.CONFLICTS + " WHERE id = ?", id);
            return key;
        });
    }

    /** Rewrites an INSERT that leaves an {@code INTEGER PRIMARY KEY} out so that the driver picks the key (docs/keys-and-gate.md). */
    @FunctionalInterface
    public interface KeyedInsert {
        String sqlFor(String insert) throws SQLException;
    }

    /**
     * Inserts a row that lost its key to a row created with the same key elsewhere ({@code KeyTwins}): the key is left to
     * the driver, which picks one of this replica's; returns it.
     */
    private static List<Object> insertUnderNewKey(Connection c, LocalTable t, Map<String, Object> values, KeyedInsert keyed) throws SQLException {
        StringBuilder cols = new StringBuilder();
        for (String n : values.keySet()) cols.append(cols.length() == 0 ? "" : ", ").append(Sql.quote(n));
        String insert = values.isEmpty() ? "INSERT INTO " + Sql.quote(t.name()) + " DEFAULT VALUES"
                : "INSERT INTO " + Sql.quote(t.name()) + "(" + cols + ") VALUES (?" + ", ?".repeat(values.size() - 1) + ")";
        try (PreparedStatement ps = c.prepareStatement(keyed.sqlFor(insert))) {
            int p = 1;
            for (Object v : values.values()) SqliteValues.bind(ps, p++, v);
            ps.executeUpdate();
        }
        try (java.sql.Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT last_insert_rowid()")) {
            rs.next();
            return List.of(rs.getLong(1));
        }
    }

    /** Updates the row {@code key} of {@code t} to {@code values}, or inserts it when absent. */
    private static void write(Connection c, LocalTable t, List<Object> key, Map<String, Object> values) throws SQLException {
        StringBuilder where = new StringBuilder();
        for (String k : t.keys()) where.append(where.length() == 0 ? "" : " AND ").append(Sql.quote(k)).append(" = ?");
        if (!values.isEmpty()) {
            StringBuilder set = new StringBuilder();
            for (String col : values.keySet()) set.append(set.length() == 0 ? "" : ", ").append(Sql.quote(col)).append(" = ?");
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + Sql.quote(t.name()) + " SET " + set + " WHERE " + where)) {
                int p = 1;
                for (Object v : values.values()) SqliteValues.bind(ps, p++, v);
                for (Object v : key) SqliteValues.bind(ps, p++, v);
                if (ps.executeUpdate() > 0) return;
            }
        }
        List<String> names = new ArrayList<>(t.keys());
        names.addAll(values.keySet());
        StringBuilder cols = new StringBuilder();
        for (String n : names) cols.append(cols.length() == 0 ? "" : ", ").append(Sql.quote(n));
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + Sql.quote(t.name()) + "(" + cols + ") VALUES (?" + ", ?".repeat(names.size() - 1) + ")")) {
            int p = 1;
            for (Object v : key) SqliteValues.bind(ps, p++, v);
            for (Object v : values.values()) SqliteValues.bind(ps, p++, v);
            ps.executeUpdate();
        }
    }

    /** The local definition of a table: its name as stored, key columns in key order, all columns. */
    private record LocalTable(String name, List<String> keys, List<String> columns) {
        static LocalTable read(Connection c, String table) throws SQLException {
            String name = null;
            List<String> columns = new ArrayList<>();
            Map<Integer, String> keys = new java.util.TreeMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT m.name, p.name, p.pk FROM sqlite_master m, pragma_table_info(m.name) p"
                    + " WHERE m.type = 'table' AND m.name = ? COLLATE NOCASE ORDER BY p.cid")) {
                ps.setString(1, table);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        name = rs.getString(1);
                        columns.add(rs.getString(2));
                        if (rs.getInt(3) > 0) keys.put(rs.getInt(3), rs.getString(2));
                    }
                }
            }
            if (name == null) throw new SQLException("Table " + Sql.quote(table) + " does not exist on this replica", "42S02");
            return new LocalTable(name, List.copyOf(keys.values()), columns);
        }

        /** The column named {@code n} (SQLite compares names without case), as the table spells it; null if none. */
        String column(String n) {
            for (String col : columns) if (col.equalsIgnoreCase(n)) return col;
            return null;
        }
    }

    private static Conflict conflict(ResultSet rs) throws SQLException {
        String table = rs.getString(2);
        List<Object> names = key(rs.getString(4), table);
        List<Object> values = key(rs.getString(5), table);
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 0; i < names.size() && i < values.size(); i++) row.put(String.valueOf(names.get(i)), values.get(i));
        return new Conflict(rs.getLong(1), table, key(rs.getString(3), table), row, key(rs.getString(6), table), rs.getString(7), Instant.ofEpochMilli(rs.getLong(8)));
    }

    private static boolean update(Connection c, String sql, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, id);
            return ps.executeUpdate() > 0;
        }
    }

    static String encodeKey(List<Object> key) throws SQLException {
        List<Object> normal = new ArrayList<>(key.size());
        for (Object v : key) normal.add(SqliteValues.normalize(v));
        return ChangesetCodec.encodeValues(normal);
    }

    private static List<Object> key(String json, String table) throws SQLException {
        try {
            return ChangesetCodec.decodeValues(json);
        } catch (InvalidChangesetException e) {
            throw new SQLException("Corrupt value list kept for table " + Sql.quote(table) + ": " + e.getMessage(), "XX001", e);
        }
    }

    private static Instant instant(Long millis) {
        return millis == null ? null : Instant.ofEpochMilli(millis);
    }

    private static void checkLimit(int limit) throws SQLException {
        if (limit < 1) throw new SQLException("limit must be at least 1, was " + limit, "22023");
    }

    private static SQLException noConflict(long id) {
        return new SQLException("No conflict record with id " + id, "02000");
    }
}
