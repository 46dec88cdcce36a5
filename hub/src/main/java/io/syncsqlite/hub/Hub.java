package io.syncsqlite.hub;

import io.syncsqlite.change.Change;
import io.syncsqlite.change.Changeset;
import io.syncsqlite.change.ChangesetCodec;
import io.syncsqlite.change.InvalidChangesetException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * What the hub does, whatever the protocol: authenticates a bearer token to its namespace, admits a pushed batch
 * (decode, validation, caps, idempotency) into the {@link HubStore}, and pages pulls out of it. Every endpoint (HTTP
 * and WebSocket) calls these methods and nothing else, so a rule added here holds for every endpoint.
 */
public final class Hub {
    private static final System.Logger LOG = System.getLogger(Hub.class.getName());
    private static final Pattern BATCH_ID = Pattern.compile("[A-Za-z0-9._:-]{1,100}");
    private static final Pattern SITE = Pattern.compile("[0-9a-f]{32}");

    private final HubConfig config;
    private final HubStore store;
    private final ChangeValidator validator;
    private final String limits;
    private final HubMetrics metrics = new HubMetrics();
    private final ReceiveBudget receiveBudget;
    private final List<PushListener> listeners = new CopyOnWriteArrayList<>();
    private final List<HubStore.Watcher> watchers = new CopyOnWriteArrayList<>();
    /** Stores the pushes that arrive together in one transaction; tells listeners of each in sequence order. */
    private final GroupCommit groupCommit;

    /** Told of every push that stored something, in sequence order; must not block (it runs under the lock of the group commit). */
    @FunctionalInterface
    interface PushListener {
        /**
         * {@code source} identifies the endpoint connection that pushed ({@code null} for HTTP); {@code changeset} gives
         * the accepted changes in the wire format, encoded at most once whoever asks.
         */
        void accepted(String ns, Object source, HubStore.PushOutcome outcome, Supplier<byte[]> changeset);
    }

    Hub(HubConfig config, HubStore store) {
        this.config = config;
        this.store = store;
        this.validator = new ChangeValidator(config.maxBatchChanges(), config.maxValueBytes(), config.maxClockDrift());
        // the push caps too: clients size their pushes by them, and a change set aside for not fitting is offered again
        // when they change
        this.limits = validator.limits() + "; body<=" + config.maxBodyBytes() + "; changes<=" + config.maxBatchChanges();
        this.receiveBudget = new ReceiveBudget(config.receiveBudget());
        this.groupCommit = new GroupCommit(store::pushAll);
        store.watch((ns, head) -> {
            for (HubStore.Watcher w : watchers) w.storedElsewhere(ns, head);
        });
        metrics.gauge("receive_budget_bytes", "most bytes of pushed messages the hub holds at once (both endpoints)", receiveBudget::capacity);
        metrics.gauge("receive_budget_used_bytes", "bytes of pushed messages the hub holds now: announced, being read or handled", receiveBudget::used);
    }

    /** The bytes of pushed messages both endpoints may hold at once. */
    ReceiveBudget receiveBudget() {
        return receiveBudget;
    }

    HubConfig config() {
        return config;
    }

    HubStore store() {
        return store;
    }

    public String epoch() {
        return store.epoch();
    }

    /** The hub's counters and gauges. */
    public HubMetrics metrics() {
        return metrics;
    }

    /**
     * The admission limits as one line (sent with every response), push caps included ({@code body<=} encoded bytes,
     * {@code changes<=}): clients size their pushes by them, and retry what was refused when they change.
     */
    public String limits() {
        return limits;
    }

    /**
     * The namespace {@code token} grants; 401 without a known token, 403 when the client expects ({@code expected},
     * may be null) another one. Nothing the client sends chooses its namespace.
     */
    void addListener(PushListener l) {
        listeners.add(l);
    }

    void removeListener(PushListener l) {
        listeners.remove(l);
    }

    /** Tells {@code w} of pushes stored through other hubs sharing the store ({@link HubStore#watch}). */
    void addWatcher(HubStore.Watcher w) {
        watchers.add(w);
    }

    void removeWatcher(HubStore.Watcher w) {
        watchers.remove(w);
    }

    String namespace(String token, String expected) throws HttpError {
        if (token == null || token.isBlank()) throw new HttpError(401, "missing bearer token (Authorization: Bearer …)");
        String ns = config.tokens().namespaceOf(token.trim()).orElseThrow(() -> new HttpError(401, "invalid bearer token"));
        if (expected != null && !expected.equals(ns)) throw new HttpError(403, "the token does not grant namespace '" + expected + "'");
        return ns;
    }

    /**
     * Admits one pushed batch: {@code batch} names the client's outbox position and {@code body} is the changeset in
     * the wire format (at most {@link HubConfig#maxBodyBytes()}, checked by the endpoint while reading it);
     * {@code source} names the pushing connection for {@link PushListener}s ({@code null} for none).
     */
    HubStore.PushOutcome push(String ns, String batch, byte[] body, Object source) throws HttpError, SQLException {
        if (batch == null || !BATCH_ID.matcher(batch).matches()) {
            throw new HttpError(400, "missing or invalid batch id (1-100 of A-Z a-z 0-9 . _ : -)");
        }
        Changeset cs;
        try {
            cs = ChangesetCodec.decode(body);
        } catch (InvalidChangesetException e) {
            throw new HttpError(400, e.getMessage());
        }
        ChangeValidator.Admission admission = validator.check(cs);
        // the batch id names the client's outbox position, which a replica may reuse once it is trimmed; the digest
        // tells a retry of the same batch (identical bytes) from a new batch at a reused position, and the refusals
        // fingerprint a retry whose admission differs (a version no longer too far ahead) from a duplicate
        String batchId = batch + ":" + digest(body) + admission.fingerprint();
        for (ChangeValidator.Refusal r : admission.refused()) {
            LOG.log(System.Logger.Level.INFO, "push ns={0} site={1} batch={2}: refused {3}", ns, cs.origin(), batch, r.reason());
        }
        HubStore.PushOutcome out = groupCommit.push(new HubStore.Push(ns, batchId, admission.admitted()), stored -> {
            if (stored.duplicate() || stored.stored() == 0) return;
            HubStore.PushOutcome accepted = stored.withRefused(admission.refused(), cs.size());
            // when every pushed change won, the pushed bytes are the accepted changeset as they are
            Supplier<byte[]> changeset = stored.stored() == cs.size() ? () -> body : once(() -> changeset(stored.accepted()));
            for (PushListener l : listeners) l.accepted(ns, source, accepted, changeset);
        }).withRefused(admission.refused(), cs.size());
        metrics.pushed(out.duplicate(), out.stored());
        LOG.log(System.Logger.Level.DEBUG, "push ns={0} site={1} batch={2} changes={3} stored={4} duplicate={5} seq={6}",
                ns, cs.origin(), batch, cs.size(), out.stored(), out.duplicate(), out.seq());
        return out;
    }

    /**
     * The key block tag of replica {@code site} in {@code ns} ({@link HubStore#claimKeyTag}), {@code wish} first (0:
     * none); 0 when every tag is taken. 400 for a malformed site id or wish.
     */
    int keyTag(String ns, String site, long wish) throws HttpError, SQLException {
        if (site == null || !SITE.matcher(site).matches()) throw new HttpError(400, "missing or invalid site id (32 of 0-9 a-f)");
        if (wish < 0 || wish > io.syncsqlite.spi.KeyTagClaims.LAST) {
            throw new HttpError(400, "invalid key tag wish " + wish + ": accepted values are 0 (none) to " + io.syncsqlite.spi.KeyTagClaims.LAST);
        }
        int tag = store.claimKeyTag(ns, site, (int) wish);
        if (tag == 0) LOG.log(System.Logger.Level.WARNING, "every key block tag of namespace {0} is taken: site {1} keeps its provisional keys", ns, site);
        else LOG.log(System.Logger.Level.DEBUG, "key tag ns={0} site={1} wish={2} tag={3}", ns, site, wish, tag);
        return tag;
    }

    /** The last sequence of {@code ns}. */
    long head(String ns) throws SQLException, InterruptedException {
        return store.head(ns);
    }

    /**
     * Whether a client at cursor {@code since} of {@code epoch} ({@code null}: none), whose latest push got {@code seen}
     * under {@code seenEpoch} ({@code null}: none), may go on from its cursor (see {@link HubStore#knows}).
     */
    boolean knows(String epoch, long since, String seenEpoch, long seen) throws SQLException {
        return store.knows(epoch, since) && (seenEpoch == null || store.knows(seenEpoch, seen));
    }

    /**
     * Up to {@code limit} (capped by {@link HubConfig#maxPullLimit()}) changes of {@code ns} after {@code since}, for a
     * client as {@link #knows} (409 when this store does not hold what it has seen).
     */
    HubStore.Page pull(String ns, String epoch, long since, String seenEpoch, long seen, int limit) throws SQLException, InterruptedException, HttpError {
        if (!knows(epoch, since, seenEpoch, seen)) {
            throw new HttpError(409, "cursor " + since + " of epoch " + epoch + (seenEpoch == null ? "" : " (last push at " + seen + " of epoch " + seenEpoch + ")")
                    + " is not in this hub's history (epoch " + epoch() + ", last sequence " + store.lastSequence()
                    + "): the hub store was restored or replaced; push every version you hold again and read from 0");
        }
        return pull(ns, since, limit);
    }

    /** Up to {@code limit} (capped by {@link HubConfig#maxPullLimit()}) changes of {@code ns} after {@code since}. */
    HubStore.Page pull(String ns, long since, int limit) throws SQLException, InterruptedException {
        return pull(ns, since, limit, Long.MAX_VALUE);
    }

    /** As {@link #pull(String, long, int)}, ending the page once about {@code maxBytes} of cells are in it. */
    HubStore.Page pull(String ns, long since, int limit, long maxBytes) throws SQLException, InterruptedException {
        HubStore.Page page = store.pull(ns, since, Math.min(limit, config.maxPullLimit()), maxBytes);
        metrics.pulled();
        return page;
    }

    /**
     * {@code changes} in the wire format for clients. The first change's site is the changeset's origin, so changes of
     * that site (usually all of them) carry no site of their own; an empty list goes out under the hub's epoch.
     */
    byte[] changeset(List<Change> changes) {
        // an empty changeset needs an origin in the form of a site id: the store's id, the epoch's first 32 hex digits
        return ChangesetCodec.encode(new Changeset(changes.isEmpty() ? epoch().substring(0, 32) : changes.get(0).site(), changes));
    }

    private static Supplier<byte[]> once(Supplier<byte[]> make) {
        return new Supplier<>() {
            private byte[] made;

            @Override
            public synchronized byte[] get() {
                if (made == null) made = make.get();
                return made;
            }
        };
    }

    private static String digest(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body), 0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }
}
