package io.syncsqlite;

import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one sync round did.
 *
 * @param pushed    local changes published
 * @param pulled    remote changes received
 * @param applied   remote changes that won and were written
 * @param conflicts remote changes kept pending because they violate a local constraint
 * @param duration  how long the round took
 * @param tables    rows the round's remote changes wrote (inserted, updated or deleted), per table name; a live
 *                  transport's changes between rounds are counted in the round in which they arrived
 */
public record SyncResult(int pushed, int pulled, int applied, int conflicts, Duration duration, Map<String, Integer> tables) {
    public static final SyncResult EMPTY = new SyncResult(0, 0, 0, 0, Duration.ZERO);

    public SyncResult {
        tables = Collections.unmodifiableMap(new TreeMap<>(tables));
    }

    /** A result that wrote no rows. */
    public SyncResult(int pushed, int pulled, int applied, int conflicts, Duration duration) {
        this(pushed, pulled, applied, conflicts, duration, Map.of());
    }
}
