package io.syncsqlite.engine;

import io.syncsqlite.capture.Transactions;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.sqlite.SQLiteCommitListener;
import org.sqlite.SQLiteConnection;

/**
 * The per-file gate between the application's connections and the sync engine of this JVM (docs/how-it-works.md, "The write gate").
 *
 * <p>A deferred SQLite transaction that has read holds a snapshot; if another connection commits meanwhile, its first
 * write fails at once with {@code SQLITE_BUSY_SNAPSHOT} (no busy timeout helps). On plain SQLite an application that
 * is the only writer never sees that. So the engine writes only through {@link #engine}, which waits until no
 * application connection {@link #enter holds} the file, and application statements and transactions hold it from
 * their first statement until they end. The engine writes in short slices; a write that arrives meanwhile waits for
 * that slice only.
 *
 * <p>Reads never wait for a slice, as WAL readers never wait for a writer: an auto-commit read ({@link #enterToRead})
 * runs while the engine writes. Its snapshot predates the slice's commit, which matters only if its connection writes
 * while that snapshot is still open (a result set being iterated): SQLite would fail that write with
 * {@code SQLITE_BUSY_SNAPSHOT}. So before each commit of a slice ({@link Transactions.CommitGuard}) the engine waits up to
 * {@link #COMMIT_PATIENCE} for the reads begun during the slice to end; when one is still open (or its connection is
 * about to write) the engine rolls the slice back and runs it again, with reads waiting for that one slice. Everything
 * a slice does before its commit is undone by the rollback, and the engine's slices carry nothing across an attempt
 * that did not commit, so running one again is safe. Reads arriving during the commit itself wait for it.
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
    private static final System.Logger LOG = System.getLogger(WriteGate.class.getName());
    /** How long a newly arriving application statement lets a waiting engine go first. */
    static final Duration ENGINE_PRIORITY = Duration.ofMillis(50);
    /** How long the engine waits for a moment when no application holds the file before arriving statements let it go first. */
    static final Duration ENGINE_PATIENCE = Duration.ofMillis(100);
    /** How long a slice waits before its commit for the reads begun during it to end, before it gives way to them. */
    static final Duration COMMIT_PATIENCE = Duration.ofMillis(5);

    /** One application connection's hold on the file (a transaction, statements running, result sets open). */
    public static final class Holder {
        private int holds;
        private Thread thread;
        /** When its current hold began (System.nanoTime). */
        private long since;
        /** Its current hold began while the engine wrote: its snapshot may predate the slice's commit. */
        private boolean duringSlice;

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
    /** Holders whose hold began during the running slice (since its last commit). */
    private int holdsDuringSlice;
    /** The engine commits now: arriving reads wait for that. */
    private boolean committing;
    /** The running slice is one given up once for reads: reads wait for it. */
    private boolean closedSlice;
    /** A connection holding since the running slice began is about to write: the slice must give way at its commit. */
    private boolean writeAwaitsSlice;
    /** Commits of the driver's own connections outside the gate ({@link #audit}). */
    private final AtomicLong commitsOutsideTheGate = new AtomicLong();
    private final Transactions.CommitGuard commitGuard = new Transactions.CommitGuard() {
        @Override
        public void beforeCommit() throws SQLException {
            engineCommits();
        }

        @Override
        public void afterCommit() {
            engineCommitted();
        }
    };

    /**
     * Adds one hold for {@code h} before a statement that may write or a transaction; the first waits while the engine
     * writes (one slice) and, when the engine has waited for its turn longer than {@link #ENGINE_PATIENCE} and could
     * take it (every hold on the file is younger than {@link #ENGINE_PRIORITY}), up to {@link #ENGINE_PRIORITY} more.
     * On a connection whose read began during the running slice and is still open, it waits for that slice, which gives
     * way to it (see the class comment).
     */
    public void enter(Holder h) {
        enter(h, false);
    }

    /**
     * Adds one hold for {@code h} before an auto-commit read: it never waits for a running slice (only for a commit in
     * progress, for a slice that gave way to reads once, and, as {@link #enter}, for an engine that has waited too long).
     */
    public void enterToRead(Holder h) {
        enter(h, true);
    }

    private void enter(Holder h, boolean read) {
        lock.lock();
        try {
            Thread me = Thread.currentThread();
            if (h.holds == 0 && !holdingThreads.containsKey(me)) {
                waitingApps++;
                long deadline = System.nanoTime() + ENGINE_PRIORITY.toNanos();
                boolean interrupted = false;
                try {
                    while (keptOut(read) || engineStarving() && System.nanoTime() < deadline && onlyYoungHolds()) {
                        try {
                            if (keptOut(read)) changed.await();
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
            } else if (!read && h.duringSlice && engineInside) {
                writeAwaitsSlice = true; // its snapshot predates the slice's commit: the slice gives way
                changed.signalAll();
                awaitUninterruptibly(() -> engineInside);
            }
            if (h.holds++ == 0) {
                holders++;
                applicationEntries++;
                h.thread = me;
                h.since = System.nanoTime();
                holding.add(h);
                holdingThreads.merge(me, 1, Integer::sum);
                if (engineInside) {
                    h.duringSlice = true;
                    holdsDuringSlice++;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Whether an arriving statement waits for the engine now: a write for a running slice, a read for its commit only. */
    private boolean keptOut(boolean read) {
        return read ? committing || engineInside && closedSlice : engineInside;
    }

    private void awaitUninterruptibly(java.util.function.BooleanSupplier condition) {
        boolean interrupted = false;
        while (condition.getAsBoolean()) {
            try {
                changed.await();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
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
        if (h.duringSlice) {
            h.duringSlice = false;
            holdsDuringSlice--;
        }
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
     * Runs one slice of the engine's writes once no application connection holds the file; writes arriving meanwhile
     * wait for the slice to end, reads do not (see the class comment). A slice that gives way to reads at its commit is
     * rolled back and run again.
     */
    public <T> T engine(Transactions.SqlWork<T> slice) throws SQLException {
        if (engineThread == Thread.currentThread()) return slice.run(); // already inside
        for (boolean again = false; ; again = true) {
            enterAsEngine(again);
            try {
                return Transactions.guarded(commitGuard, slice);
            } catch (SQLException e) {
                if (!GaveWay.in(e)) throw e;
            } finally {
                leaveAsEngine();
            }
        }
    }

    /**
     * Runs a slice whose writes do not all commit through {@link Transactions#write} (an auto-commit statement,
     * {@code VACUUM}): reads wait for it as writes do, so no hold can begin during it and any commit of it is safe.
     * For the rare writes the application asks for (the way-out calls of {@link io.syncsqlite.SyncConnection}).
     */
    public <T> T engineExclusive(Transactions.SqlWork<T> slice) throws SQLException {
        if (engineThread == Thread.currentThread()) throw new IllegalStateException("an exclusive slice runs on its own, not inside another");
        enterAsEngine(true);
        try {
            return slice.run();
        } finally {
            leaveAsEngine();
        }
    }

    /**
     * Audits every commit on {@code c}, a connection of the driver's own to this file: one that is not a slice's
     * guarded commit ({@link #engine}, {@link #engineExclusive}) could make an application transaction fail with
     * {@code SQLITE_BUSY_SNAPSHOT}; it is counted ({@link #commitsOutsideTheGate}) and logged as a warning.
     */
    public void audit(Connection c) throws SQLException {
        c.unwrap(SQLiteConnection.class).addCommitListener(new SQLiteCommitListener() {
            @Override
            public void onCommit() {
                if (!commitAllowedHere()) commitOutsideTheGate();
            }

            @Override
            public void onRollback() {
                // a rollback changes nothing another connection's snapshot could miss
            }
        });
    }

    /** Whether the calling thread commits a driver write as the gate allows: inside a slice, at its guarded commit or exclusively. */
    private boolean commitAllowedHere() {
        lock.lock();
        try {
            return engineThread == Thread.currentThread() && engineInside && (committing || closedSlice);
        } finally {
            lock.unlock();
        }
    }

    private void commitOutsideTheGate() {
        long n = commitsOutsideTheGate.incrementAndGet();
        LOG.log(n == 1 ? System.Logger.Level.WARNING : System.Logger.Level.DEBUG,
                "a write of the sync driver committed outside the write gate (thread " + Thread.currentThread().getName() + "): an application"
                        + " transaction holding a read snapshot could fail its next write with SQLITE_BUSY_SNAPSHOT", new IllegalStateException("committed here"));
    }

    /** How many commits of the driver's own connections {@link #audit} found outside the gate (0 unless a path was missed). */
    public long commitsOutsideTheGate() {
        return commitsOutsideTheGate.get();
    }

    private void enterAsEngine(boolean closed) throws SQLException {
        lock.lock();
        try {
            // one engine writer at a time (transport threads, way-out calls too), and applications that queued during the
            // previous slice go first: checked together, as each wait lets another writer check them too
            while (engineThread != null || engineWaiting || waitingApps > 0) awaitForEngine();
            engineWaiting = true;
            engineWaitingSince = System.nanoTime();
            try {
                while (holders > 0) awaitForEngine();
            } finally {
                engineWaiting = false;
            }
            engineInside = true;
            closedSlice = closed;
            engineThread = Thread.currentThread();
        } finally {
            lock.unlock();
        }
    }

    private void leaveAsEngine() {
        lock.lock();
        try {
            engineInside = false;
            engineThread = null;
            closedSlice = false;
            writeAwaitsSlice = false;
            // the holds still open began after the slice's last commit: nothing they hold predates a commit to come
            for (Holder h : holding) h.duringSlice = false;
            holdsDuringSlice = 0;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Before a commit of the running slice: waits up to {@link #COMMIT_PATIENCE} for the holds begun during the slice to
     * end; gives way ({@link GaveWay}, which rolls the slice back) when one is still open, else keeps arriving reads
     * out until the commit is done.
     */
    private void engineCommits() throws SQLException {
        lock.lock();
        try {
            if (engineThread != Thread.currentThread()) return;
            long deadline = System.nanoTime() + COMMIT_PATIENCE.toNanos();
            for (long left; holdsDuringSlice > 0 && !writeAwaitsSlice && (left = deadline - System.nanoTime()) > 0; ) {
                try {
                    changed.awaitNanos(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SQLException("Interrupted while waiting for the application's reads to end", "HY008", e);
                }
            }
            if (holdsDuringSlice > 0) throw new GaveWay();
            committing = true;
        } finally {
            lock.unlock();
        }
    }

    private void engineCommitted() {
        lock.lock();
        try {
            committing = false;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * A slice gave way at its commit to reads begun during it (see the class comment): it is rolled back and runs again.
     * Never leaves the gate.
     */
    static final class GaveWay extends SQLException {
        GaveWay() {
            super("the sync engine's slice gave way to application reads begun during it: rolled back, to run again");
        }

        static boolean in(Throwable e) {
            for (Throwable t = e; t != null; t = t.getCause()) if (t instanceof GaveWay) return true;
            return false;
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
