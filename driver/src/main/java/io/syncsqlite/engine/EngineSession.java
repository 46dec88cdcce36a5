package io.syncsqlite.engine;

import io.syncsqlite.SyncEvent;
import io.syncsqlite.SyncResult;
import io.syncsqlite.capture.CaptureSchema;
import io.syncsqlite.capture.MetaTables;
import io.syncsqlite.capture.NullKeyRows;
import io.syncsqlite.capture.Transactions;
import io.syncsqlite.change.Change;
import io.syncsqlite.change.Changeset;
import io.syncsqlite.change.ChangesetCodec;
import io.syncsqlite.config.SyncConfig;
import io.syncsqlite.identity.SiteIdentity;
import io.syncsqlite.merge.ApplyResult;
import io.syncsqlite.merge.ChangeApplier;
import io.syncsqlite.merge.ChangeExtractor;
import io.syncsqlite.merge.DeadLetterStore;
import io.syncsqlite.merge.LocalBatch;
import io.syncsqlite.merge.SiteDictionary;
import io.syncsqlite.spi.SyncSession;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import io.syncsqlite.SyncStatus;
import java.util.List;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The engine's side of the transport SPI. Every method runs on the engine's own connection under this object's
 * monitor, so transport threads (live pushes) and the engine thread never use the connection at once.
 */
final class EngineSession implements SyncSession {
    private static final Duration RETRY_EVERY = Duration.ofSeconds(30);
    private final SyncEngine engine;
    private final Replica replica;
    private final Connection c;
    private final SiteDictionary sites;
    private final ChangeExtractor extractor;
    private final ChangeApplier applier;
    /** When pending changes were last retried, and at which schema version and apply count. */
    private long lastRetryNanos = System.nanoTime();
    private long lastRetrySchema = -1;
    private long appliesSinceRetry;
    private final java.util.Set<String> nullKeyTablesReported = new java.util.HashSet<>();
    /** Events reported per refused batch; the rest are summed up in one. */
    private static final int MAX_EVENTS_PER_CALL = 10;
    private volatile long deadLetters;
    /** Whether the metadata (and so the dead-letter table) exists: none before the database has a table to sync. */
    private boolean deadLettersReady;
    private int pushed;
    private int pulled;
    private int applied;
    private int conflicts;
    private final Map<String, Integer> changedRows = new HashMap<>();

    EngineSession(SyncEngine engine, Replica replica, Connection c, SiteDictionary sites, ChangeExtractor extractor, ChangeApplier applier) {
        this.engine = engine;
        this.replica = replica;
        this.c = c;
        this.sites = sites;
        this.extractor = extractor;
        this.applier = applier;
    }

    /**
     * Starts counting a round, catches up with schema changes made outside this JVM, and retries pending changes when
     * something may have changed for them: the schema, newly applied rows (a missing parent row, a freed UNIQUE value)
     * or, for clock drift, time. Their reasons were reported when they were parked, so a retry reports only success.
     */
    synchronized void beginRound() throws SQLException {
        pushed = pulled = applied = conflicts = 0;
        changedRows.clear();
        CaptureSchema schema = replica.ensureInstrumented(c);
        reportNullKeys(schema);
        if (schema.hasMetadata()) {
            deadLettersReady = true;
            DeadLetterStore.retryIfLimitsChanged(c, DeadLetterStore.LOCAL, ChangesetCodec.LIMITS);
            deadLetters = DeadLetterStore.count(c);
        }
        boolean due = schema.schemaVersion() != lastRetrySchema || appliesSinceRetry > 0
                || System.nanoTime() - lastRetryNanos > RETRY_EVERY.toNanos();
        if (!due) return;
        lastRetrySchema = schema.schemaVersion();
        lastRetryNanos = System.nanoTime();
        appliesSinceRetry = 0;
        ApplyResult retried = applier.retryPending(schema);
        applied += retried.applied();
        changed(retried, "changes that were pending");
    }

    /** The remote changes kept pending, grouped by table, column and reason. */
    synchronized List<SyncStatus.Waiting> waiting() throws SQLException {
        return applier.waiting();
    }

    /** Says once per table that rows whose key holds NULL stay local (they cannot sync), never silently. */
    private void reportNullKeys(CaptureSchema schema) throws SQLException {
        for (Map.Entry<String, Long> e : NullKeyRows.count(c, schema).entrySet()) {
            if (nullKeyTablesReported.add(e.getKey())) engine.emit(SyncEvent.error(NullKeyRows.message(e.getKey(), e.getValue()), null));
        }
    }

    synchronized SyncResult endRound(Duration duration) {
        return new SyncResult(pushed, pulled, applied, conflicts, duration, changedRows);
    }

    @Override
    public String siteId() {
        return sites.local();
    }

    @Override
    public SyncConfig config() {
        return replica.config();
    }

    /** Local changes refused on their way out and kept, as last counted. */
    long deadLetters() {
        return deadLetters;
    }

    /**
     * The next outbox batch; once the outbox is empty, dead letters offered again. Changes no changeset may carry are
     * set aside as dead letters here, where they are read, so the rest of their batch goes out.
     */
    @Override
    public synchronized LocalBatch nextLocalBatch() throws SQLException {
        CaptureSchema schema = replica.ensureInstrumented(c);
        while (true) {
            LocalBatch b = extractor.nextBatch(schema, replica.config().batchSize());
            if (!b.refused().isEmpty()) setAside(b.refused(), DeadLetterStore.LOCAL, ChangesetCodec.LIMITS);
            if (b.changeset().isEmpty() && b.upToSeq() > 0) {
                extractor.markPublished(b); // nothing of it can go out: its changes are kept as dead letters
                continue;
            }
            if (!b.isEmpty() || !schema.hasMetadata()) return b;
            DeadLetterStore.Retry retry = DeadLetterStore.retries(c, replica.config().batchSize());
            List<Change> carried = new ArrayList<>();
            List<DeadLetterStore.Refusal> still = new ArrayList<>();
            for (Change ch : retry.changes()) {
                String problem = ChangesetCodec.writeProblem(ch);
                if (problem == null) carried.add(ch);
                else still.add(new DeadLetterStore.Refusal(ch, problem));
            }
            if (!still.isEmpty()) setAside(still, DeadLetterStore.LOCAL, ChangesetCodec.LIMITS);
            return new LocalBatch(new Changeset(sites.local(), carried), 0, carried.size(), carried.isEmpty() ? 0 : retry.upToId(), List.of());
        }
    }

    @Override
    public synchronized void setAside(List<DeadLetterStore.Refusal> refused, String refuser, String limits) throws SQLException {
        if (refused.isEmpty()) return;
        deadLettersReady = replica.ensureInstrumented(c).hasMetadata();
        Transactions.write(c, () -> {
            DeadLetterStore.setAside(c, refused, refuser, limits);
            return null;
        });
        deadLetters = DeadLetterStore.count(c);
        int shown = 0;
        for (DeadLetterStore.Refusal r : refused) {
            if (shown++ == MAX_EVENTS_PER_CALL) {
                engine.emit(SyncEvent.error("… and " + (refused.size() - MAX_EVENTS_PER_CALL) + " more local changes refused by " + refuser, null));
                break;
            }
            engine.emit(SyncEvent.error("local change kept as a dead letter, not published (refused by " + refuser + "): " + r.reason()
                    + "; it is offered again when those limits change (SyncConnection.status().deadLetters())", null));
        }
    }

    @Override
    public synchronized void limits(String refuser, String limits) throws SQLException {
        if (!deadLettersReady) return;
        DeadLetterStore.retryIfLimitsChanged(c, refuser, limits);
    }

    @Override
    public synchronized void published(LocalBatch batch) throws SQLException {
        SiteIdentity.published(c, replica.file(), () -> {
            if (batch.retriedUpTo() > 0) DeadLetterStore.published(c, batch.retriedUpTo());
            extractor.markPublished(batch);
            return null;
        });
        if (batch.retriedUpTo() > 0) deadLetters = DeadLetterStore.count(c);
        pushed += batch.changeset().size();
        if (!batch.isEmpty()) engine.emit(SyncEvent.progress("published " + batch.changeset().size() + " changes of " + batch.rows() + " rows"));
    }

    @Override
    public synchronized ApplyResult apply(Changeset changes, Map<String, String> cursors) throws SQLException {
        CaptureSchema schema = replica.ensureInstrumented(c);
        ApplyResult r = applier.apply(changes, schema, cursors);
        appliesSinceRetry += r.applied();
        pulled += r.received();
        count(r);
        changed(r, "site " + changes.origin());
        if (r.received() > 0) {
            engine.emit(SyncEvent.progress("applied " + r.applied() + " of " + r.received() + " changes from site " + changes.origin()
                    + (r.parked() > 0 ? ", " + r.parked() + " kept pending" : "")));
        }
        return r;
    }

    private void count(ApplyResult r) {
        applied += r.applied();
        conflicts += r.conflicts().size();
        engine.emitApplyEvents(r);
    }

    /** Counts the rows {@code r} wrote for the round's result and tells listeners which tables changed. */
    private void changed(ApplyResult r, String source) {
        if (r.changedRows().isEmpty()) return;
        r.changedRows().forEach((t, n) -> changedRows.merge(t, n, Integer::sum));
        engine.emit(SyncEvent.changed(r.changedRows(), source));
    }

    @Override
    public synchronized Optional<String> cursor(String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT value FROM " + MetaTables.CURSORS + " WHERE key = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    @Override
    public synchronized void saveCursor(String key, String value) throws SQLException {
        applier.apply(new Changeset(sites.local(), java.util.List.of()), replica.ensureInstrumented(c), Map.of(key, value));
    }

    @Override
    public synchronized void snapshot(boolean localOnly, int chunkChanges, Consumer<Changeset> sink) throws SQLException {
        extractor.snapshot(replica.ensureInstrumented(c), localOnly, chunkChanges, sink);
    }

    @Override
    public void report(SyncEvent event) {
        engine.emit(event);
    }

    @Override
    public void requestSync() {
        engine.requestRound();
    }
}
