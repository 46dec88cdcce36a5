package io.syncsqlite.merge;

import io.syncsqlite.capture.CapturedTable;
import io.syncsqlite.capture.Sql;
import io.syncsqlite.capture.TombstoneCollector;
import io.syncsqlite.change.Change;
import io.syncsqlite.change.SqliteValues;
import io.syncsqlite.identity.RestoredCopyException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.BitSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The plan step of applying a row: decides, per cell, which incoming changes win over the stored versions by
 * {@code (cl, hlc, site)} (an exact tie by the value, see {@link Change#beats}), before anything is written.
 */
final class RowPlanner {
    private final Connection c;
    private final SiteDictionary sites;
    private final StatementCache statements;
    /** The table whose column positions {@link #columnIndexes} holds, by name instance. */
    private CapturedTable columnsOf;
    private final Map<String, Integer> columnIndexes = new IdentityHashMap<>();

    RowPlanner(Connection c, SiteDictionary sites, StatementCache statements) {
        this.c = c;
        this.sites = sites;
        this.statements = statements;
    }

    /** Decides which of {@code changes} win over the stored versions {@code v} (which it updates); {@code null} when none does. */
    RowPlan plan(CapturedTable t, List<Object> pk, List<Change> changes, VersionRow v) throws SQLException {
        boolean known = v.cl > 0;
        long targetCl = v.cl;
        for (Change ch : changes) targetCl = Math.max(targetCl, ch.cl());
        boolean wasAlive = (v.cl & 1) == 1;
        boolean eraChanged = targetCl != v.cl;
        if (eraChanged) v.resetEra(targetCl, sites.indexOf(c, changes.get(0).site()));
        int n = t.columns().size();
        Object[] values = new Object[n];
        BitSet won = new BitSet(n);
        boolean rowVersionChanged = eraChanged;
        boolean rowCellWon = eraChanged;
        int wins = 0;
        for (Change ch : changes) {
            if (ch.cl() != targetCl) continue; // an older era of the row: superseded by a delete or re-insert
            if (ch.isRowChange()) {
                if (v.rh == 0 || ch.compareVersion(targetCl, v.rh, sites.site(c, v.rs)) > 0) {
                    v.rh = ch.hlc();
                    v.rs = own(t, pk, ch);
                    rowVersionChanged = true;
                    rowCellWon = true;
                    wins++;
                }
                continue;
            }
            int i = columnIndex(t, ch.column());
            if (v.h[i] == 0 || ch.beats(targetCl, v.h[i], sites.site(c, v.s[i]), () -> won.get(i) ? values[i] : storedValue(t, pk, i))) {
                v.h[i] = ch.hlc();
                v.s[i] = own(t, pk, ch);
                values[i] = ch.value();
                won.set(i);
                wins++;
            }
        }
        if (wins == 0 && !rowVersionChanged) return null;
        return new RowPlan(t, pk, changes, v, won, values, known, wasAlive, eraChanged, rowCellWon, wins);
    }

    /**
     * The local index of the site of {@code ch}, a change that wins here. It never is this replica's own: every version
     * this replica stamped is one it holds (or a later one), so a change of its own site that it lacks was published
     * by a later state of this database than the one here, which is a restored copy. Except a delete of its own whose
     * tombstone it collected (stamped at or before the last one collected, see {@link TombstoneCollector}): it comes
     * back when a hub is read again from the start, and applying it again only buries the row again.
     */
    private int own(CapturedTable t, List<Object> pk, Change ch) throws SQLException {
        int idx = sites.indexOf(c, ch.site());
        if (idx != 0) return idx;
        if (ch.isRowChange() && (ch.cl() & 1) == 0 && ch.hlc() <= TombstoneCollector.collectedThrough(c)) return 0;
        throw new RestoredCopyException("a change of this site to " + Sql.quote(t.name()) + " " + pk + (ch.isRowChange() ? "" : " column " + Sql.quote(ch.column()))
                + " stamped " + io.syncsqlite.clock.Hlc.format(ch.hlc()) + " came back, and this database does not hold it");
    }

    /**
     * {@link CapturedTable#indexOf}, remembered per name instance: a changeset's reader shares one instance per name,
     * so a run of rows asks for the same few strings over and over.
     */
    private int columnIndex(CapturedTable t, String column) {
        if (columnsOf != t) {
            columnsOf = t;
            columnIndexes.clear();
        }
        Integer i = columnIndexes.get(column);
        if (i == null) {
            i = t.indexOf(column);
            columnIndexes.put(column, i);
        }
        return i;
    }

    /** The value the row holds in column {@code i} now (asked only when two versions of it tie exactly). */
    private Object storedValue(CapturedTable t, List<Object> pk, int i) throws SQLException {
        PreparedStatement ps = statements.get("c" + t.id() + "_" + i, () -> "SELECT " + Sql.quote(t.columns().get(i).name()) + " FROM "
                + Sql.quote(t.name()) + " WHERE " + RowWriter.keyWhere(t));
        RowWriter.bindKey(ps, pk, 1);
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? SqliteValues.read(rs, 1) : null;
        }
    }
}
