package io.syncsqlite.hub;

import io.syncsqlite.change.Change;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What a push changes in a namespace's stored rows, the same for every store: each pushed row merged into its stored version. */
final class RowWrites {
    /**
     * A row that won something: its merged cells, and the sequence it is stored at now ({@code null} for a new row).
     * It is written under the next sequence of the push.
     */
    record Write(PushedRow row, Long oldSeq, List<StoredRow.Cell> cells) {
    }

    private RowWrites() {
    }

    /** The rows of {@code rows} that won something over {@code stored}, in push order; adds each change that won to {@code accepted}. */
    static List<Write> merge(List<PushedRow> rows, Map<PushedRow, StoredRows.Stored> stored, List<Change> accepted) {
        List<Write> out = new ArrayList<>();
        for (PushedRow row : rows) {
            StoredRows.Stored old = stored.get(row);
            List<StoredRow.Cell> cells = RowMerge.merge(old == null ? List.of() : StoredRow.decode(old.cells()), row.changes(), accepted);
            if (cells != null) out.add(new Write(row, old == null ? null : old.seq(), cells));
        }
        return out;
    }
}
