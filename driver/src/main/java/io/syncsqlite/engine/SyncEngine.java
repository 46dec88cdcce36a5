package io.syncsqlite.engine;

import io.syncsqlite.ErrorText;
import io.syncsqlite.SyncEvent;
import io.syncsqlite.SyncListener;
import io.syncsqlite.SyncResult;
import io.syncsqlite.SyncStatus;
import io.syncsqlite.capture.MetaTables;
import io.syncsqlite.capture.Transactions;
import io.syncsqlite.identity.RestoredCopyException;
import io.syncsqlite.merge.ApplyResult;
import io.syncsqlite.merge.ChangeApplier;
import io.syncsqlite.merge.ChangeExtractor;
import io.syncsqlite.merge.SiteDictionary;
import io.syncsqlite.metrics.FileMetrics;
import io.syncsqlite.metrics.MetricsExport;
import io.syncsqlite.spi.Transport;
import io.syncsqlite.spi.TransportContext;
import io.syncsqlite.spi.TransportProvider;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The sync engine of one database file: a background thread that runs a round every {@code sync.interval} (sooner
 * on {@link #syncNow()} or a live transport's request), backs off with full jitter after failures, and pushes a last
 * time when stopped. It owns its own SQLite connection for reading batches and applying remote changes.
 */
public final class SyncEngine {
    private static final System.Logger LOG = System.getLogger(SyncEngine.class.getName());
    private static final Duration MIN_BACKOFF = Duration.ofMillis(250);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    /** Consecutive failed rounds after which the engine reports a stall (an ERROR event, once per episode). */
    private static final int STALL_ROUNDS = 3;
    /** How often rounds collect tombstones on their own, from the engine's start ({@link #compactNow()} asks at once). */
    private static final Duration COLLECT_EVERY = Duration.ofMinutes(10);

    private final SyncedFile replica;
    private final String transportName;
    /** Replaced when the database turns out to be a restored copy and becomes a new site ({@link #becomeNewSite}). */
    private volatile Transport transport;
    private final TransportProvider provider;
    private final EngineTransportSession session;
    private final Connection connection;
    private final ChangeApplier applier;
    private final List<SyncListener> listeners;
    private final SyncLog log;
    /** Reasons for waiting changes already reported: a schema drift is one event while it lasts, not one per batch. */
    private final Set<String> reportedWaiting = ConcurrentHashMap.newKeySet();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private final List<CompletableFuture<SyncResult>> requests = new ArrayList<>();
    /** A waiting request asked for tombstones to be collected (guarded by {@link #lock}). */
    private boolean compactAsked;
    private long lastCollection = System.nanoTime();
    private volatile long collectedByLastPass;
    private final Thread thread;
    private final EngineLease lease;
    /** Whether the transport was started: only once this engine holds the lease. */
    private boolean transportStarted;
    /** Whether the current spell without the lease was reported (once per spell). */
    private boolean standbyReported;
    private boolean wakeRequested;
    /** When the round a local commit asked for is due ({@link Long#MAX_VALUE}: none asked); guarded by {@link #lock}. */
    private long commitRoundAt = Long.MAX_VALUE;
    private boolean stopping;
    private volatile boolean paused;
    private volatile SyncStatus status;
    private int failures;
    private final boolean firstRoundNow;
    private final Path file;
    private final FileMetrics metrics = new FileMetrics();
    /** The MBean and Micrometer meters of this file, published from the engine's thread after its first round. */
    private MetricsExport metricsExport;

    private SyncEngine(SyncedFile replica, Path file, String transportName, TransportProvider provider, Transport transport, Connection connection,
                       SiteDictionary sites, boolean roundNow) {
        this.provider = provider;
        this.firstRoundNow = roundNow;
        this.file = file;
        this.lease = new EngineLease(file);
        this.replica = replica;
        this.listeners = replica.listeners(); // listeners added before the engine existed hear it from its first round
        this.log = new SyncLog(replica.url().target());
        this.paused = replica.paused();
        this.transportName = transportName;
        this.transport = transport;
        this.connection = connection;
        this.applier = new ChangeApplier(connection, sites, replica.config().maxClockDrift());
        this.session = new EngineTransportSession(this, replica, connection, sites, new ChangeExtractor(connection, sites), applier);
        this.status = new SyncStatus(paused ? SyncStatus.State.PAUSED : SyncStatus.State.IDLE, transportName, null, null, 0);
        this.thread = new Thread(this::loop, "syncsqlite-engine " + replica.url().target());
        this.thread.setDaemon(true);
    }

    static SyncEngine start(SyncedFile replica, Path file, boolean roundNow) throws SQLException {
        String name = replica.config().transport().orElseThrow();
        TransportProvider provider = provider(name);
        Connection c = replica.ownConnection();
        try {
            org.sqlite.BusyHandler.setHandler(c, new EngineBusyHandler(replica.gate()));
            for (io.syncsqlite.SyncConnection.EngineConnectionSetup setup : replica.engineSetups()) setup.setUp(c);
            SiteDictionary sites = new SiteDictionary(c);
            TransportContext context = new TransportContext(replica.config(), MetaTables.localSiteId(c), file);
            Transport transport = usingTransport(name, () -> provider.open(context));
            SyncEngine e = new SyncEngine(replica, file, name, provider, transport, c, sites, roundNow);
            e.thread.start();
            return e;
        } catch (SQLException | RuntimeException ex) {
            c.close();
            throw ex;
        }
    }

    /** The artifact that brings each transport of the project, for a message when its jar is missing. */
    private static final Map<String, String> ARTIFACTS = Map.of("nas", "io.syncsqlite:syncsqlite-transport-nas",
            "http", "io.syncsqlite:syncsqlite-transport-http", "ws", "io.syncsqlite:syncsqlite-transport-ws");

    /**
     * The provider named {@code name}, or an {@link SQLException} that names the artifact to add (for a transport of
     * this project whose jar is missing) or lists the names that are installed.
     */
    public static TransportProvider provider(String name) throws SQLException {
        TransportProvider p = Providers.BY_NAME.get(name);
        if (p != null) return p;
        String artifact = ARTIFACTS.get(name);
        if (artifact != null) {
            throw new SQLException("sync.transport=" + name + " needs the " + artifact + " jar (with its dependencies) on the classpath: add that"
                    + " dependency to the application; transports installed now: " + Providers.BY_NAME.keySet(), "HY024");
        }
        throw new SQLException("Invalid value '" + name + "' for sync.transport: accepted values are " + Providers.BY_NAME.keySet()
                + " (a transport module must be on the classpath)", "HY024");
    }

    /**
     * Runs a transport's code that may be the first to touch its libraries: a jar copied without its dependencies
     * fails with a {@link LinkageError} naming a class, which becomes a message naming the artifact to add.
     */
    public static <T> T usingTransport(String name, Transactions.SqlWork<T> work) throws SQLException {
        try {
            return work.run();
        } catch (LinkageError e) {
            throw new SQLException("sync.transport=" + name + " cannot load " + ErrorText.of(e) + ": add " + ARTIFACTS.getOrDefault(name, "its module")
                    + " as a dependency with its own dependencies (a build tool such as Maven or Gradle brings them), not its jar alone", "HY024", e);
        }
    }

    /** The names of the installed transports (looking them up the first time). */
    public static Set<String> installedTransports() {
        return Providers.BY_NAME.keySet();
    }

    /** The installed transports, looked up once rather than on every {@code connect()}. */
    private static final class Providers {
        static final Map<String, TransportProvider> BY_NAME = load();

        private static Map<String, TransportProvider> load() {
            Map<String, TransportProvider> out = new TreeMap<>();
            var providers = ServiceLoader.load(TransportProvider.class, SyncEngine.class.getClassLoader()).iterator();
            while (true) {
                try {
                    if (!providers.hasNext()) break;
                    TransportProvider p = providers.next();
                    out.putIfAbsent(p.name(), p);
                } catch (java.util.ServiceConfigurationError | LinkageError broken) {
                    // one transport that cannot load (a jar without its dependencies) leaves the others usable
                    LOG.log(System.Logger.Level.WARNING, "a sync transport on the classpath cannot be loaded: " + ErrorText.of(broken));
                }
            }
            return java.util.Collections.unmodifiableMap(out);
        }
    }

    public String transportName() {
        return transportName;
    }

    public SyncStatus status() {
        SyncStatus s = status;
        return new SyncStatus(s.state(), s.transport(), s.lastSuccess(), s.lastError(), s.rounds(), s.waiting(), session.deadLetters(),
                metrics.unpublished(), metrics.conflicts(), metrics.changesSent(), metrics.changesReceived(), metrics.bytesSent(), metrics.bytesReceived());
    }

    /** The counters behind {@link #status()}. */
    FileMetrics metrics() {
        return metrics;
    }

    public void pause() {
        paused = true;
        setState(SyncStatus.State.PAUSED, status.lastError());
    }

    public void resume() {
        paused = false;
        setState(SyncStatus.State.IDLE, status.lastError());
        requestRound();
    }

    /** Runs the application's set-up on this engine's connection, between rounds, and retries what waited for it. */
    void setUpConnection(io.syncsqlite.SyncConnection.EngineConnectionSetup setup) throws SQLException {
        synchronized (session) {
            setup.setUp(connection);
            session.retryPendingNextRound();
        }
    }

    /** Aligns the relays of the application's functions and collations on this engine's connection now (see {@link AppDefinitions}). */
    void alignDefinitions() {
        try {
            replica.definitions().align(connection);
        } catch (SQLException e) {
            replica.definitions().mayHaveChanged(); // the next round tries again
            LOG.log(System.Logger.Level.DEBUG, "relays of the application's definitions not aligned now", e);
        }
    }

    /** Runs a round now that retries every pending change first, and waits for it. */
    public SyncResult retryPendingNow() throws SQLException {
        synchronized (session) {
            session.retryPendingNextRound();
        }
        return syncNow();
    }

    /** Runs a round now and waits for its result. */
    public SyncResult syncNow() throws SQLException {
        return roundNow(false);
    }

    /**
     * Runs a round now that then collects the tombstones every site has seen (see
     * {@link io.syncsqlite.spi.Transport#seenByAll}), waits for it, and returns how many it collected.
     */
    public long compactNow() throws SQLException {
        roundNow(true);
        return collectedByLastPass;
    }

    private SyncResult roundNow(boolean compact) throws SQLException {
        if (Thread.currentThread() == thread) throw new SQLException("syncNow() cannot be called from a sync listener", "HY010");
        CompletableFuture<SyncResult> f = new CompletableFuture<>();
        lock.lock();
        try {
            if (stopping) throw new SQLException("The sync engine of " + replica.url().target() + " is stopped", "08003");
            compactAsked |= compact;
            requests.add(f);
            wake.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("Interrupted while waiting for a sync round", "HY008", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SQLException s) throw s;
            throw new SQLException("Sync round of " + replica.url().target() + " failed: " + ErrorText.of(cause), "08006", cause);
        }
    }

    /**
     * A local commit: for a transport that publishes on commit, a round is due {@link Transport#commitDelay()} after
     * the first commit since the last round started, so a burst of commits is published together.
     */
    void onLocalCommit() {
        if (!transport.pushesOnCommit()) return;
        lock.lock();
        try {
            if (commitRoundAt == Long.MAX_VALUE) {
                commitRoundAt = System.nanoTime() + transport.commitDelay().toNanos();
                wake.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    void requestRound() {
        lock.lock();
        try {
            wakeRequested = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    void emit(SyncEvent event) {
        log.event(event);
        for (SyncListener l : listeners) {
            try {
                l.onEvent(event);
            } catch (Throwable e) { // a listener's failure, of whatever kind, must not stop the engine
                LOG.log(System.Logger.Level.WARNING, "sync listener threw", e);
            }
        }
    }

    void emitApplyEvents(ApplyResult r) {
        for (String c : r.conflicts()) emit(new SyncEvent(SyncEvent.Type.CONFLICT, c, null, null));
        for (String w : r.awaitingSchema()) {
            if (reportedWaiting.add(w)) emitNotable(SyncEvent.progress("schema drift: changes for " + w + " are kept pending until this replica's schema has it"));
        }
        for (String p : r.problems()) emit(SyncEvent.error(p, null));
        for (String a : r.archived()) emitNotable(SyncEvent.progress(a + ": changes for it are archived in _syncsqlite_archived, not applied"));
    }

    /** An event that is also worth a line at INFO in the application's log (see {@link SyncLog}). */
    private void emitNotable(SyncEvent event) {
        log.notable(event.message());
        emit(event);
    }

    /** Stops the thread after a final push, then closes the transport and the engine's connection; waits for it. */
    void stop() {
        requestStop();
        if (!awaitStopped(STOP_TIMEOUT)) LOG.log(System.Logger.Level.WARNING, "sync engine of {0} did not stop within {1}", replica.url().target(), STOP_TIMEOUT);
    }

    /** Asks the thread to make its final push and stop, without waiting for it. */
    void requestStop() {
        lock.lock();
        try {
            stopping = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits up to {@code timeout} for the thread to end; true when it has. */
    boolean awaitStopped(Duration timeout) {
        try {
            thread.join(Math.max(1, timeout.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !thread.isAlive();
    }

    private void loop() {
        long nextRound = System.nanoTime() + (firstRoundNow ? 0 : replica.config().interval().toNanos());
        try {
            while (true) {
                List<CompletableFuture<SyncResult>> waiting;
                boolean compact;
                lock.lock();
                try {
                    // after a failed round, commits wait for the backoff like everything else
                    while (!stopping && requests.isEmpty() && !wakeRequested && (paused || System.nanoTime() < due(nextRound))) {
                        long wait = paused ? TimeUnit.SECONDS.toNanos(1) : due(nextRound) - System.nanoTime();
                        wake.awaitNanos(Math.max(wait, 1));
                    }
                    if (stopping) break;
                    waiting = new ArrayList<>(requests);
                    requests.clear();
                    compact = compactAsked;
                    compactAsked = false;
                    wakeRequested = false;
                    commitRoundAt = Long.MAX_VALUE;
                } finally {
                    lock.unlock();
                }
                nextRound = System.nanoTime() + runRound(waiting, compact).toNanos();
            }
            finalPush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            shutdown();
        }
    }

    /** When the next round is due: at {@code nextRound}, or sooner for a local commit unless the last round failed. */
    private long due(long nextRound) {
        return failures > 0 ? nextRound : Math.min(nextRound, commitRoundAt);
    }

    /**
     * Runs one round, completes the waiting requests, and returns the delay until the next one. A failure of any kind
     * (an {@link Error} such as {@link OutOfMemoryError} included) fails only this round: the waiting callers get it
     * as their answer, and the engine goes on with backoff. After the exchange it collects tombstones when
     * {@code compact} asks or {@link #COLLECT_EVERY} has passed.
     */
    private Duration runRound(List<CompletableFuture<SyncResult>> waiting, boolean compact) {
        try {
            if (!holdsLease()) return standby(waiting);
            setState(SyncStatus.State.SYNCING, status.lastError());
            emit(new SyncEvent(SyncEvent.Type.STARTED, "sync round started", null, null));
            long start = System.nanoTime();
            exchange(!waiting.isEmpty());
            // after the exchange, so a round's publishing and pulling happen when they always did
            session.coordinateKeyTag(transport);
            if (compact || System.nanoTime() - lastCollection >= COLLECT_EVERY.toNanos()) {
                lastCollection = System.nanoTime();
                collectedByLastPass = session.collectTombstones(transport);
            }
            SyncResult result = session.endRound(Duration.ofNanos(System.nanoTime() - start));
            afterRound();
            if (failures >= STALL_ROUNDS) {
                log.recovered(failures);
                emit(SyncEvent.progress("sync recovered after " + failures + " failed rounds"));
            }
            failures = 0;
            List<SyncStatus.Waiting> pending = session.waiting();
            reportedWaiting.retainAll(pending.stream().map(SyncStatus.Waiting::reason).toList());
            status = new SyncStatus(paused ? SyncStatus.State.PAUSED : SyncStatus.State.IDLE, transportName, Instant.now(), null, status.rounds() + 1, pending);
            emit(new SyncEvent(SyncEvent.Type.COMPLETED, "sync round completed: " + result, result, null));
            waiting.forEach(f -> f.complete(result));
            return replica.config().interval();
        } catch (Throwable e) {
            afterRound();
            failures++;
            String message = "sync round of " + replica.url().target() + " failed (" + transportName + "): " + ErrorText.of(e);
            log.roundFailed(failures, STALL_ROUNDS, message, e);
            setState(SyncStatus.State.OFFLINE, message);
            emit(new SyncEvent(SyncEvent.Type.FAILED, message, null, e));
            if (failures == STALL_ROUNDS) {
                // once per episode, so a monitor can alert on it without counting FAILED events itself
                Instant since = status.lastSuccess();
                emit(SyncEvent.error("sync stalled: " + failures + " rounds in a row failed" + (since == null ? "" : " since the last success at " + since)
                        + "; local changes are kept and retried with backoff. Last error: " + ErrorText.of(e), e));
            }
            waiting.forEach(f -> f.completeExceptionally(e));
            return backoff();
        } finally {
            // whatever happened above (even a failure while reporting one), no caller of syncNow() waits forever
            waiting.forEach(f -> f.completeExceptionally(new SQLException("The sync round of " + replica.url().target() + " ended without a result", "08006")));
        }
    }

    /**
     * Counts what waits in the file for {@link #status()} after every round, before its callers hear the result:
     * reading a metric never touches the database. After the first round, publishes the file's MBean and meters: the
     * first use of JMX in a process takes tens of milliseconds, which must delay neither connect() nor the first round.
     */
    private void afterRound() {
        if (metricsExport == null) metricsExport = MetricsExport.start(file, this::status);
        try {
            synchronized (session) {
                metrics.countBacklog(connection);
            }
        } catch (SQLException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "counting the backlog of " + replica.url().target(), e);
        }
    }

    /**
     * Begins a round and exchanges through the transport. When that showed the database to be a restored copy of an
     * older state of its site (a {@link RestoredCopyException} thrown, or met while applying on a transport's own
     * thread), the database becomes a new site and the round runs again under it.
     *
     * @param asked a caller waits for this round ({@code syncNow()})
     */
    private void exchange(boolean asked) throws Exception {
        RestoredCopyException restored;
        try {
            session.beginRound(asked);
            transport.sync(session);
            restored = session.takeRestored();
        } catch (Exception e) {
            RestoredCopyException met = session.takeRestored();
            restored = RestoredCopyException.in(e) != null ? RestoredCopyException.in(e) : met;
            if (restored == null) throw e;
        }
        if (restored == null) return;
        becomeNewSite(restored);
        session.beginRound(asked);
        transport.sync(session);
    }

    /**
     * Makes the database a new site (see {@link RestoredCopyException}) and starts the transport again under it: the
     * old site is a peer from now on, so the next exchange reads back what it published after the copy was taken.
     */
    private void becomeNewSite(RestoredCopyException evidence) throws Exception {
        String old = session.siteId();
        String site = session.becomeNewSite(evidence);
        try {
            transport.close();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "closing transport " + transportName, e);
        }
        transport = usingTransport(transportName, () -> provider.open(new TransportContext(replica.config(), site, file)));
        transport.start(session);
        emitNotable(SyncEvent.progress("this database is a restored copy of an older state of site " + old + " (" + evidence.getMessage()
                + "): it is now site " + site + ", and gets back what " + old + " published after the copy was taken"));
    }

    /** Takes the lease if free; the transport starts (live transports begin listening) with the first lease. */
    private boolean holdsLease() throws java.io.IOException {
        if (!lease.tryAcquire()) return false;
        if (!transportStarted) {
            transportStarted = true;
            if (standbyReported) emitNotable(SyncEvent.progress("took over syncing " + replica.url().target() + " (the previous holder of " + lease.file() + " is gone)"));
            standbyReported = false;
            transport.start(session);
        }
        return true;
    }

    /**
     * Another process syncs this file: this one only captures (its writes land in the shared database, and the holder
     * publishes them) and tries again next round, so a holder that dies is replaced within one interval.
     */
    private Duration standby(List<CompletableFuture<SyncResult>> waiting) {
        status = new SyncStatus(SyncStatus.State.STANDBY, transportName, status.lastSuccess(), null, status.rounds());
        if (!standbyReported) {
            standbyReported = true;
            emitNotable(SyncEvent.progress("another process syncs " + replica.url().target() + " (it holds " + lease.file()
                    + "); this one captures its writes for that process to publish, and takes over if it stops"));
        }
        waiting.forEach(f -> f.complete(SyncResult.EMPTY));
        return replica.config().interval();
    }

    /** Full-jitter exponential backoff, never longer than the regular interval would be once it is longer. */
    private Duration backoff() {
        long cap = Math.min(MAX_BACKOFF.toMillis(), MIN_BACKOFF.toMillis() << Math.min(failures, 10));
        return Duration.ofMillis(MIN_BACKOFF.toMillis() + ThreadLocalRandom.current().nextLong(Math.max(1, cap)));
    }

    private void finalPush() {
        try {
            if (!holdsLease()) return; // the holder publishes this process's writes
            exchange(false);
        } catch (Throwable e) {
            log.finalSyncFailed("final sync of " + replica.url().target() + " failed; unpublished changes stay in the outbox and go out at the next start: "
                    + ErrorText.of(e), e);
        }
    }

    private void shutdown() {
        if (metricsExport != null) metricsExport.close();
        status = new SyncStatus(SyncStatus.State.STOPPED, transportName, status.lastSuccess(), status.lastError(), status.rounds(), status.waiting());
        lock.lock();
        try {
            stopping = true;
            requests.forEach(f -> f.completeExceptionally(new SQLException("The sync engine stopped", "08003")));
            requests.clear();
        } finally {
            lock.unlock();
        }
        try {
            transport.close();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "closing transport " + transportName, e);
        }
        lease.close();
        synchronized (session) {
            try {
                session.writeAdvancedCursors();
            } catch (SQLException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "writing the sync cursors of " + replica.url().target() + " failed; changes after the stored ones are received again", e);
            }
            try {
                applier.close();
                connection.close();
            } catch (SQLException e) {
                LOG.log(System.Logger.Level.WARNING, "closing the sync engine's connection", e);
            }
        }
    }

    private void setState(SyncStatus.State state, String error) {
        SyncStatus s = status;
        status = new SyncStatus(state, transportName, s.lastSuccess(), error, s.rounds(), s.waiting());
    }
}
