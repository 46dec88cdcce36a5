package io.syncsqlite;

import static org.junit.jupiter.api.Assertions.fail;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Every event of one file, kept in order; a test waits until they satisfy a condition, woken by each new event (the
 * condition is checked when something happened, never on a timer).
 */
public final class SyncEventLog implements SyncListener {
    private final List<SyncEvent> events = new ArrayList<>();

    /** A log listening to {@code c}'s file from now on. */
    public static SyncEventLog of(Connection c) throws SQLException {
        SyncEventLog log = new SyncEventLog();
        c.unwrap(SyncConnection.class).addListener(log);
        return log;
    }

    @Override
    public synchronized void onEvent(SyncEvent event) {
        events.add(event);
        notifyAll();
    }

    /** The events so far. */
    public synchronized List<SyncEvent> events() {
        return List.copyOf(events);
    }

    /** Waits until the events so far satisfy {@code until}; fails naming {@code what} and the events after {@code within}. */
    public synchronized void await(Predicate<List<SyncEvent>> until, Duration within, String what) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!until.test(events)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) fail("not within " + within + ": " + what + "; events: " + events);
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }
}
