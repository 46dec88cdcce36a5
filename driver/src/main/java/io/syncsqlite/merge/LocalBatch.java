package io.syncsqlite.merge;

import io.syncsqlite.change.Changeset;
import java.util.List;

/**
 * Local changes not yet published: read from the outbox, or dead letters offered again.
 *
 * @param changeset   the changes to publish
 * @param upToSeq     the last outbox sequence the batch covers; publishing it trims the outbox up to here
 * @param rows        how many distinct rows (or retried dead letters) the batch covers
 * @param retriedUpTo the highest dead-letter id among retried changes, removed once published; 0 when none
 * @param refused     changes of these rows that no changeset may carry (over the wire format's limits): kept aside,
 *                    not in {@code changeset}
 */
public record LocalBatch(Changeset changeset, long upToSeq, int rows, long retriedUpTo, List<DeadLetterStore.Refusal> refused) {
    public LocalBatch {
        refused = List.copyOf(refused);
    }

    public LocalBatch(Changeset changeset, long upToSeq, int rows) {
        this(changeset, upToSeq, rows, 0, List.of());
    }

    public boolean isEmpty() {
        return rows == 0;
    }
}
