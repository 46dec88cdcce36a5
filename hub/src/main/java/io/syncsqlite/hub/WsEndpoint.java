package io.syncsqlite.hub;

import io.syncsqlite.change.Envelope;
import io.syncsqlite.change.InvalidChangesetException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.java_websocket.WebSocket;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.DefaultSSLWebSocketServerFactory;
import org.java_websocket.server.DefaultWebSocketServerFactory;
import org.java_websocket.server.WebSocketServer;

/**
 * The hub's WebSocket endpoint (live sync). A connection's first message is {@code hello} (token, cursor, epoch);
 * then the hub streams every accepted change of the namespace after the cursor — stored pages first, then each push
 * as it lands — and admits {@code push} messages through {@link Hub#push}, exactly as HTTP does. The protocol:
 * <ul>
 * <li>client → hub {@code {"type":"hello","token":…,"since":n,"epoch":…,"seen":n,"seenEpoch":…,"namespace":…}}:
 *     {@code since} and {@code epoch} the client's cursor, {@code seen} and {@code seenEpoch} the position the hub
 *     gave its latest push; namespace optional: the client's expectation, refused with 403 when the token grants
 *     another</li>
 * <li>hub → client {@code {"type":"welcome","epoch":…,"namespace":…,"since":n,"reset":bool,"limits":…,"keyTags":true}}
 *     ({@code limits} as {@link Hub#limits()}, push caps included; {@code keyTags}: the hub grants key tags): {@code reset} when this
 *     store does not hold everything the client has seen ({@link Hub#knows}: restored from a backup, or replaced): the
 *     stream then starts at 0 and the client pushes every version it holds again</li>
 * <li>client → hub {@code {"type":"push","batch":…}\n<changeset>} → {@code {"type":"ack","batch":…,"status":…,
 *     "received":n,"stored":n,"seq":n,"limits":…}\n{"refused":[{"change":i,"reason":…}]}} or {@code {"type":"error","batch":…,"status":4xx/5xx,"error":…}}</li>
 * <li>hub → client {@code {"type":"changes","from":a,"to":b}\n<changeset>}: the namespace's changes in
 *     {@code (a, b]}, contiguous from the cursor; a client's own pushes arrive with no changes (no echo)</li>
 * <li>hub → client {@code {"type":"live","seq":n}} once the catch-up from the cursor is done</li>
 * <li>client → hub {@code {"type":"keytag","site":…,"wish":n}} → {@code {"type":"keytag","site":…,"tag":n}} (through
 *     {@link Hub#keyTag}) or {@code {"type":"error","keytag":…,"status":4xx/5xx,"error":…}}</li>
 * </ul>
 * Messages before {@code hello}, unknown types, malformed or oversized messages close the connection with a policy
 * or size status and a reason; the hub stays up. Until its hello is accepted a connection may send at most
 * {@link PreAuthChannel#MAX_BYTES}, announce frames of at most {@link HubDraft#PRE_AUTH_MESSAGE_BYTES}, and live at
 * most {@code authSeconds} from its TCP connect ({@link PreAuthConnections}, which also caps how many authenticate at
 * once, in total and per address). Heartbeat pings every {@code pingSeconds}.
 */
final class WsEndpoint extends WebSocketServer implements Hub.PushListener, HubStore.Watcher {
    private static final System.Logger LOG = System.getLogger(WsEndpoint.class.getName());
    /** Close codes in the private range: 4000 + the HTTP status the hub would have answered. */
    static final int CLOSE_UNAUTHORIZED = 4401;
    static final int CLOSE_FORBIDDEN = 4403;
    static final int CLOSE_TOO_SLOW = 4008;
    static final int CLOSE_UNAVAILABLE = 4503;

    private final Hub hub;
    private final HubConfig config;
    private final ExecutorService executor;
    private final Semaphore inFlight;
    private final ClientLimits perClient;
    private final PreAuthConnections preAuth;
    private final BiConsumer<WsEndpoint, Throwable> died;
    private final ScheduledExecutorService ticker;
    private final CountDownLatch started = new CountDownLatch(1);
    private final Map<String, Set<WsSubscriber>> subscribers = new ConcurrentHashMap<>();
    /** Per namespace with subscribers: what brings other hubs' pushes to them. */
    private final Map<String, StoreRelay> relays = new ConcurrentHashMap<>();
    private final Set<WsSubscriber> connections = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean dead = new AtomicBoolean();

    /**
     * A subscribed connection as the status page shows it: named as HTTP clients are (by the site id it sent, else its
     * address); {@code cursor} is what it was sent.
     */
    record Subscriber(String namespace, String id, String address, long cursor) {
    }

    /** The connections subscribed to a namespace now. */
    List<Subscriber> subscribers() {
        List<Subscriber> out = new java.util.ArrayList<>();
        for (WsSubscriber s : connections) {
            String ns = s.namespace();
            java.net.InetSocketAddress remote = s.connection().getRemoteSocketAddress();
            String address = remote == null ? "?" : remote.getAddress().getHostAddress() + ":" + remote.getPort();
            if (ns != null) out.add(new Subscriber(ns, HubActivity.clientId(s.site(), address), address, s.sentUpTo()));
        }
        return out;
    }
    private volatile Exception startFailure;
    private volatile boolean stopping;
    private volatile Thread selectorThread;
    private volatile int boundPort = -1;

    /**
     * @param port the port to listen on (0: any free one)
     * @param died told once when the endpoint stops serving without {@link #shutdown()} (a fatal error in one of the
     *             library's threads, such as an {@link OutOfMemoryError}), so the hub can start another or exit
     */
    WsEndpoint(Hub hub, HubConfig config, int port, ExecutorService executor, Semaphore inFlight, ClientLimits perClient, SSLContext tls,
               BiConsumer<WsEndpoint, Throwable> died) {
        super(new InetSocketAddress(config.bind(), port), 2, List.of(new HubDraft(config.maxBodyBytes() + Envelope.MAX_HEADER_BYTES, hub.receiveBudget())));
        this.hub = hub;
        this.config = config;
        this.executor = executor;
        this.inFlight = inFlight;
        this.perClient = perClient;
        this.died = died;
        this.preAuth = new PreAuthConnections(tls != null ? new DefaultSSLWebSocketServerFactory(tls) : new DefaultWebSocketServerFactory(),
                config.ws().maxUnauthenticated(), config.ws().maxUnauthenticatedPerAddress(), config.ws().authSeconds(), hub.metrics());
        setWebSocketFactory(preAuth);
        setReuseAddr(true);
        setTcpNoDelay(true);
        setConnectionLostTimeout(config.ws().pingSeconds());
        setDaemon(true);
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "syncsqlite-hub-ws-ticker");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts listening; returns once the port is bound. */
    void open() throws InterruptedException {
        start();
        if (!started.await(30, TimeUnit.SECONDS)) throw new IllegalStateException("the WebSocket endpoint did not start within 30 s");
        if (startFailure != null) throw new IllegalStateException("the WebSocket endpoint could not start: " + startFailure.getMessage(), startFailure);
        boundPort = getPort();
        hub.addListener(this);
        hub.addWatcher(this);
        // a subscriber blocked on a full socket is resumed when the socket drains; unauthenticated ones time out
        ticker.scheduleWithFixedDelay(this::tick, 10, 10, TimeUnit.MILLISECONDS);
    }

    /** The port this endpoint was bound to once it started ({@code -1} before). */
    int boundPort() {
        return boundPort;
    }

    /** Connections open now: authenticated ones and those still authenticating. */
    int connectionCount() {
        return connections.size() + preAuth.size();
    }

    /** Connections that have not authenticated yet. */
    int unauthenticatedCount() {
        return preAuth.size();
    }

    /** Subscribers (authenticated connections) now. */
    int subscriberCount() {
        int n = 0;
        for (Set<WsSubscriber> ns : subscribers.values()) n += ns.size();
        return n;
    }

    /** The largest number of sequences any subscriber is behind its namespace's last push (0 when all are live). */
    long maxLag() {
        long max = 0;
        for (WsSubscriber s : connections) max = Math.max(max, s.lag());
        return max;
    }

    /**
     * Runs the library's selector loop; when it ends without {@link #shutdown()} (the library stops itself after a
     * fatal error in one of its threads) the hub is told, so the endpoint is never silently dead.
     */
    @Override
    public void run() {
        selectorThread = Thread.currentThread();
        Throwable cause = null;
        try {
            super.run();
        } catch (RuntimeException | Error e) {
            cause = e;
            throw e;
        } finally {
            if (!stopping && started.getCount() == 0 && startFailure == null) die(cause != null ? cause : new IllegalStateException("the WebSocket server stopped"));
        }
    }

    private void die(Throwable cause) {
        if (dead.compareAndSet(false, true)) died.accept(this, cause);
    }

    /**
     * Stops what is left of an endpoint that died: no more fan-out to it, its threads and port released (waits up to
     * {@code waitMillis} for the library's selector thread to end).
     */
    void halt(long waitMillis) throws InterruptedException {
        shutdown();
        Thread t = selectorThread;
        if (t != null && t != Thread.currentThread()) {
            t.interrupt();
            t.join(waitMillis);
        }
    }

    /** The most bytes any current subscriber has waiting (queued and unsent in its socket). */
    long maxWaitingBytes() {
        long max = 0;
        for (WsSubscriber s : connections) max = Math.max(max, s.waitingBytes());
        return max;
    }

    @Override
    public void onStart() {
        started.countDown();
    }

    @Override
    public void onOpen(WebSocket conn, ClientHandshake handshake) {
        WsSubscriber s = new WsSubscriber(this, conn, config.ws().queueBytes(), pageLimit());
        conn.setAttachment(s);
        connections.add(s);
    }

    @Override
    public void onClose(WebSocket conn, int code, String reason, boolean remote) {
        if (conn.getDraft() instanceof HubDraft d) d.closed();
        WsSubscriber s = conn.getAttachment();
        if (s == null) return;
        connections.remove(s);
        s.closed();
        if (s.namespace() != null) {
            Set<WsSubscriber> ns = subscribers.get(s.namespace());
            if (ns != null) ns.remove(s);
        }
        AccessLog.connection(conn.getRemoteSocketAddress(), s.namespace(), s.openedNanos(), s.receivedBytes(), s.sentBytes(), code, reason, remote);
    }

    /**
     * Counts the library's own refusals (a frame too big, no budget for it, a protocol error) when it starts the close,
     * not in {@link #onClose}: a client that drops the connection once it has read the close frame would make that
     * close abnormal and the refusal uncounted. The hub's own refusals are counted in {@code refuse}.
     */
    @Override
    public void onCloseInitiated(WebSocket conn, int code, String reason) {
        if (code == CloseFrame.TOOBIG || code == CloseFrame.TRY_AGAIN_LATER || code == CloseFrame.PROTOCOL_ERROR || code == CloseFrame.NO_UTF8) {
            hub.metrics().refused("ws_close_" + code);
        }
    }

    @Override
    public void onMessage(WebSocket conn, String message) {
        onMessage(conn, ByteBuffer.wrap(message.getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public void onMessage(WebSocket conn, ByteBuffer message) {
        HubDraft draft = (HubDraft) conn.getDraft();
        long taken = draft.delivered();
        WsSubscriber s = conn.getAttachment();
        s.received(message.remaining());
        Envelope e;
        try {
            e = Envelope.decode(message);
        } catch (InvalidChangesetException ex) {
            draft.handled(taken);
            refuse(conn, CloseFrame.POLICY_VALIDATION, "malformed message: " + ex.getMessage());
            return;
        }
        if (e.type().equals("push") && s.helloReceived()) {
            // the pushed bytes stay the hub's to hold until the push is handled
            s.serially(() -> {
                try {
                    push(s, e);
                } finally {
                    draft.handled(taken);
                }
            });
            return;
        }
        draft.handled(taken);
        if (s.namespace() == null && !s.helloReceived()) {
            if (!e.type().equals("hello")) {
                refuse(conn, CloseFrame.POLICY_VALIDATION, "the first message must be hello (token, since, epoch), got '" + printable(e.type()) + "'");
                return;
            }
            s.helloReceived(true);
            s.serially(() -> hello(s, e));
            return;
        }
        if (e.type().equals("keytag")) {
            s.serially(() -> keyTag(s, e));
            return;
        }
        refuse(conn, CloseFrame.POLICY_VALIDATION, "unexpected message type '" + printable(e.type()) + "'");
    }

    private void hello(WsSubscriber s, Envelope e) {
        String ns;
        try {
            ns = hub.namespace(e.text("token").orElse(null), e.text("namespace").orElse(null));
        } catch (HttpError err) {
            refuse(s.connection(), err.status() == 403 ? CLOSE_FORBIDDEN : CLOSE_UNAUTHORIZED, err.getMessage());
            return;
        }
        // authenticated: the connection may now send pushes up to the hub's cap, and is no longer timed out
        if (s.connection().getDraft() instanceof HubDraft d) d.authenticated();
        preAuth.authenticated(s.connection());
        long since = e.number("since").orElse(0L);
        long seen = e.number("seen").orElse(0L);
        String seenEpoch = e.text("seenEpoch").orElse(null);
        String epoch = e.text("epoch").orElse(null);
        long head;
        boolean known;
        try {
            head = hub.head(ns);
            known = hub.knows(epoch, since, seenEpoch, seen);
        } catch (Exception ex) {
            if (StoreOutage.is(ex)) {
                LOG.log(System.Logger.Level.WARNING, "ws hello failed, store unreachable: {0}", ex.getMessage());
                refuse(s.connection(), CLOSE_UNAVAILABLE, StoreOutage.message(hub.store(), ex));
                return;
            }
            LOG.log(System.Logger.Level.ERROR, "ws hello failed", ex);
            refuse(s.connection(), CLOSE_UNAVAILABLE, "internal hub error: " + ex.getMessage());
            return;
        }
        // another history, or a cursor past what this store holds (restored from a backup): start over from 0
        boolean reset = since < 0 || !known || since > head;
        if (reset) since = 0;
        s.send(Envelope.of("welcome", "epoch", hub.epoch(), "namespace", ns, "since", since, "reset", reset, "limits", hub.limits(),
                "keyTags", true).encode());
        subscribers.computeIfAbsent(ns, k -> ConcurrentHashMap.newKeySet()).add(s);
        s.subscribed(ns, e.text("site").orElse(null), since, head);
        LOG.log(System.Logger.Level.DEBUG, "ws subscribed ns={0} since={1} reset={2} remote={3}", ns, since, reset, s.connection().getRemoteSocketAddress());
    }

    /** {@code {"type":"keytag","site":…,"wish":n}} → {@code {"type":"keytag","site":…,"tag":n}} (0: every tag taken), or an error. */
    private void keyTag(WsSubscriber s, Envelope e) {
        String site = e.text("site").orElse(null);
        try {
            int tag = hub.keyTag(s.namespace(), site, e.number("wish").orElse(0L));
            s.send(Envelope.of("keytag", "site", site, "tag", tag).encode());
        } catch (HttpError err) {
            hub.metrics().refused("ws_" + err.status());
            s.send(Envelope.of("error", "keytag", site, "status", err.status(), "error", err.getMessage()).encode());
        } catch (Exception ex) {
            hub.metrics().refused("ws_500");
            LOG.log(System.Logger.Level.ERROR, "ws key tag failed ns=" + s.namespace(), ex);
            s.send(Envelope.of("error", "keytag", site, "status", 500, "error", "internal hub error: " + ex.getMessage()).encode());
        }
    }

    private void push(WsSubscriber s, Envelope e) {
        String batch = e.text("batch").orElse(null);
        String client = s.connection().getRemoteSocketAddress().getAddress().getHostAddress();
        if (!perClient.enter(client)) {
            hub.metrics().refused("ws_429");
            s.send(Envelope.of("error", "batch", batch, "status", 429, "error", "client " + client + " already has " + config.maxPerClient()
                    + " requests in flight at this hub; retry shortly").encode());
            return;
        }
        if (!inFlight.tryAcquire()) {
            perClient.leave(client);
            hub.metrics().refused("ws_503");
            s.send(Envelope.of("error", "batch", batch, "status", 503, "error", "the hub is busy; retry shortly").encode());
            return;
        }
        try {
            HubStore.PushOutcome out = hub.push(s.namespace(), batch, e.body(), s);
            // changes refused one by one travel in the body, as in the HTTP answer; the rest of the batch was stored
            s.send(Envelope.withBody(Exchanges.json(g -> {
                g.writeFieldName("refused");
                ChangeValidator.writeRefusals(g, out.refused());
            }), "ack", "batch", batch, "status", out.duplicate() ? "already-applied" : "applied", "received", out.received(),
                    "stored", out.stored(), "seq", out.seq(), "limits", hub.limits()).encode());
        } catch (HttpError err) {
            hub.metrics().refused("ws_" + err.status());
            LOG.log(System.Logger.Level.INFO, "ws push refused ns={0} status={1} reason=\"{2}\" remote={3}", s.namespace(), String.valueOf(err.status()), err.getMessage(),
                    s.connection().getRemoteSocketAddress());
            s.send(Envelope.of("error", "batch", batch, "status", err.status(), "error", err.getMessage()).encode());
        } catch (Exception ex) {
            if (StoreOutage.is(ex)) {
                // the database is down or restarting: the client's round fails and the engine retries it with backoff
                hub.metrics().refused("ws_503_store");
                LOG.log(System.Logger.Level.WARNING, "ws push failed, store unreachable ns={0}: {1}", s.namespace(), ex.getMessage());
                s.send(Envelope.of("error", "batch", batch, "status", 503, "error", StoreOutage.message(hub.store(), ex)).encode());
                return;
            }
            hub.metrics().refused("ws_500");
            LOG.log(System.Logger.Level.ERROR, "ws push failed ns=" + s.namespace(), ex);
            s.send(Envelope.of("error", "batch", batch, "status", 500, "error", "internal hub error: " + ex.getMessage()).encode());
        } finally {
            inFlight.release();
            perClient.leave(client);
        }
    }

    /** Fans an accepted push out to the namespace's subscribers: one encoding shared by all, no echo to the pusher. */
    @Override
    public void accepted(String ns, Object source, HubStore.PushOutcome out, Supplier<byte[]> changeset) {
        Set<WsSubscriber> subs = subscribers.get(ns);
        if (subs == null || subs.isEmpty()) return;
        byte[] changes = Envelope.withBody(changeset.get(), "changes", "from", out.previous(),
                "to", out.seq()).encode();
        byte[] skip = Envelope.of("changes", "from", out.previous(), "to", out.seq()).encode();
        for (WsSubscriber s : subs) s.offer(new WsSubscriber.Frame(out.previous(), out.seq(), s == source ? skip : changes));
        relay(ns).fannedOut(out.seq());
    }

    /**
     * A push through another hub: read from the store once and offered to the namespace's subscribers ({@link StoreRelay});
     * for {@code ns} null (any namespace may have moved unseen) every subscriber reads the store itself.
     */
    @Override
    public void storedElsewhere(String ns, long head) {
        if (ns == null) {
            for (WsSubscriber s : connections) s.storedElsewhere(head);
            return;
        }
        if (subscribers.getOrDefault(ns, Set.of()).isEmpty()) return;
        relay(ns).storedElsewhere(head);
    }

    private StoreRelay relay(String ns) {
        return relays.computeIfAbsent(ns, n -> new StoreRelay(hub, n, pageLimit(), executor, () -> subscribers.getOrDefault(n, Set.of())));
    }

    /** Changes per page a subscriber is sent from the store. */
    private int pageLimit() {
        return Math.min(config.maxPullLimit(), 10_000);
    }

    void slow(WsSubscriber s) {
        hub.metrics().slowDisconnect();
        LOG.log(System.Logger.Level.INFO, "ws subscriber too slow, disconnected ns={0} remote={1} cap={2}", s.namespace(),
                s.connection().getRemoteSocketAddress(), String.valueOf(config.ws().queueBytes()));
        s.connection().closeConnection(CLOSE_TOO_SLOW, "too slow: more than " + config.ws().queueBytes() + " bytes waiting; reconnect and catch up from your cursor");
    }

    Hub hub() {
        return hub;
    }

    ExecutorService executor() {
        return executor;
    }

    private void tick() {
        preAuth.tick(config.ws().authSeconds());
        for (WsSubscriber s : connections) s.resumeIfDrained();
    }

    private void refuse(WebSocket conn, int code, String reason) {
        hub.metrics().refused("ws_close_" + code);
        LOG.log(System.Logger.Level.INFO, "ws refused code={0} reason=\"{1}\" remote={2}", String.valueOf(code), reason, conn.getRemoteSocketAddress());
        // a close reason is at most 123 bytes
        conn.close(code, reason.length() > 120 ? reason.substring(0, 120) : reason);
    }

    @Override
    public void onError(WebSocket conn, Exception ex) {
        if (ex.getCause() instanceof VirtualMachineError fatal) {
            // the library stops the whole server after this; the hub is told now rather than when its selector ends
            LOG.log(System.Logger.Level.ERROR, "ws endpoint hit a fatal error in one of its threads; it stops serving", fatal);
            die(fatal);
        } else if (conn == null && started.getCount() > 0) {
            startFailure = ex;
            started.countDown();
            LOG.log(System.Logger.Level.ERROR, "ws endpoint failed", ex);
        } else if (conn == null) {
            LOG.log(System.Logger.Level.ERROR, "ws endpoint error", ex);
        } else {
            LOG.log(System.Logger.Level.DEBUG, "ws connection error remote=" + conn.getRemoteSocketAddress(), ex);
        }
    }

    /** Stops listening and closes every connection (clients reconnect and catch up from their cursors). */
    void shutdown() {
        stopping = true;
        hub.removeListener(this);
        hub.removeWatcher(this);
        ticker.shutdownNow();
        try {
            stop(1000, "hub shutting down");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String printable(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
