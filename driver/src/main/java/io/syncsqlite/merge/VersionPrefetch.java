package io.syncsqlite.merge;

import io.syncsqlite.capture.CapturedTable;
import io.syncsqlite.capture.Sql;
import io.syncsqlite.change.SqliteValues;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the version rows of many upcoming rows of one table in one query instead of one query per row (one statement
 * costs far more than the index lookup it does). SQLite matches the keys, with the version table's own collations, so
 * a row finds exactly the version row {@code WHERE k0 = ?} would find.
 *
 * <p>A window holds rows whose keys are distinct under those collations only: a row written earlier in the window
 * must not be one a later row of the window reads. Keys are compared conservatively (numbers by value, NOCASE text
 * folded), and tables whose keys use another collation get no window at all.
 */
final class VersionPrefetch {
    /** Rows read per query at most; unused places are bound to NULL, which matches nothing. */
    static final int WINDOW = 64;

    private final Connection c;
    private final StatementCache statements;
    /** Per table id: per key column whether it folds case (NOCASE), or null when a key uses another collation. */
    private final Map<Integer, boolean[]> keyFolding = new HashMap<>();
    private final Map<Integer, VersionRow> loaded = new HashMap<>();

    VersionPrefetch(Connection c, StatementCache statements) {
        this.c = c;
        this.statements = statements;
    }

    /** The version row read for the row at {@code index}, once; {@code null} when none was read for it. */
    VersionRow take(int index) {
        return loaded.remove(index);
    }

    /** Forgets what was read: the apply wrote version rows of other rows than the one it merged. */
    void clear() {
        loaded.clear();
    }

    /** Forgets everything, key collations included: the schema changed. */
    void forget() {
        loaded.clear();
        keyFolding.clear();
    }

    /**
     * A window of rows of {@code t} with distinct keys, or {@code null} when {@code t}'s keys cannot be compared here.
     * It holds whole statements' worth of the new rows it may find ({@link NewRowBatch#rowsPerStatement}).
     */
    Window window(CapturedTable t) throws SQLException {
        boolean[] folding = keyFolding(t);
        int perStatement = NewRowBatch.rowsPerStatement(t);
        return folding == null ? null : new Window(folding, perStatement * Math.max(1, WINDOW / perStatement));
    }

    /** Reads the version rows of the window's rows (absent ones read as all zero, as {@link VersionRow#load} does). */
    void load(CapturedTable t, Window w) throws SQLException {
        int keys = t.primaryKey().size();
        PreparedStatement ps = statements.get("P" + t.id(), () -> sql(t));
        int p = 1;
        for (int i = 0; i < WINDOW; i++) {
            ps.setInt(p++, i);
            for (int k = 0; k < keys; k++) {
                if (i < w.indexes.size()) SqliteValues.bind(ps, p++, w.keys.get(i).get(k));
                else ps.setNull(p++, java.sql.Types.NULL);
            }
        }
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                int i = rs.getInt(1);
                if (i < w.indexes.size()) loaded.put(w.indexes.get(i), VersionRow.read(rs, 2, t));
            }
        }
    }

    private static String sql(CapturedTable t) {
        int keys = t.primaryKey().size();
        StringBuilder values = new StringBuilder();
        String slot = "(?" + ", ?".repeat(keys) + ")";
        for (int i = 0; i < WINDOW; i++) values.append(i == 0 ? "" : ", ").append(slot);
        StringBuilder on = new StringBuilder();
        for (int k = 0; k < keys; k++) on.append(k == 0 ? "" : " AND ").append("v.k").append(k).append(" = i.column").append(k + 2);
        return "SELECT i.column1, " + VersionRow.columns(t, "v.") + " FROM (VALUES " + values + ") AS i LEFT JOIN " + Sql.quote(t.versionTable())
                + " AS v ON " + on;
    }

    private boolean[] keyFolding(CapturedTable t) throws SQLException {
        if (keyFolding.containsKey(t.id())) return keyFolding.get(t.id());
        boolean[] folding = new boolean[t.primaryKey().size()];
        int seen = 0;
        try (PreparedStatement ps = c.prepareStatement("SELECT x.name, x.coll FROM pragma_index_list(?) AS l, pragma_index_xinfo(l.name) AS x"
                + " WHERE l.origin IN ('pk', 'u') AND x.key = 1")) {
            ps.setString(1, t.versionTable());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String name = rs.getString(1);
                    String coll = rs.getString(2);
                    if (name == null || !name.matches("k\\d+") || !(coll.equalsIgnoreCase("BINARY") || coll.equalsIgnoreCase("NOCASE"))) {
                        folding = null;
                        break;
                    }
                    int k = Integer.parseInt(name.substring(1));
                    if (k >= folding.length) {
                        folding = null;
                        break;
                    }
                    folding[k] = coll.equalsIgnoreCase("NOCASE");
                    seen++;
                }
            }
        }
        if (folding != null && seen != folding.length) folding = null; // not the key index we expect: no window
        keyFolding.put(t.id(), folding);
        return folding;
    }

    /** Rows of one table gathered for one query: their positions in the changeset and their keys, all distinct. */
    static final class Window {
        private final boolean[] folding;
        private final int capacity;
        private final Set<List<Object>> seen = new HashSet<>();
        final List<Integer> indexes = new ArrayList<>();
        final List<List<Object>> keys = new ArrayList<>();

        private Window(boolean[] folding, int capacity) {
            this.folding = folding;
            this.capacity = capacity;
        }

        /** Adds the row at {@code index} unless the window is full or may hold its key already. */
        boolean add(int index, List<Object> pk) {
            if (indexes.size() == capacity) return false;
            List<Object> normal = new ArrayList<>(pk.size());
            for (int k = 0; k < pk.size(); k++) normal.add(comparable(pk.get(k), folding[k]));
            if (!seen.add(normal)) return false;
            indexes.add(index);
            keys.add(pk);
            return true;
        }

        int size() {
            return indexes.size();
        }

        /**
         * A value that is equal for any two keys SQLite may find equal: an integral REAL equals the INTEGER of the same
         * value, NOCASE folds ASCII letters, BLOBs compare by content. (It may also find unequal keys equal, which
         * only ends a window early.)
         */
        private static Object comparable(Object v, boolean fold) {
            if (v instanceof Double d) return d == Math.rint(d) && Math.abs(d) < 9.0e18 ? (Object) (long) d.doubleValue() : d;
            if (v instanceof byte[] b) return ByteBuffer.wrap(b);
            if (v instanceof String s && fold) {
                StringBuilder b = new StringBuilder(s.length());
                for (int i = 0; i < s.length(); i++) {
                    char ch = s.charAt(i);
                    b.append(ch >= 'A' && ch <= 'Z' ? (char) (ch + 32) : ch);
                }
                return b.toString();
            }
            return v;
        }
    }
}
