package io.syncsqlite.engine;

import io.syncsqlite.capture.Transactions;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The per-file gate between the application's connections and the sync engine of this JVM (docs/how-it-works.md, "The write gate").
 *
 * <p>A deferred SQLite transaction that has read holds a snapshot; if another connection commits meanwhile, its first
 * write fails at once with {@code SQLITE_BUSY_SNAPSHOT} (no busy timeout helps). On plain SQLite an application that
 * is the only writer never sees that. So the engine writes only through {@link #engine}, which waits until no
 * application connection {@link #enter holds} the file, and application statements and transactions hold it from
 * their first statement until they end. The engine writes in short slices; a statement that arrives meanwhile waits
 * for that slice only.
 *
 * <p>Fairness: applications that queued during a slice go before the engine's next one. The engine takes its turn
 * when no application holds the file; statements arriving meanwhile go ahead of it, with no wait, until it has waited
 * {@link #ENGINE_PATIENCE} (only a file in constant use by overlapping statements keeps it waiting that long). Past
 * that an arriving statement lets it go first, but never for longer than {@link #ENGINE_PRIORITY}, and only while
 * every hold on the file is younger than that: behind a long transaction or an open result set the engine could not
 * go anyway, so a long reader delays the engine alone, never other statements.
 *
 * <p>SQLite's lock: when another connection or process holds SQLite's write lock as a slice begins, the engine waits
 * for it outside the gate ({@link #awaitLockOutside}, called by its busy handler, {@link EngineBusyHandler}), so
 * application statements go on meanwhile, as they would beside any other writer; it comes back in once no
 * application holds the file.
 */
public final class WriteGate {
    /** How long a newly arriving application statement lets a waiting engine go first. */
    static final Duration ENGINE_PRIORITY = Duration.ofMillis(50);
    /** How long the engine waits for a moment when no application holds the file before arriving statements let it go first. */
    static final Duration ENGINE_PATIENCE = Duration.ofMillis(100);

    /** One application connection's hold on the file (a transaction, statements running, result sets open). */
    public static final class Holder {
        private int holds;
        private Thread thread;
        /** When its current hold began (System.nanoTime). */
        private long since;

        /** Whether this connection holds the file now. */
        public boolean holds() {
            return holds > 0;
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<Thread, Integer> holdingThreads = new HashMap<>();
    /** The holders holding now. */
    private final java.util.Set<Holder> holding = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    private int holders;
    private int waitingApps;
    /** Application holds taken so far (connections starting a statement or transaction): tells the engine the file is in use. */
    private volatile long applicationEntries;
    /** The engine writes now: applications wait (false while it waits for SQLite's lock outside the gate). */
    private boolean engineInside;
    private boolean engineWaiting;
    /** When the engine began waiting (System.nanoTime), valid while {@link #engineWaiting}. */
    private long engineWaitingSince;
    /** The thread running an engine slice, from entering to the end of the slice (also while it waits outside). */
    private volatile Thread engineThread;

    /**
     * Adds one hold for {@code h}; the first waits while the engine writes (one slice) and, when the engine has waited
     * for its turn longer than {@link #ENGINE_PATIENCE} and could take it (every hold on the file is younger than
     * {@link #ENGINE_PRIORITY}), up to {@link #ENGINE_PRIORITY} more.
     */
    public void enter(Holder h) {
        lock.lock();
        try {
            Thread me = Thread.currentThread();
            if (h.holds == 0 && !holdingThreads.containsKey(me)) {
                waitingApps++;
                long deadline = System.nanoTime() + ENGINE_PRIORITY.toNanos();
                boolean interrupted = false;
                try {
                    while (engineInside || engineStarving() && System.nanoTime() < deadline && onlyYoungHolds()) {
                        try {
                            if (engineInside) changed.await();
                            else changed.awaitNanos(deadline - System.nanoTime());
                        } catch (InterruptedException e) {
                            interrupted = true; // a statement of plain SQLite is not interruptible either; keep the flag for the caller
                        }
                    }
                } finally {
                    waitingApps--;
                    changed.signalAll(); // an engine may be letting the queue through first
                    if (interrupted) me.interrupt();
                }
            }
            if (h.holds++ == 0) {
                holders++;
                applicationEntries++;
                h.thread = me;
                h.since = System.nanoTime();
                holding.add(h);
                holdingThreads.merge(me, 1, Integer::sum);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Removes one hold of {@code h}. */
    public void leave(Holder h) {
        lock.lock();
        try {
            if (h.holds > 0 && --h.holds == 0) drop(h);
        } finally {
            lock.unlock();
        }
    }

    /** Removes every hold of {@code h} (its connection closed). */
    public void leaveAll(Holder h) {
        lock.lock();
        try {
            if (h.holds > 0) {
                h.holds = 0;
                drop(h);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Whether the engine has waited for its turn longer than {@link #ENGINE_PATIENCE}. */
    private boolean engineStarving() {
        return engineWaiting && System.nanoTime() - engineWaitingSince > ENGINE_PATIENCE.toNanos();
    }

    /**
     * Whether letting a waiting engine go first can help it: no hold is older than {@link #ENGINE_PRIORITY}. An older
     * one (a long transaction, an open result set) keeps the engine out whatever arriving statements do.
     */
    private boolean onlyYoungHolds() {
        long oldest = System.nanoTime() - ENGINE_PRIORITY.toNanos();
        for (Holder h : holding) if (h.since - oldest < 0) return false;
        return true;
    }

    private void drop(Holder h) {
        holders--;
        holding.remove(h);
        holdingThreads.computeIfPresent(h.thread, (t, n) -> n == 1 ? null : n - 1);
        h.thread = null;
        changed.signalAll();
    }

    /** How many times an application connection began holding the file so far (a statement or a transaction). */
    public long applicationEntries() {
        return applicationEntries;
    }

    /** Whether the calling thread holds the file through any connection. */
    public boolean heldByCurrentThread() {
        lock.lock();
        try {
            return holdingThreads.containsKey(Thread.currentThread());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs one slice of the engine's writes once no application connection holds the file; applications arriving
     * meanwhile wait for the slice to end.
     */
    public <T> T engine(Transactions.SqlWork<T> slice) throws SQLException {
        if (engineThread == Thread.currentThread()) return slice.run(); // already inside
        lock.lock();
        try {
            while (engineThread != null || engineWaiting) awaitForEngine(); // one engine writer at a time (transport threads too)
            // applications that queued during the previous slice go first
            while (waitingApps > 0) awaitForEngine();
            engineWaiting = true;
            engineWaitingSince = System.nanoTime();
            try {
                while (holders > 0) awaitForEngine();
            } finally {
                engineWaiting = false;
            }
            engineInside = true;
            engineThread = Thread.currentThread();
        } finally {
            lock.unlock();
        }
        try {
            return slice.run();
        } finally {
            lock.lock();
            try {
                engineInside = false;
                engineThread = null;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * The engine's slice meets SQLite's lock held by another connection or process: called from the engine
     * connection's busy handler, this steps out of the gate for {@code pause}, so application statements are not held
     * up by a lock they do not need, then comes back in once no application holds the file. Outside a slice it only
     * pauses. (Busy waits happen as a slice's {@code BEGIN IMMEDIATE} takes the lock, before it wrote anything.)
     */
    void awaitLockOutside(Duration pause) throws InterruptedException {
        boolean inside;
        lock.lock();
        try {
            inside = engineThread == Thread.currentThread() && engineInside;
            if (inside) {
                engineInside = false;
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
        Thread.sleep(pause.toMillis());
        if (!inside) return;
        lock.lock();
        try {
            engineWaiting = true;
            engineWaitingSince = System.nanoTime();
            try {
                while (holders > 0) changed.await();
            } finally {
                engineWaiting = false;
            }
            engineInside = true;
        } finally {
            lock.unlock();
        }
    }

    private void awaitForEngine() throws SQLException {
        try {
            changed.await(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("Interrupted while waiting for the application's transactions to end", "HY008", e);
        }
    }
}
