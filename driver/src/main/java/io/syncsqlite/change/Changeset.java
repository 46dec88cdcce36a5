package io.syncsqlite.change;

import java.util.List;

/**
 * A batch of changes as it travels between replicas.
 *
 * @param origin  the site that produced the batch
 * @param changes the changes, in no particular order (merging does not depend on it)
 */
public record Changeset(String origin, List<Change> changes) {
    public static final int FORMAT_VERSION = 1;

    public Changeset {
        changes = List.copyOf(changes);
    }

    public boolean isEmpty() {
        return changes.isEmpty();
    }

    public int size() {
        return changes.size();
    }
}
