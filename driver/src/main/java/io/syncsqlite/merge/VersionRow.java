package io.syncsqlite.merge;

import io.syncsqlite.capture.CapturedTable;
import io.syncsqlite.capture.Sql;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;

/** One row of a version table ({@link CapturedTable}), read, merged in memory and written back. */
final class VersionRow {
    long cl;
    long rh;
    int rs;
    final long[] h;
    final int[] s;

    VersionRow(int columns) {
        h = new long[columns];
        s = new int[columns];
    }

    /** {@code cl, rh, rs, h<slot>, s<slot>…}: the columns {@link #read} takes, in its order. */
    static String columns(CapturedTable t, String alias) {
        StringBuilder b = new StringBuilder(alias).append("cl, ").append(alias).append("rh, ").append(alias).append("rs");
        for (CapturedTable.Slot s : t.columns()) b.append(", ").append(alias).append('h').append(s.slot()).append(", ").append(alias).append('s').append(s.slot());
        return b.toString();
    }

    static String lookupSql(CapturedTable t) {
        StringBuilder b = new StringBuilder("SELECT ").append(columns(t, "")).append(" FROM ").append(Sql.quote(t.versionTable())).append(" WHERE ");
        for (int i = 0; i < t.primaryKey().size(); i++) b.append(i == 0 ? "" : " AND ").append('k').append(i).append(" = ?");
        return b.toString();
    }

    static VersionRow load(PreparedStatement lookup, CapturedTable t, List<Object> pk) throws SQLException {
        RowWriter.bindKey(lookup, pk, 1);
        try (ResultSet rs = lookup.executeQuery()) {
            return rs.next() ? read(rs, 1, t) : new VersionRow(t.columns().size());
        }
    }

    /** The version row in the current result row from column {@code first} on (all zero when they are NULL: none). */
    static VersionRow read(ResultSet rs, int first, CapturedTable t) throws SQLException {
        VersionRow v = new VersionRow(t.columns().size());
        v.cl = rs.getLong(first);
        v.rh = rs.getLong(first + 1);
        v.rs = rs.getInt(first + 2);
        for (int i = 0; i < v.h.length; i++) {
            v.h[i] = rs.getLong(first + 3 + 2 * i);
            v.s[i] = rs.getInt(first + 4 + 2 * i);
        }
        return v;
    }

    /** The row was deleted or re-inserted elsewhere: versions of the previous era no longer compete. */
    void resetEra(long newCl, int site) {
        cl = newCl;
        rh = 0;
        rs = site;
        Arrays.fill(h, 0);
    }

    /** Binds {@code pk} and this row's versions from parameter {@code from} on; returns the next parameter. */
    int bind(PreparedStatement upsert, List<Object> pk, int from) throws SQLException {
        int p = RowWriter.bindKey(upsert, pk, from);
        upsert.setLong(p++, cl);
        upsert.setLong(p++, rh);
        upsert.setInt(p++, rs);
        for (int i = 0; i < h.length; i++) {
            upsert.setLong(p++, h[i]);
            upsert.setInt(p++, s[i]);
        }
        return p;
    }

    void store(PreparedStatement upsert, List<Object> pk) throws SQLException {
        bind(upsert, pk, 1);
        upsert.executeUpdate();
    }

    /** Parameters {@link #bind} takes per row of {@code t}. */
    static int parameters(CapturedTable t) {
        return t.primaryKey().size() + 3 + 2 * t.columns().size();
    }

    /**
     * {@code INSERT INTO versions(k…, cl, rh, rs, h…, s…) VALUES (…)×rows ON CONFLICT(k…) DO UPDATE SET …}: writes
     * {@code rows} version rows, each as {@link #bind} binds it.
     */
    static String upsertSql(CapturedTable t, int rows) {
        StringBuilder cols = new StringBuilder();
        StringBuilder set = new StringBuilder("cl = excluded.cl, rh = excluded.rh, rs = excluded.rs");
        for (int i = 0; i < t.primaryKey().size(); i++) cols.append('k').append(i).append(", ");
        String keys = cols.substring(0, cols.length() - 2);
        cols.append("cl, rh, rs");
        for (CapturedTable.Slot s : t.columns()) {
            cols.append(", h").append(s.slot()).append(", s").append(s.slot());
            set.append(", h").append(s.slot()).append(" = excluded.h").append(s.slot())
               .append(", s").append(s.slot()).append(" = excluded.s").append(s.slot());
        }
        String row = "(?" + ", ?".repeat(parameters(t) - 1) + ")";
        return "INSERT INTO " + Sql.quote(t.versionTable()) + "(" + cols + ") VALUES " + row + (", " + row).repeat(rows - 1) + " ON CONFLICT(" + keys
                + ") DO UPDATE SET " + set;
    }
}
