package io.syncsqlite.merge;

import io.syncsqlite.capture.CapturedTable;
import io.syncsqlite.change.Change;
import java.util.BitSet;
import java.util.List;

/**
 * What merging one row's incoming changes decided, before anything is written: its new versions {@code v}, the
 * value columns whose incoming cells won ({@code won}, with their {@code values}), and how many changes won.
 *
 * @param known      the row had a version row here before
 * @param wasAlive   the row existed here before
 * @param eraChanged the row was deleted or re-inserted elsewhere (its causal length moved)
 * @param rowCellWon the row's existence cell took the incoming version
 */
record RowPlan(CapturedTable t, List<Object> pk, List<Change> changes, VersionRow v, BitSet won, Object[] values, boolean known, boolean wasAlive,
               boolean eraChanged, boolean rowCellWon, int wins) {
    boolean alive() {
        return (v.cl & 1) == 1;
    }

    /** A row this replica never had, arriving with values: an INSERT that many rows can share. */
    boolean newRow() {
        return alive() && !known && !won.isEmpty();
    }
}
