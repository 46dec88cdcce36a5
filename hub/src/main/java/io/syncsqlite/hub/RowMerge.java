package io.syncsqlite.hub;

import io.syncsqlite.change.Change;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Merges one row's pushed changes into the row's stored cell versions, by the rule every replica uses: the row's
 * greatest causal length is its era (a delete or re-insert supersedes the column versions of older eras, the existence
 * cell excepted), and within it each cell keeps the version that {@link Change#beats} the others.
 */
final class RowMerge {
    private RowMerge() {
    }

    /**
     * The row's cells after merging {@code row} (changes of one row, in push order) into {@code stored}, ordered by
     * column; adds each change that won to {@code won}. Returns {@code null} when none won (nothing to store).
     */
    static List<StoredRow.Cell> merge(List<StoredRow.Cell> stored, List<Change> row, List<Change> won) {
        TreeMap<String, StoredRow.Cell> cells = new TreeMap<>();
        long storedCl = 0;
        for (StoredRow.Cell c : stored) {
            cells.put(c.column(), c);
            storedCl = Math.max(storedCl, c.cl());
        }
        long targetCl = storedCl;
        for (Change c : row) targetCl = Math.max(targetCl, c.cl());
        if (targetCl > storedCl) {
            long era = targetCl;
            cells.values().removeIf(c -> !c.column().equals(StoredRow.ROW_CELL) && c.cl() < era);
        }
        int before = won.size();
        for (Change c : row) {
            if (c.cl() != targetCl) continue; // an older era of the row, as on the replicas
            String column = c.column() == null ? StoredRow.ROW_CELL : c.column();
            StoredRow.Cell current = cells.get(column);
            if (current != null && current.cl() == targetCl && !c.beats(current.cl(), current.hlc(), current.site(), current::value)) continue;
            cells.put(column, new StoredRow.Cell(column, c.value(), c.hlc(), c.site(), c.cl()));
            won.add(c);
        }
        return won.size() > before ? new ArrayList<>(cells.values()) : null;
    }
}
