package io.syncsqlite.engine;

import java.time.Duration;
import org.sqlite.BusyHandler;

/**
 * The sync engine connection's busy handler, in place of SQLite's busy timeout: it waits for a lock held by another
 * connection or process as the timeout would (growing pauses, {@link SqliteConnections#DEFAULT_BUSY_TIMEOUT_MS} in
 * all), but each pause through {@link WriteGate#awaitLockOutside}, so the engine never sleeps while it keeps the
 * application's statements waiting at the file's gate.
 */
final class EngineBusyHandler extends BusyHandler {
    private static final long[] PAUSES_MS = {1, 2, 5, 10, 20, 50};
    private static final long GIVE_UP_NANOS = Duration.ofMillis(Long.parseLong(SqliteConnections.DEFAULT_BUSY_TIMEOUT_MS)).toNanos();

    private final WriteGate gate;
    /** When the current wait began (busy handlers run on the thread that waits, one wait at a time per connection). */
    private long waitingSince;

    EngineBusyHandler(WriteGate gate) {
        this.gate = gate;
    }

    @Override
    protected int callback(int previousCalls) {
        long now = System.nanoTime();
        if (previousCalls == 0) waitingSince = now;
        if (now - waitingSince > GIVE_UP_NANOS) return 0; // SQLITE_BUSY: the round fails and is retried with backoff
        try {
            gate.awaitLockOutside(Duration.ofMillis(PAUSES_MS[Math.min(previousCalls, PAUSES_MS.length - 1)]));
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }
}
