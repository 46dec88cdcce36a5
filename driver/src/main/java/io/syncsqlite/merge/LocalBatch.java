package io.syncsqlite.merge;

import io.syncsqlite.change.Changeset;

/**
 * Local changes read from the outbox, not yet published.
 *
 * @param changeset the changes
 * @param upToSeq   the last outbox sequence the batch covers; publishing it trims the outbox up to here
 * @param rows      how many distinct rows the batch covers
 */
public record LocalBatch(Changeset changeset, long upToSeq, int rows) {
    public boolean isEmpty() {
        return rows == 0;
    }
}
