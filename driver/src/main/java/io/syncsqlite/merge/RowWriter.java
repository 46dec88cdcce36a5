package io.syncsqlite.merge;

import io.syncsqlite.capture.CapturedTable;
import io.syncsqlite.capture.MetaTables;
import io.syncsqlite.capture.Sql;
import io.syncsqlite.change.SqliteValues;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * The write step of applying a row: writes a {@link RowPlan} into the table (insert, update or delete, with the capture
 * triggers silenced) and its versions into the version table. A constraint that refuses the row surfaces as SQLite's
 * exception, with nothing of the row written; what then happens is {@link ConstraintSettler}'s.
 */
final class RowWriter {
    private final StatementCache statements;
    /** The table whose capture is silenced ({@code _syncsqlite_clock.applying}), 0 before the first write. */
    private int silenced;

    RowWriter(StatementCache statements) {
        this.statements = statements;
    }

    /** A new apply transaction: the silenced table is set again at its first write. */
    void begin() {
        silenced = 0;
    }

    /** Writes one row's plan: its base row, the spelling of its key, then its versions. */
    void write(RowPlan p) throws SQLException {
        CapturedTable t = p.t();
        silenceCaptureOf(t);
        if (p.alive()) writeBase(t, p.pk(), p.won(), p.values(), p.wasAlive());
        else if (p.wasAlive() || p.eraChanged()) delete(t, p.pk());
        if (p.known() && p.rowCellWon()) respell(t, p.pk(), p.alive());
        p.v().store(upsertVersion(t), p.pk());
    }

    /** Sets the value columns {@code columns} of the existing row {@code pk} to {@code values} (by column position). */
    void update(CapturedTable t, List<Object> pk, BitSet columns, Object[] values) throws SQLException {
        silenceCaptureOf(t);
        try (PreparedStatement ps = statements.connection().prepareStatement(updateSql(t, columns))) {
            int p = 1;
            for (int i = columns.nextSetBit(0); i >= 0; i = columns.nextSetBit(i + 1)) SqliteValues.bind(ps, p++, values[i]);
            bindKey(ps, pk, p);
            ps.executeUpdate();
        }
    }

    /**
     * Marks the engine's writes to {@code t} as remote ones: {@code applying} holds the id of the table being
     * written, whose capture triggers stay silent. Writes that application triggers (or foreign-key actions) make
     * to other tables meanwhile are the replica's own, captured and synced like any other; triggers that should
     * not act on remote changes test {@code (SELECT applying FROM _syncsqlite_clock) = 0}.
     */
    void silenceCaptureOf(CapturedTable t) throws SQLException {
        if (silenced == t.id()) return;
        PreparedStatement ps = statements.get("applying", () -> "UPDATE " + MetaTables.CLOCK + " SET applying = ?");
        ps.setInt(1, t.id());
        ps.executeUpdate();
        silenced = t.id();
    }

    private void writeBase(CapturedTable t, List<Object> pk, BitSet won, Object[] values, boolean exists) throws SQLException {
        if (won.isEmpty()) {
            if (exists) return;
            PreparedStatement ps = statements.get("k" + t.id(), () -> insertSql(t, won, true, 1));
            bindKey(ps, pk, 1);
            ps.executeUpdate();
            return;
        }
        if (exists) {
            PreparedStatement ps = statements.get("u" + t.id() + won, () -> updateSql(t, won));
            int p = 1;
            for (int i = won.nextSetBit(0); i >= 0; i = won.nextSetBit(i + 1)) SqliteValues.bind(ps, p++, values[i]);
            bindKey(ps, pk, p);
            if (ps.executeUpdate() > 0) return;
        }
        PreparedStatement ps = statements.get("i" + t.id() + won, () -> insertSql(t, won, false, 1));
        bindRow(ps, pk, won, values, 1);
        ps.executeUpdate();
    }

    private void delete(CapturedTable t, List<Object> pk) throws SQLException {
        PreparedStatement ps = statements.get("d" + t.id(), () -> "DELETE FROM " + Sql.quote(t.name()) + " WHERE " + keyWhere(t));
        bindKey(ps, pk, 1);
        ps.executeUpdate();
    }

    /**
     * A key that compares case-insensitively ({@code COLLATE NOCASE}) may be spelt differently on two replicas
     * ('Alice' here, 'aLICE' there) while naming one row: the row takes the spelling of its winning existence
     * version, so replicas converge on one. Other keys match no row here (same spelling, or BINARY).
     */
    private void respell(CapturedTable t, List<Object> pk, boolean alive) throws SQLException {
        if (alive) {
            PreparedStatement base = statements.get("r" + t.id(), () -> respellSql(Sql.quote(t.name()), t.primaryKey().stream().map(Sql::quote).toList()));
            bindKey(base, pk, 1);
            base.executeUpdate();
        }
        List<String> versionKeys = new ArrayList<>();
        for (int i = 0; i < t.primaryKey().size(); i++) versionKeys.add("k" + i);
        PreparedStatement version = statements.get("R" + t.id(), () -> respellSql(Sql.quote(t.versionTable()), versionKeys));
        bindKey(version, pk, 1);
        version.executeUpdate();
    }

    PreparedStatement lookup(CapturedTable t) throws SQLException {
        return statements.get("v" + t.id(), () -> VersionRow.lookupSql(t));
    }

    PreparedStatement upsertVersion(CapturedTable t) throws SQLException {
        return statements.get("w" + t.id(), () -> VersionRow.upsertSql(t, 1));
    }

    /** {@code UPDATE table SET keys = ?… WHERE keys = ?… (by their collation) AND not byte-for-byte the same}. */
    private static String respellSql(String table, List<String> keys) {
        StringBuilder set = new StringBuilder();
        StringBuilder same = new StringBuilder();
        StringBuilder binary = new StringBuilder();
        for (int i = 0; i < keys.size(); i++) {
            String sep = i == 0 ? "" : ", ";
            set.append(sep).append(keys.get(i)).append(" = ?").append(i + 1);
            same.append(i == 0 ? "" : " AND ").append(keys.get(i)).append(" = ?").append(i + 1);
            binary.append(i == 0 ? "" : " AND ").append(keys.get(i)).append(" = ?").append(i + 1).append(" COLLATE BINARY");
        }
        return "UPDATE " + table + " SET " + set + " WHERE " + same + " AND NOT (" + binary + ")";
    }

    private static String updateSql(CapturedTable t, BitSet columns) {
        StringBuilder b = new StringBuilder("UPDATE ").append(Sql.quote(t.name())).append(" SET ");
        boolean first = true;
        for (int i = columns.nextSetBit(0); i >= 0; i = columns.nextSetBit(i + 1)) {
            b.append(first ? "" : ", ").append(Sql.quote(t.columns().get(i).name())).append(" = ?");
            first = false;
        }
        return b.append(" WHERE ").append(keyWhere(t)).toString();
    }

    /** {@code INSERT INTO table(keys, won columns) VALUES (…)×rows}, binding each row's key, then its won values. */
    static String insertSql(CapturedTable t, BitSet won, boolean ignoreExisting, int rows) {
        StringBuilder cols = new StringBuilder();
        for (String k : t.primaryKey()) cols.append(cols.length() == 0 ? "" : ", ").append(Sql.quote(k));
        int count = t.primaryKey().size();
        for (int i = won.nextSetBit(0); i >= 0; i = won.nextSetBit(i + 1)) {
            cols.append(", ").append(Sql.quote(t.columns().get(i).name()));
            count++;
        }
        String row = "(?" + ", ?".repeat(count - 1) + ")";
        return "INSERT INTO " + Sql.quote(t.name()) + "(" + cols + ") VALUES " + row + (", " + row).repeat(rows - 1)
                + (ignoreExisting ? " ON CONFLICT DO NOTHING" : "");
    }

    static String keyWhere(CapturedTable t) {
        StringBuilder b = new StringBuilder();
        for (String k : t.primaryKey()) b.append(b.length() == 0 ? "" : " AND ").append(Sql.quote(k)).append(" = ?");
        return b.toString();
    }

    /** Binds what {@link #insertSql} takes for one row: its key, then its won values; returns the next parameter. */
    static int bindRow(PreparedStatement ps, List<Object> pk, BitSet won, Object[] values, int from) throws SQLException {
        int p = bindKey(ps, pk, from);
        for (int i = won.nextSetBit(0); i >= 0; i = won.nextSetBit(i + 1)) SqliteValues.bind(ps, p++, values[i]);
        return p;
    }

    static int bindKey(PreparedStatement ps, List<Object> pk, int from) throws SQLException {
        int p = from;
        for (Object v : pk) SqliteValues.bind(ps, p++, v);
        return p;
    }
}
