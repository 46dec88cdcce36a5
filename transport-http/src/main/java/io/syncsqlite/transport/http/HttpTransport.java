package io.syncsqlite.transport.http;

import io.syncsqlite.SyncEvent;
import io.syncsqlite.change.Changeset;
import io.syncsqlite.merge.DeadLetterStore;
import io.syncsqlite.merge.LocalBatch;
import io.syncsqlite.spi.SyncSession;
import io.syncsqlite.spi.Transport;
import io.syncsqlite.transport.hub.HubPush;
import io.syncsqlite.transport.hub.HubPush.Cursor;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@code sync.transport=http}: each round pushes the local outbox to the hub in bounded parts, then pulls pages after
 * the stored cursor until the hub has no more. The cursor is {@code epoch:sequence} of the hub and is stored with each
 * applied page. Every pull presents the cursor with its epoch, and the position the hub gave this replica's latest
 * push; a hub whose store does not hold them (restored from a backup, replaced) answers 409, and this replica pushes
 * every version it holds again and pulls from the start.
 */
final class HttpTransport implements Transport {
    private static final System.Logger LOG = System.getLogger(HttpTransport.class.getName());
    static final String CURSOR = "http.cursor";
    /** The highest sequence this replica has seen from the hub, with its epoch: applied, or given to its own push. */
    static final String SEEN = "http.seen";
    private static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(5);

    /** The hubs of {@code sync.url} (several over one shared store), and the one this replica talks to now. */
    private final List<HubClient> hubs;
    private HubClient hub;
    private final int maxPushChanges;
    private final int pullLimit;
    /** Fetches the next pull page while the engine applies the current one; daemon threads, idle ones expire. */
    private static final ExecutorService PREFETCH = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "syncsqlite-http-prefetch");
        t.setDaemon(true);
        return t;
    });
    private Instant notBefore = Instant.MIN;
    private Boolean online;
    /** Whether a round of this transport has read the hub once (it then publishes before it reads, as a round does). */
    private boolean readOnce;
    /** The round's pushes from the cursor while they are sent (the pull then starts past them), else {@code null}. */
    private OwnPushes ownPushes;

    HttpTransport(List<HubClient> hubs, int maxPushChanges, int pullLimit) {
        this.hubs = hubs;
        this.hub = hubs.get(0);
        this.maxPushChanges = maxPushChanges;
        this.pullLimit = pullLimit;
    }

    @Override
    public void sync(SyncSession session) throws Exception {
        if (Instant.now().isBefore(notBefore)) {
            throw new IOException("hub " + hub.base() + " asked to retry after " + notBefore + " (Retry-After); changes stay local until then");
        }
        HubClient used = hub;
        try {
            if (!readOnce) {
                // Read before the first publication: a restored copy of this database finds its site's later
                // publications here and becomes a new site before rows it keyed from its old block reach the hub,
                // where they would be merged over those publications cell by cell (docs/constraints.md, section 7).
                pull(session);
                readOnce = true;
            }
            ownPushes = new OwnPushes(session.cursor(CURSOR).map(Cursor::parse).orElse(null));
            try {
                for (LocalBatch b = session.nextLocalBatch(); !b.isEmpty(); b = session.nextLocalBatch()) {
                    pushAll(session, b.changeset(), Long.toString(b.upToSeq()));
                    session.published(b);
                }
                Optional<Cursor> past = ownPushes.cursor();
                if (past.isPresent()) session.advanceCursor(CURSOR, past.get().toString());
            } finally {
                ownPushes = null;
            }
            pull(session);
            if (hub.limits() != null) session.limits(refuser(), hub.limits());
            connected(session, true, null);
        } catch (HubException e) {
            if (e.retryAfter() != null) notBefore = Instant.now().plus(e.retryAfter().compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : e.retryAfter());
            connected(session, e.status() < 500 && e.status() != 429, e);
            failOver(e);
            throw e;
        } catch (IOException e) {
            connected(session, false, e);
            failOver(e);
            throw e;
        } finally {
            used.reportBytes(session);
        }
    }

    /**
     * Takes the next hub of {@code sync.url} for the next round when this one could not be reached or answered that
     * it cannot serve (5xx): they share one store, so the cursor, pushed batches and dead letters hold unchanged.
     */
    private void failOver(IOException failure) {
        if (hubs.size() < 2 || failure instanceof HubException h && h.status() < 500) return;
        HubClient next = hubs.get((hubs.indexOf(hub) + 1) % hubs.size());
        LOG.log(System.Logger.Level.INFO, "hub {0} failed ({1}); the next round goes to {2}", hub.base(), failure.getMessage(), next.base());
        hub = next;
        notBefore = Instant.MIN;
    }

    /** See {@link HubPush#caughtUp}: a round pushes, then pulls to the end, so after one this holds. */
    @Override
    public boolean seenByAll(SyncSession session) throws Exception {
        return HubPush.caughtUp(session, CURSOR, SEEN);
    }

    /** The hub grants key block tags ({@code POST /v1/keytag}); an older hub grants none and the replica keeps its provisional tag. */
    @Override
    public java.util.OptionalInt claimKeyTag(String site, int wish) throws Exception {
        return hub.claimKeyTag(site, wish);
    }

    private void pushAll(SyncSession session, Changeset cs, String batch) throws Exception {
        HubPush.pushAll(session, hub.base().toString(), cs, batch, caps(), new HubPush.Sender() {
            @Override
            public HubPush.Reply send(Changeset part, String b) throws Exception {
                return HttpTransport.this.send(session, part, b);
            }

            /** The part goes out now; the engine encodes the next ones while the hub stores it. */
            @Override
            public HubPush.InFlight start(Changeset part, String b) throws Exception {
                HubClient.PendingPush pending = hub.startPush(part, b);
                return () -> settle(session, pending);
            }
        });
    }

    /** What one push may hold, by what the hub states (asked once when nothing was heard from it yet). */
    private HubPush.Caps caps() throws IOException, InterruptedException {
        if (hub.limits() == null) hub.fetchLimits();
        return HubPush.Caps.of(hub.limits(), maxPushChanges);
    }

    private HubPush.Reply send(SyncSession session, Changeset part, String batch) throws IOException, InterruptedException, HubPush.Refused, SQLException {
        return settle(session, () -> hub.push(part, batch));
    }

    /** The hub's answer to a part, taken in part order. */
    private HubPush.Reply settle(SyncSession session, HubClient.PendingPush sent) throws IOException, InterruptedException, HubPush.Refused, SQLException {
        try {
            HubClient.PushReply r = sent.reply();
            // recorded with the publication that follows: a hub restored from before this push must be noticed
            HubPush.recordSeen(session, SEEN, new Cursor(r.epoch(), r.seq()));
            if (ownPushes != null) ownPushes.stored(r);
            return new HubPush.Reply(r.duplicate(), r.refused(), limits());
        } catch (HubException e) {
            if (e.rejectsContent()) throw new HubPush.Refused(e.status(), e.getMessage(), limits(), e);
            throw e;
        }
    }

    /** Who refuses in this transport's dead letters: this hub. */
    private String refuser() {
        return HubPush.refuser(hub.base().toString());
    }

    private String limits() {
        return hub.limits() == null ? "unknown" : hub.limits();
    }

    /**
     * Pulls pages until the hub has no more. While one page is applied the next is already being fetched and decoded
     * on another thread, so the hub's work, the network and the local apply overlap.
     */
    private void pull(SyncSession session) throws Exception {
        Optional<Cursor> stored = session.cursor(CURSOR).map(Cursor::parse);
        long since = stored.map(Cursor::seq).orElse(0L);
        Cursor pushed = HubPush.pushedSeen(session, SEEN);
        CompletableFuture<HubClient.PullPage> next = fetch(stored.orElse(null), pushed, since);
        try {
            while (true) {
                HubClient.PullPage page;
                try {
                    page = await(next);
                } catch (HubException e) {
                    // 409: the hub does not hold everything this replica has seen of it (restored, replaced)
                    if (e.status() != 409 || (stored.isEmpty() && pushed == null)) throw e;
                    next = null;
                    session.report(SyncEvent.progress("hub " + hub.base() + " has lost history (" + e.getMessage()
                            + "): pushing every version this replica holds again and re-reading the hub from the start"));
                    HubPush.republishAfterLoss(session, hub.base().toString(), SEEN, caps(), (part, b) -> send(session, part, b));
                    stored = Optional.empty();
                    pushed = null;
                    since = 0;
                    next = fetch(null, null, since);
                    continue;
                }
                next = null;
                if (page.more()) next = fetch(new Cursor(page.epoch(), page.next()), null, page.next());
                if (!page.changes().isEmpty() || page.next() != since || stored.isEmpty() || !stored.get().epoch().equals(page.epoch())) {
                    session.apply(page.changes(), Map.of(CURSOR, new Cursor(page.epoch(), page.next()).toString()));
                    stored = Optional.of(new Cursor(page.epoch(), page.next()));
                }
                since = page.next();
                if (!page.more()) return;
            }
        } finally {
            if (next != null) next.cancel(true);
        }
    }

    /**
     * The page after {@code since}, asked by a replica at {@code cursor} whose latest push is at {@code pushed} (either
     * {@code null}: none); the hub answers 409 when it does not hold them.
     */
    private CompletableFuture<HubClient.PullPage> fetch(Cursor cursor, Cursor pushed, long since) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return hub.pull(cursor == null ? null : cursor.epoch(), since, pushed, pullLimit);
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        }, PREFETCH);
    }

    private static HubClient.PullPage await(CompletableFuture<HubClient.PullPage> page) throws Exception {
        try {
            return page.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) throw cause;
            throw e;
        }
    }

    private void connected(SyncSession session, boolean reachable, Exception cause) {
        if (online != null && online == reachable) return;
        online = reachable;
        session.report(reachable
                ? SyncEvent.progress("connected to hub " + hub.base())
                : SyncEvent.progress("offline: " + cause.getMessage() + "; writes stay local and are pushed when the hub is back"));
    }

    @Override
    public void close() {
    }
}
