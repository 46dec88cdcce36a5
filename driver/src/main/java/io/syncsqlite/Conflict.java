package io.syncsqlite;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A row that lost a conflict between replicas (two rows claimed one UNIQUE value or one key the driver chose, or its
 * parent row was deleted),
 * kept whole on the replica that settled it. Listed by {@link SyncConnection#conflicts(int)};
 * {@link SyncConnection#restoreConflict(long, Map)} writes it back as a new write and
 * {@link SyncConnection#discardConflict(long)} forgets it. See {@code docs/constraints.md}.
 *
 * @param id     the record's id, stable while it is kept
 * @param table  the table
 * @param key    the losing row's primary-key values in key order
 * @param row    the losing row's values by column name, in the table's column order ({@code null} values included)
 * @param winner the key of the row that kept the value (the loser's own key when that key was the value); empty when
 *               the row was deleted with its parent
 * @param reason what happened, naming table, constraint and both rows
 * @param at     when this replica recorded it
 */
public record Conflict(long id, String table, List<Object> key, Map<String, Object> row, List<Object> winner, String reason, Instant at) {
    public Conflict {
        key = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(key));
        row = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(row));
        winner = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(winner));
    }
}
