package io.syncsqlite.hub;

import io.syncsqlite.change.Change;
import io.syncsqlite.change.InvalidChangesetException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds one pull page from stored rows read in sequence order, the same way for every store: rows are added whole
 * (all their cells), the page ends before the first row of a new sequence once it holds {@code limit} changes or
 * {@code maxBytes} of stored cells, so one row's push is never split.
 */
final class PageBuilder {
    private final int limit;
    private final long maxBytes;
    private final List<Change> changes = new ArrayList<>();
    private long next;
    private long bytes;

    PageBuilder(long since, int limit, long maxBytes) {
        this.next = since;
        this.limit = limit;
        this.maxBytes = maxBytes;
    }

    /** Adds the row stored at {@code seq}; false (nothing added) when the page is full and the row starts a new sequence. */
    boolean add(long seq, String table, String pk, byte[] cells) throws SQLException {
        if ((changes.size() >= limit || bytes >= maxBytes) && seq != next) return false;
        next = seq;
        bytes += cells.length;
        List<Object> key;
        try {
            key = RowKeys.decode(pk);
        } catch (InvalidChangesetException e) {
            throw new SQLException("hub store holds an undecodable primary key: " + e.getMessage(), "XX001", e);
        }
        for (StoredRow.Cell c : StoredRow.decode(cells)) {
            changes.add(new Change(table, key, c.column().equals(StoredRow.ROW_CELL) ? null : c.column(), c.value(), c.hlc(), c.site(), c.cl()));
        }
        return true;
    }

    /** The page: {@code more} when a row was left for the next one. */
    HubStore.Page page(boolean more) {
        return new HubStore.Page(changes, next, more);
    }
}
