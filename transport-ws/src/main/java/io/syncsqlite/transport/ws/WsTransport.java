package io.syncsqlite.transport.ws;

import io.syncsqlite.SyncEvent;
import io.syncsqlite.change.Envelope;
import io.syncsqlite.merge.LocalBatch;
import io.syncsqlite.spi.SyncSession;
import io.syncsqlite.spi.Transport;
import io.syncsqlite.transport.hub.HubPush;
import io.syncsqlite.transport.hub.HubPush.Cursor;
import java.util.Optional;

/**
 * {@code sync.transport=ws}: one WebSocket to the hub. Remote changes arrive as they land and are applied on the
 * socket's thread; each local commit starts a round at once ({@link #pushesOnCommit()}), which pushes the outbox over
 * the same socket and waits for the hub's acknowledgements. A closed socket asks for a round, which reconnects (failed
 * rounds back off with full jitter) and resumes the stream from the stored cursor.
 */
final class WsTransport implements Transport {
    static final String CURSOR = "ws.cursor";
    /** The position the hub gave this replica's latest push (see {@link HubPush#pushedSeen}). */
    static final String SEEN = "ws.seen";

    /** {@code sync.url}'s hubs, the one this replica talks to now first. */
    private WsTransportProvider.Settings settings;
    private final String namespace;
    /** This replica's site id, named in the hello so the hub's status page shows the client by it. */
    private final String site;
    /** Used by the engine thread only (rounds and close). */
    private HubSocket socket;
    private Boolean online;
    /** Bytes a push may take, learned from a hub that states no cap and closed as "message too big" (1009). */
    private long learnedMaxBytes = Long.MAX_VALUE;

    WsTransport(WsTransportProvider.Settings settings, String namespace, String site) {
        this.settings = settings;
        this.namespace = namespace;
        this.site = site;
    }

    @Override
    public boolean pushesOnCommit() {
        return true;
    }

    @Override
    public void sync(SyncSession session) throws Exception {
        try {
            HubSocket s = connected(session);
            for (LocalBatch b = session.nextLocalBatch(); !b.isEmpty(); b = session.nextLocalBatch()) {
                HubPush.pushAll(session, settings.url().toString(), b.changeset(), Long.toString(b.upToSeq()), caps(s), s.pusher());
                // recorded with the publication: a hub restored from before these pushes must be noticed
                if (s.ackedSeq() > 0) HubPush.recordSeen(session, SEEN, new Cursor(s.epoch(), s.ackedSeq()));
                session.published(b);
            }
            online(session, true, null);
        } catch (Exception e) {
            online(session, false, e);
            if (socket != null && socket.refusedAsTooBig() > 0) learnedMaxBytes = Math.min(learnedMaxBytes, Math.max(1024, socket.refusedAsTooBig() / 2));
            if (socket != null && !socket.isOpen()) drop();
            // several hubs over one store: the next round goes to the next one (the cursor is good on all)
            if (socket == null && settings.urls().size() > 1) settings = settings.nextHub();
            throw e;
        }
    }

    /** See {@link HubPush#caughtUp}: once the stream has passed this replica's latest push. */
    @Override
    public boolean seenByAll(SyncSession session) throws Exception {
        return HubPush.caughtUp(session, CURSOR, SEEN);
    }

    /**
     * The hub grants key block tags over the socket of the round just done; empty without an open socket (asked again
     * after the next round) or from a hub whose welcome does not offer tags (older hubs: the replica keeps its
     * provisional tag).
     */
    @Override
    public java.util.OptionalInt claimKeyTag(String site, int wish) throws Exception {
        HubSocket s = socket;
        if (s == null || !s.isOpen()) return java.util.OptionalInt.empty();
        return s.claimKeyTag(site, wish);
    }

    /** The open socket, or a new one that has said hello, republished if the hub's history changed, and caught up. */
    private HubSocket connected(SyncSession session) throws Exception {
        if (socket != null && socket.isOpen()) return socket;
        drop();
        Optional<Cursor> stored = session.cursor(CURSOR).map(Cursor::parse);
        Cursor pushed = HubPush.pushedSeen(session, SEEN);
        HubSocket s = new HubSocket(settings, session, stored, pushed, namespace, site);
        socket = s;
        Envelope welcome = s.open();
        if (welcome.flag("reset") && (stored.isPresent() || pushed != null)) {
            session.report(SyncEvent.progress("hub " + settings.url() + " has lost history (epoch " + welcome.text("epoch").orElse("?") + " does not hold "
                    + stored.map(Cursor::toString).orElse("-") + " or " + pushed + "): pushing every version this replica holds again and re-reading"
                    + " the hub from the start"));
            HubPush.republishAfterLoss(session, settings.url().toString(), SEEN, caps(s), s.pusher());
        }
        s.awaitCaughtUp();
        return s;
    }

    /** What one push may hold: what the hub's welcome states, and less after it refused a part as too big. */
    private HubPush.Caps caps(HubSocket s) {
        HubPush.Caps stated = HubPush.Caps.of(s.limits(), settings.pushChanges());
        return new HubPush.Caps(stated.maxChanges(), Math.min(stated.maxBytes(), learnedMaxBytes), stated.limits());
    }

    private void drop() {
        if (socket != null) socket.shutdown();
        socket = null;
    }

    private void online(SyncSession session, boolean reachable, Exception cause) {
        if (online != null && online == reachable) return;
        online = reachable;
        session.report(reachable
                ? SyncEvent.progress("connected to hub " + settings.url() + " (live)")
                : SyncEvent.progress("offline: " + cause.getMessage() + "; writes stay local and are pushed when the hub is back"));
    }

    @Override
    public void close() {
        drop();
    }
}
