package io.syncsqlite.capture;

import io.syncsqlite.clock.Hlc;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Carries a dropped table's versions over to the table that replaced it (a rebuild: create new, copy, drop old,
 * rename, in either order), by key. The result is judged by what the migration left, compared with the rows the old
 * table held when it was dropped (its snapshot): a cell whose value is unchanged keeps its version and is not
 * published again; a changed cell, a new row and a row the migration removed are new local writes, stamped once and
 * listed in the outbox. The old table's unpublished outbox entries and tombstones stay, as they are keyed by the
 * table's id, which the new table takes over. A few set-based passes over the table, inside the migration's
 * transaction.
 */
final class TableAdoption {
    private static final String GONE = "temp." + Sql.quote(Sql.PREFIX + "gone");
    private static final String ADDED = "temp." + Sql.quote(Sql.PREFIX + "added");
    private static final String DIFF = "temp." + Sql.quote(Sql.PREFIX + "diff");

    private final Connection c;
    private final CapturedTable t;
    private final String table;
    private final String versions;
    private final String keys;
    private final long stamp;

    private TableAdoption(Connection c, CapturedTable t) throws SQLException {
        this.c = c;
        this.t = t;
        this.table = Sql.quote(t.name());
        this.versions = Sql.quote(t.versionTable());
        this.keys = new TriggerSql(t).keyColumns();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT max(" + Hlc.SQL_NOW + ", floor) FROM " + MetaTables.CLOCK)) {
            rs.next();
            this.stamp = rs.getLong(1);
        }
    }

    /**
     * @param snapshot     the old table's rows at the drop, or {@code null} when the drop was not seen (a tool outside
     *                     the driver): then only rows added and removed are told apart, values are taken as unchanged
     * @param oldColumns   the value columns the snapshot holds
     * @param defaults     per value column new to the table, the value its DEFAULT gives (cells equal to it are no write)
     */
    static void adopt(Connection c, CapturedTable t, String snapshot, List<String> oldColumns, Map<String, Object> defaults) throws SQLException {
        new TableAdoption(c, t).run(snapshot, oldColumns, defaults);
    }

    private void run(String snapshot, List<String> oldColumns, Map<String, Object> defaults) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String temp : List.of(GONE, ADDED, DIFF)) s.execute("DROP TABLE IF EXISTS " + temp);
            // one pass over the table tells the rows kept, where a cell is a write if its value differs from before (or,
            // for a column new here, from its default), from the rows not alive before: inserted (or brought back)
            List<String> changed = new ArrayList<>();
            List<String> held = new ArrayList<>(); // columns whose old value is known: only a cell this replica held can change
            StringBuilder diff = new StringBuilder("SELECT ").append(selectKeys("n")).append(", coalesce(v.cl & 1, 0) = 0 AS added");
            List<Object> params = new ArrayList<>();
            for (CapturedTable.Slot col : t.columns()) {
                String now = "n." + Sql.quote(col.name());
                String before;
                if (snapshot != null && oldColumns.contains(col.name())) {
                    before = "o." + Sql.quote(col.name());
                    held.add("d" + col.slot());
                } else if (defaults.containsKey(col.name())) {
                    before = "?";
                    params.add(defaults.get(col.name()));
                } else {
                    continue; // no old value known: carried over as it is
                }
                diff.append(", ").append(now).append(" IS NOT ").append(before).append(" AS d").append(col.slot());
                changed.add("d" + col.slot());
            }
            diff.append(" FROM ").append(table).append(" n LEFT JOIN ").append(versions).append(" v ON ").append(versionMatches("v", "n"));
            if (snapshot != null && !changed.isEmpty()) diff.append(" LEFT JOIN ").append(Sql.quote(snapshot)).append(" o ON ").append(baseMatchesNamed("o", "n"));
            diff.append(" WHERE ").append(notNullKeys("n"));
            // the flags are read from the subquery, where no column of the user table can take their names
            String rows = "SELECT * FROM (" + diff + ") WHERE added" + (changed.isEmpty() ? "" : " OR " + String.join(" OR ", changed));
            try (PreparedStatement ps = c.prepareStatement("CREATE TABLE " + DIFF + " AS " + rows)) {
                for (int i = 0; i < params.size(); i++) ps.setObject(i + 1, params.get(i));
                ps.executeUpdate();
            }
            // rows alive before that the migration left out: deleted. Each row of the table found at most one live
            // version row, so none is gone when the table's rows less those added are as many as the live versions
            if (count("SELECT (SELECT count(*) FROM " + versions + " WHERE (cl & 1) = 1) - (SELECT count(*) FROM " + table + " n WHERE " + notNullKeys("n")
                    + ") + (SELECT count(*) FROM " + DIFF + " WHERE added)") != 0) {
                s.execute("CREATE TABLE " + GONE + " AS SELECT " + keys + " FROM " + versions + " v WHERE (cl & 1) = 1 AND NOT EXISTS (SELECT 1 FROM "
                        + table + " n WHERE " + baseMatches("n", "v") + ")");
                update("UPDATE " + versions + " SET cl = cl + 1, rh = max(?, rh + 1), rs = 0 WHERE (" + keys + ") IN (SELECT " + keys + " FROM " + GONE + ")");
                outbox(GONE, "NULL", null);
            }
            for (CapturedTable.Slot col : t.columns()) {
                String flag = "d" + col.slot();
                if (!changed.contains(flag)) continue;
                String h = "h" + col.slot();
                // a backfill never invents history: a cell this replica never received (no version: a row it is
                // still catching up on) is not a value it wrote, and the real one still wins when it arrives
                String received = held.contains(flag) ? " AND " + h + " <> 0" : "";
                update("UPDATE " + versions + " SET " + h + " = max(?, " + h + " + 1), s" + col.slot() + " = 0 WHERE (" + keys + ") IN (SELECT "
                        + keys + " FROM " + DIFF + " WHERE NOT added AND " + flag + ")" + received);
                outbox(DIFF, Integer.toString(col.slot()), "NOT x.added AND x." + flag);
            }
            s.execute("CREATE TABLE " + ADDED + " AS SELECT " + keys + " FROM " + DIFF + " WHERE added");
            insertRows();
            outbox(ADDED, "NULL", null);
        } finally {
            try (Statement s = c.createStatement()) {
                for (String temp : List.of(GONE, ADDED, DIFF)) s.execute("DROP TABLE IF EXISTS " + temp);
            }
        }
    }

    private void insertRows() throws SQLException {
        update(new TriggerSql(t).upsertAddedRows(keys, "?1", ADDED));
    }

    /**
     * Lists the rows of {@code from} ({@code x}) in the outbox that meet {@code condition} ({@code null}: all), {@code slot}
     * being the changed column, NULL for the whole row.
     */
    private void outbox(String from, String slot, String condition) throws SQLException {
        String where = condition == null ? "" : " WHERE " + condition;
        String sql = t.compositeKey()
                ? "INSERT INTO " + MetaTables.OUTBOX + "(tbl, k, slot) SELECT " + t.id() + ", v.rowid, " + slot + " FROM " + from + " x JOIN " + versions
                  + " v ON " + plainMatches("v", "x") + where
                : "INSERT INTO " + MetaTables.OUTBOX + "(tbl, k, slot) SELECT " + t.id() + ", x.k0, " + slot + " FROM " + from + " x" + where;
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private long count(String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private void update(String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (ps.getParameterMetaData().getParameterCount() > 0) ps.setLong(1, stamp);
            ps.executeUpdate();
        }
    }

    /** {@code n.<key> = v.k0 AND …}: looks rows of the user table up by its key index. */
    private String baseMatches(String base, String v) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < t.primaryKey().size(); i++) {
            b.append(i == 0 ? "" : " AND ").append(base).append('.').append(Sql.quote(t.primaryKey().get(i))).append(" = ").append(v).append(".k").append(i);
        }
        return b.toString();
    }

    /**
     * {@code o.<key> = +n.<key> AND …}: looks the snapshot {@code a} up by its key; the unary plus keeps the user
     * column's affinity off, which would otherwise make SQLite skip the snapshot's untyped index (a scan per row).
     */
    private String baseMatchesNamed(String a, String b) {
        StringBuilder out = new StringBuilder();
        for (String k : t.primaryKey()) out.append(out.length() == 0 ? "" : " AND ").append(a).append('.').append(Sql.quote(k)).append(" = +").append(b).append('.').append(Sql.quote(k));
        return out.toString();
    }

    /** {@code v.k0 = +n.<key> AND …}: the unary plus keeps the user column's affinity off, so the version index is used. */
    private String versionMatches(String v, String base) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < t.primaryKey().size(); i++) {
            b.append(i == 0 ? "" : " AND ").append(v).append(".k").append(i).append(" = +").append(base).append('.').append(Sql.quote(t.primaryKey().get(i)));
        }
        return b.toString();
    }

    /** {@code v.k0 = +x.k0 AND …} between the version table and a list of keys (looked up by the version index). */
    private String plainMatches(String a, String b) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < t.primaryKey().size(); i++) out.append(i == 0 ? "" : " AND ").append(a).append(".k").append(i).append(" = +").append(b).append(".k").append(i);
        return out.toString();
    }

    private String selectKeys(String base) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < t.primaryKey().size(); i++) b.append(i == 0 ? "" : ", ").append(base).append('.').append(Sql.quote(t.primaryKey().get(i))).append(" AS k").append(i);
        return b.toString();
    }

    private String notNullKeys(String base) {
        StringBuilder b = new StringBuilder();
        for (String k : t.primaryKey()) b.append(b.length() == 0 ? "" : " AND ").append(base).append('.').append(Sql.quote(k)).append(" IS NOT NULL");
        return b.toString();
    }
}
