package io.syncsqlite.engine;

import io.syncsqlite.SyncEvent;
import io.syncsqlite.SyncResult;
import io.syncsqlite.capture.CaptureSchema;
import io.syncsqlite.capture.MetaTables;
import io.syncsqlite.capture.NullKeyRows;
import io.syncsqlite.capture.TombstoneCollector;
import io.syncsqlite.capture.Transactions;
import io.syncsqlite.capture.VersionFold;
import io.syncsqlite.change.Change;
import io.syncsqlite.change.Changeset;
import io.syncsqlite.change.ChangesetCodec;
import io.syncsqlite.config.SyncConfig;
import io.syncsqlite.identity.RestoredCopyException;
import io.syncsqlite.identity.SiteIdentity;
import io.syncsqlite.keys.KeyBlocks;
import io.syncsqlite.merge.ApplyResult;
import io.syncsqlite.merge.ChangeApplier;
import io.syncsqlite.merge.ChangeExtractor;
import io.syncsqlite.merge.DeadLetterStore;
import io.syncsqlite.merge.LocalBatch;
import io.syncsqlite.merge.SiteDictionary;
import io.syncsqlite.spi.SyncSession;
import io.syncsqlite.spi.Transport;
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
 * monitor, so transport threads (live pushes) and the engine thread never use the connection at once. Every write
 * goes through the file's {@link WriteGate}, in slices of about {@link #SLICE_NANOS} of work, so it never commits
 * under an application transaction's read snapshot and an application statement waits for one slice at most. Events
 * are emitted outside the gate: a listener may use the database.
 */
final class EngineTransportSession implements SyncSession {
    private static final System.Logger LOG = System.getLogger(EngineTransportSession.class.getName());
    private static final Duration RETRY_EVERY = Duration.ofSeconds(30);
    /**
     * Work per write transaction of an apply, the longest an application waits for it: slices start at
     * {@link #MIN_SLICE_CHANGES} changes and are sized from the last one's time toward this, as the cost of a change
     * ranges from a share of a multi-row INSERT (new rows) to statements of its own (updates). While applications use
     * the file the slices are shorter ({@link #BUSY_SLICE_NANOS}); while none does, a transaction's own cost (commit,
     * first write) is spread over more changes.
     */
    private static final long SLICE_NANOS = 5_000_000;
    private static final long BUSY_SLICE_NANOS = 2_000_000;
    private static final int MIN_SLICE_CHANGES = 500;
    private static final int MAX_SLICE_CHANGES = 8_000;
    /**
     * Captured writes folded into the version tables per write transaction: about a millisecond of work for a plain
     * insert (a run of inserts folds in one statement), so the fold fits the application's wait of one slice.
     */
    private static final int FOLD_SLICE_ENTRIES = 500;
    /** Changes the next slice applies. */
    private int sliceChanges = MIN_SLICE_CHANGES;
    private final SyncEngine engine;
    private final SyncedFile replica;
    private final Connection c;
    private final SiteDictionary sites;
    private final ChangeExtractor extractor;
    private final ChangeApplier applier;
    private final WriteGate gate;
    /** When pending changes were last retried, and at which schema version and apply count. */
    private long lastRetryNanos = System.nanoTime();
    private long lastRetrySchema = -1;
    private long appliesSinceRetry;
    /** The {@link FollowedPragmas} values this session last gave its connection ({@code null}: as opened). */
    private Map<String, Integer> pragmas;
    private final java.util.Set<String> nullKeyTablesReported = new java.util.HashSet<>();
    /** Tables whose nearly full key block was reported (once each). */
    private final java.util.Set<String> keyBlockTablesReported = new java.util.HashSet<>();
    /** The site whose key block tag is coordinated (stored); until the local site has one, the transport is asked each round. */
    private volatile String keyTagSite;
    /** When tables were last looked at for NULL-key rows, and at which schema version. */
    private long nullKeysCheckedNanos;
    private long nullKeysCheckedSchema = -1;
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
    /**
     * Per refuser, the limits its dead letters were last checked against. Every push and round states them; only other
     * limits (or new dead letters) can make a dead letter due again, so the same limits again cost no write.
     */
    private final Map<String, String> limitsChecked = new HashMap<>();
    /**
     * Set when applying showed the database to be a restored copy ({@link RestoredCopyException}), also on a
     * transport's own thread, whose failure the transport may report in its own words; the engine takes it.
     */
    private volatile RestoredCopyException restored;
    /** Cursors {@link #advanceCursor advanced} and not yet written: they go with this session's next write. */
    private final Map<String, String> unwrittenCursors = new HashMap<>();

    EngineTransportSession(SyncEngine engine, SyncedFile replica, Connection c, SiteDictionary sites, ChangeExtractor extractor, ChangeApplier applier) {
        this.engine = engine;
        this.replica = replica;
        this.c = c;
        this.sites = sites;
        this.extractor = extractor;
        this.applier = applier;
        this.gate = replica.gate();
    }

    /** Pending changes are retried in the next round (the engine's connection gained a function or collation). */
    synchronized void retryPendingNextRound() {
        lastRetrySchema = -1;
    }

    /**
     * Gives the engine's connection the {@link FollowedPragmas} as the application last set them on its own connections,
     * so remote changes are checked and triggers fire as the application's writes are. Outside any transaction, where
     * SQLite accepts {@code foreign_keys}.
     */
    private void alignPragmas() throws SQLException {
        Map<String, Integer> wanted = replica.pragmas();
        if (wanted == null || wanted.equals(pragmas)) return;
        FollowedPragmas.apply(c, wanted);
        pragmas = wanted;
    }

    /**
     * Folds the application's captured writes into the version tables, in short transactions through the gate, before
     * anything reads versions: extracting, applying (which folds what came in meanwhile in its own transaction too) and
     * snapshots. See {@link VersionFold}.
     */
    private void fold(CaptureSchema schema) throws SQLException {
        if (!schema.hasMetadata()) return;
        while (VersionFold.pending(c)) {
            gate.engine(() -> Transactions.write(c, () -> VersionFold.step(c, FOLD_SLICE_ENTRIES)));
        }
    }

    /**
     * Collects the tombstones of deleted rows when {@code transport} tells that every site has seen everything this
     * replica holds ({@link Transport#seenByAll}), one short transaction per slice through the gate; returns how many
     * it removed. Holding the session, nothing is published or applied until it is done, so what the transport told
     * holds for the whole pass; the application's own new deletes are in the outbox, which keeps their tombstones.
     */
    synchronized long collectTombstones(Transport transport) throws Exception {
        CaptureSchema schema = schema();
        if (!schema.hasMetadata()) return 0;
        fold(schema);
        if (!transport.seenByAll(this)) return 0;
        long collected = 0;
        for (io.syncsqlite.capture.CapturedTable t : schema.tables()) {
            TombstoneCollector.Slice slice = TombstoneCollector.Slice.FIRST;
            while (!slice.done()) {
                TombstoneCollector.Slice from = slice;
                slice = gate.engine(() -> Transactions.write(c, () -> TombstoneCollector.step(c, t, from)));
                collected += slice.collected();
            }
        }
        return collected;
    }

    /** The captured schema, instrumenting first (a write, so through the gate) when the schema changed. */
    private CaptureSchema schema() throws SQLException {
        CaptureSchema s = replica.instrumentedSchema(c);
        return s != null ? s : gate.engine(() -> replica.ensureInstrumented(c));
    }

    /**
     * Starts counting a round, catches up with schema changes made outside this JVM, and retries pending changes when
     * something may have changed for them: the schema, newly applied rows (a missing parent row, a freed UNIQUE value)
     * or, for clock drift, time. Their reasons were reported when they were parked, so a retry reports only success.
     * {@code asked}: a caller waits for this round ({@code syncNow()}), so checks that are otherwise spaced out run too.
     */
    synchronized void beginRound(boolean asked) throws SQLException {
        pushed = pulled = applied = conflicts = 0;
        changedRows.clear();
        alignPragmas();
        replica.definitions().align(c);
        if (replica.definitions().takeAdded()) lastRetrySchema = -1; // what waited for a relayed definition is retried now
        CaptureSchema schema = schema();
        reportNullKeys(schema, asked);
        if (schema.hasMetadata()) {
            deadLettersReady = true;
            limits(DeadLetterStore.LOCAL, ChangesetCodec.LIMITS);
            deadLetters = DeadLetterStore.count(c);
        }
        boolean due = schema.schemaVersion() != lastRetrySchema || appliesSinceRetry > 0
                || System.nanoTime() - lastRetryNanos > RETRY_EVERY.toNanos();
        if (!due) return;
        lastRetrySchema = schema.schemaVersion();
        lastRetryNanos = System.nanoTime();
        appliesSinceRetry = 0;
        ApplyResult retried = noticingRestore(() -> gate.engine(() -> applier.retryPending(schema)));
        count(retried);
        changed(retried, "changes that were pending");
    }

    /** The remote changes kept pending, grouped by table, column and reason. */
    synchronized List<SyncStatus.Waiting> waiting() throws SQLException {
        return applier.waiting();
    }

    /**
     * Says once per table that rows whose key holds NULL stay local (they cannot sync), never silently. Looking scans a
     * table whose key has several columns, so it is done on a round a caller asked for, after a schema change, or once
     * per {@code sync.interval} (at most {@link #RETRY_EVERY} apart), not on every round a commit starts (a live
     * transport's every commit), and never again in a table already reported.
     */
    private void reportNullKeys(CaptureSchema schema, boolean asked) throws SQLException {
        long now = System.nanoTime();
        long every = Math.min(replica.config().interval().toNanos(), RETRY_EVERY.toNanos());
        if (!asked && schema.schemaVersion() == nullKeysCheckedSchema && now - nullKeysCheckedNanos < every) return;
        nullKeysCheckedSchema = schema.schemaVersion();
        nullKeysCheckedNanos = now;
        for (Map.Entry<String, Long> e : NullKeyRows.count(c, schema, nullKeyTablesReported).entrySet()) {
            if (nullKeyTablesReported.add(e.getKey())) engine.emit(SyncEvent.error(NullKeyRows.message(e.getKey(), e.getValue()), null));
        }
        reportKeyBlocks(schema);
    }

    /**
     * Asks the transport for a key block tag ({@link io.syncsqlite.keys.KeyScheme}) until this site has one, offering
     * its provisional tag first; then presents the tag it holds once per engine start and after the transport's
     * coordinator lost history ({@link #keyTagMayBeLost}), so a hub restored from a backup records it again. A granted
     * tag that differs from the one held (another site was granted it meanwhile) is stored through the gate, and new
     * keys use it from then on; keys already given stay. An empty answer (the transport cannot coordinate) keeps what
     * the site holds. The tag is handed to the file's INSERTs only here, after the round's exchange, which is where a
     * restored copy becomes a new site.
     */
    void coordinateKeyTag(io.syncsqlite.spi.Transport transport) throws Exception {
        String site = sites.local();
        if (site.equals(keyTagSite) || replica.config().wideKeys()) return;
        java.util.OptionalInt held;
        synchronized (this) {
            if (!schema().hasMetadata()) return;
            held = KeyBlocks.coordinatedTag(c);
        }
        int wish = held.orElse(io.syncsqlite.keys.KeyScheme.provisionalTag(site));
        java.util.OptionalInt granted = transport.claimKeyTag(site, wish); // network: outside any lock
        if (granted.isEmpty()) {
            if (held.isPresent()) {
                keyTagSite = site;
                replica.keyBlockCoordinated(held.getAsInt());
            }
            return;
        }
        int tag = granted.getAsInt();
        if (held.isEmpty() || held.getAsInt() != tag) {
            synchronized (this) {
                gate.engine(() -> Transactions.write(c, () -> {
                    KeyBlocks.store(c, site, tag);
                    return null;
                }));
            }
            engine.emit(SyncEvent.progress("key block " + tag + " granted to this replica: new INTEGER PRIMARY KEY values are "
                    + tag + " * 2^20 + n" + (held.isPresent() ? " (its block " + held.getAsInt() + " is another replica's now)" : "")));
        }
        replica.keyBlockCoordinated(tag);
        keyTagSite = site;
    }

    @Override
    public void keyTagMayBeLost() {
        keyTagSite = null;
    }

    /**
     * Says once per table, with an ERROR event and a log warning, when this replica's key block in it is three quarters
     * full, long before its keys pass 2^31; checked as often as {@link #reportNullKeys}.
     */
    private void reportKeyBlocks(CaptureSchema schema) throws SQLException {
        if (replica.config().wideKeys()) return;
        for (Map.Entry<String, Long> e : KeyBlocks.nearlyFull(c, schema).entrySet()) {
            if (!keyBlockTablesReported.add(e.getKey())) continue;
            String message = KeyBlocks.nearlyFullMessage(e.getKey(), e.getValue()) + " (" + replica.url().target() + ")";
            LOG.log(System.Logger.Level.WARNING, message);
            engine.emit(SyncEvent.error(message, null));
        }
    }

    /**
     * Ends a round: rows a constraint refused until everything received was applied are judged now (see
     * {@link ChangeApplier#settleWaiting}), then the round's counts are returned.
     */
    synchronized SyncResult endRound(Duration duration) throws SQLException {
        if (applier.rowsWaitToBeJudged()) {
            CaptureSchema schema = schema();
            ApplyResult judged = noticingRestore(() -> gate.engine(() -> applier.settleWaiting(schema)));
            appliesSinceRetry = 0;
            count(judged);
            changed(judged, "changes that waited for the rest of what was received");
        }
        return new SyncResult(pushed, pulled, applied, conflicts, duration, changedRows);
    }

    @Override
    public String siteId() {
        return sites.local();
    }

    /** Runs {@code work}, which applies, keeping a {@link RestoredCopyException} it throws for the engine. */
    private ApplyResult noticingRestore(Transactions.SqlWork<ApplyResult> work) throws SQLException {
        try {
            return work.run();
        } catch (RestoredCopyException e) {
            restored = e;
            throw e;
        }
    }

    /** The restored copy applying met since the last call, if any. */
    RestoredCopyException takeRestored() {
        RestoredCopyException r = restored;
        restored = null;
        return r;
    }

    /**
     * Makes the database a new site, as a restored copy of an older state of its site ({@link SiteIdentity#renewAsRestored}),
     * and returns its id; the connections of this file pick their keys from the new site's block from now on.
     */
    synchronized String becomeNewSite(RestoredCopyException evidence) throws SQLException {
        String site = gate.engine(() -> SiteIdentity.renewAsRestored(c, replica.file(), evidence.getMessage()));
        sites.invalidate(c);
        replica.siteRenewed(site);
        restored = null;
        return site;
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
        CaptureSchema schema = schema();
        fold(schema);
        while (true) {
            LocalBatch b = extractor.nextBatch(schema, replica.config().batchSize());
            if (!b.refused().isEmpty()) setAside(b.refused(), DeadLetterStore.LOCAL, ChangesetCodec.LIMITS);
            if (b.changeset().isEmpty() && b.upToSeq() > 0) {
                gate.engine(() -> Transactions.write(c, () -> { // nothing of it can go out: its changes are kept as dead letters
                    extractor.markPublished(b);
                    return null;
                }));
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
        deadLettersReady = schema().hasMetadata();
        gate.engine(() -> Transactions.write(c, () -> {
            DeadLetterStore.setAside(c, refused, refuser, limits);
            return null;
        }));
        limitsChecked.remove(refuser);
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
        if (!deadLettersReady || limits.equals(limitsChecked.get(refuser))) return;
        gate.engine(() -> Transactions.write(c, () -> DeadLetterStore.retryIfLimitsChanged(c, refuser, limits)));
        limitsChecked.put(refuser, limits);
    }

    @Override
    public synchronized void published(LocalBatch batch) throws SQLException {
        Runnable markFile = gate.engine(() -> SiteIdentity.published(c, replica.file(), () -> {
            if (batch.retriedUpTo() > 0) DeadLetterStore.published(c, batch.retriedUpTo());
            extractor.markPublished(batch);
            applier.saveCursors(unwrittenCursors);
            return null;
        }));
        markFile.run(); // after the commit, outside the gate: an application statement waits for the transaction only
        unwrittenCursors.clear();
        if (batch.retriedUpTo() > 0) deadLetters = DeadLetterStore.count(c);
        pushed += batch.changeset().size();
        engine.metrics().sent(batch.changeset().size());
        if (!batch.isEmpty()) engine.emit(SyncEvent.progress("published " + batch.changeset().size() + " changes of " + batch.rows() + " rows"));
    }

    @Override
    public synchronized ApplyResult apply(Changeset changes, Map<String, String> cursors) throws SQLException {
        alignPragmas();
        replica.definitions().align(c);
        if (replica.definitions().takeAdded()) lastRetrySchema = -1; // what waited for a relayed definition is retried now
        CaptureSchema schema = schema();
        fold(schema);
        ApplyResult r = noticingRestore(() -> applySliced(changes, schema, withUnwritten(cursors)));
        unwrittenCursors.clear();
        appliesSinceRetry += r.applied();
        pulled += r.received();
        engine.metrics().received(r.received());
        count(r);
        changed(r, "site " + changes.origin());
        if (r.received() > 0) {
            engine.emit(SyncEvent.progress("applied " + r.applied() + " of " + r.received() + " changes from site " + changes.origin()
                    + (r.parked() > 0 ? ", " + r.parked() + " kept pending" : "")));
        }
        return r;
    }

    /**
     * Applies {@code changes} in slices, each its own transaction through the gate; the cursors commit with the last
     * slice, so a crash in between re-receives the batch, and re-applying what was applied changes nothing (LWW).
     */
    private ApplyResult applySliced(Changeset changes, CaptureSchema schema, Map<String, String> cursors) throws SQLException {
        List<Change> all = changes.changes();
        if (all.size() <= MIN_SLICE_CHANGES) return gate.engine(() -> applier.applyReceived(changes, schema, cursors, new ChangeApplier.Carry(), true));
        ApplyResult total = ApplyResult.NOTHING;
        long entries = gate.applicationEntries();
        ChangeApplier.Carry carry = new ChangeApplier.Carry(); // rows a constraint refused go on to the next slice
        for (int from = 0; from < all.size(); ) {
            int to = Math.min(all.size(), from + sliceChanges);
            Changeset slice = new Changeset(changes.origin(), all.subList(from, to));
            boolean last = to == all.size();
            Map<String, String> sliceCursors = last ? cursors : Map.of();
            long[] took = new long[1];
            total = total.plus(gate.engine(() -> {
                long t0 = System.nanoTime();
                ApplyResult r = applier.applyReceived(slice, schema, sliceCursors, carry, last);
                took[0] = System.nanoTime() - t0;
                return r;
            }));
            // a transaction has a cost of its own (commit, first write): slices grow until they take about the budget
            long now = gate.applicationEntries();
            long budget = now != entries ? BUSY_SLICE_NANOS : SLICE_NANOS;
            entries = now;
            sliceChanges = (int) Math.max(MIN_SLICE_CHANGES, Math.min(MAX_SLICE_CHANGES, sliceChanges * budget / Math.max(1, took[0])));
            from = to;
        }
        return total;
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

    /** {@code cursors} after the unwritten ones, which the caller's newer positions replace. */
    private Map<String, String> withUnwritten(Map<String, String> cursors) {
        if (unwrittenCursors.isEmpty()) return cursors;
        Map<String, String> all = new HashMap<>(unwrittenCursors);
        all.putAll(cursors);
        return all;
    }

    @Override
    public synchronized void advanceCursor(String key, String value) {
        unwrittenCursors.put(key, value);
    }

    /** Writes the cursors {@link #advanceCursor advanced} since the last write (the engine is stopping). */
    synchronized void writeAdvancedCursors() throws SQLException {
        if (!unwrittenCursors.isEmpty()) saveCursors(Map.of());
    }

    @Override
    public synchronized Optional<String> cursor(String key) throws SQLException {
        String unwritten = unwrittenCursors.get(key);
        if (unwritten != null) return Optional.of(unwritten);
        try (PreparedStatement ps = c.prepareStatement("SELECT value FROM " + MetaTables.CURSORS + " WHERE key = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    @Override
    public synchronized void saveCursor(String key, String value) throws SQLException {
        saveCursors(Map.of(key, value));
    }

    private void saveCursors(Map<String, String> cursors) throws SQLException {
        CaptureSchema schema = schema();
        Map<String, String> all = withUnwritten(cursors);
        gate.engine(() -> applier.apply(new Changeset(sites.local(), java.util.List.of()), schema, all));
        unwrittenCursors.clear();
    }

    @Override
    public synchronized void snapshot(boolean localOnly, int chunkChanges, Consumer<Changeset> sink) throws SQLException {
        CaptureSchema schema = schema();
        fold(schema);
        extractor.snapshot(schema, localOnly, chunkChanges, sink);
    }

    @Override
    public void countBytes(long sent, long received) {
        engine.metrics().bytes(sent, received);
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
