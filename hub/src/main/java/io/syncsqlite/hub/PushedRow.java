package io.syncsqlite.hub;

import io.syncsqlite.change.Change;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The changes of one row in a pushed batch, with the row's key as the store keeps it (its tagged JSON text). */
final class PushedRow {
    private final String table;
    private final String pk;
    private final List<Change> changes = new ArrayList<>(8);

    private PushedRow(String table, String pk) {
        this.table = table;
        this.pk = pk;
    }

    String table() {
        return table;
    }

    /** The primary key as the store keeps it ({@link RowKeys}). */
    String pk() {
        return pk;
    }

    List<Change> changes() {
        return changes;
    }

    /** Groups {@code changes} by row, rows in order of first appearance, each row's changes in push order. */
    static List<PushedRow> group(List<Change> changes) {
        List<PushedRow> rows = new ArrayList<>();
        Map<List<String>, PushedRow> byKey = new HashMap<>();
        PushedRow last = null;
        Change previous = null;
        for (Change c : changes) {
            // a row's changes come side by side and share one key list (the codec's doing): no key encoding for them
            if (previous == null || previous.pk() != c.pk() || !previous.table().equals(c.table())) {
                String pk = RowKeys.encode(c.pk());
                last = byKey.get(List.of(c.table(), pk));
                if (last == null) {
                    last = new PushedRow(c.table(), pk);
                    byKey.put(List.of(c.table(), pk), last);
                    rows.add(last);
                }
            }
            last.changes.add(c);
            previous = c;
        }
        return rows;
    }
}
