package io.syncsqlite;

import java.time.Instant;
import java.util.List;

/**
 * The remote changes of one row that this replica keeps pending: they cannot be applied yet (a table or column this
 * replica does not have, a constraint the row does not satisfy yet, a clock too far ahead). One entry per row, however
 * many of its cells wait. Listed by {@link SyncConnection#pending(int)}.
 *
 * @param table     the table the changes name
 * @param key       the row's primary-key values in key order ({@code Long}, {@code Double}, {@code String},
 *                  {@code byte[]} or {@code null})
 * @param columns   the distinct columns the waiting changes carry, in the order they were parked
 * @param rowChange whether the row's existence (its insert or delete as such) is among what waits
 * @param changes   how many changes (cells) wait for the row
 * @param reason    why the row waits (the latest reason recorded for it), naming table, column or constraint
 * @param since     when the oldest of its changes was parked, or {@code null} when an older version of the driver
 *                  parked it without saying
 */
public record PendingRow(String table, List<Object> key, List<String> columns, boolean rowChange, int changes, String reason, Instant since) {
    public PendingRow {
        key = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(key));
        columns = List.copyOf(columns);
    }
}
