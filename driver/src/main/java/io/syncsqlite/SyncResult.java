package io.syncsqlite;

import java.time.Duration;

/**
 * What one sync round did.
 *
 * @param pushed    local changes published
 * @param pulled    remote changes received
 * @param applied   remote changes that won and were written
 * @param conflicts remote changes kept pending because they violate a local constraint
 * @param duration  how long the round took
 */
public record SyncResult(int pushed, int pulled, int applied, int conflicts, Duration duration) {
    public static final SyncResult EMPTY = new SyncResult(0, 0, 0, 0, Duration.ZERO);
}
