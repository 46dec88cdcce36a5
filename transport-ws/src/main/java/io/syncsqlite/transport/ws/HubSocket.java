package io.syncsqlite.transport.ws;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.syncsqlite.SyncEvent;
import io.syncsqlite.change.Changeset;
import io.syncsqlite.change.ChangesetCodec;
import io.syncsqlite.change.Envelope;
import io.syncsqlite.change.InvalidChangesetException;
import io.syncsqlite.config.HubToken;
import io.syncsqlite.spi.SyncSession;
import io.syncsqlite.transport.hub.HubPush;
import io.syncsqlite.transport.hub.HubPush.Cursor;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.framing.CloseFrame;

/**
 * One WebSocket connection to the hub: says hello with the stored cursor, applies the stream of changes the hub sends
 * (each with its cursor, in one transaction), and carries pushes with their acknowledgements. Anything unexpected —
 * a gap in the stream, an undecodable message, a failed apply — closes it; the transport reconnects and the hub
 * resumes from the stored cursor, so nothing is skipped and nothing applied twice matters (merging is idempotent).
 */
final class HubSocket extends WebSocketClient {
    private static final JsonFactory JSON = new JsonFactory();
    private static final System.Logger LOG = System.getLogger(HubSocket.class.getName());
    /** Largest message accepted from the hub: a page of changes, far below this. */
    private static final int MAX_MESSAGE_BYTES = 256 << 20;

    private final SyncSession session;
    private final Duration timeout;
    private final Optional<Cursor> stored;
    /** The position the hub gave this replica's latest push, presented in the hello so a restored hub is noticed. */
    private final Cursor pushed;
    /** The highest sequence the hub acknowledged for a push over this connection. */
    private volatile long ackedSeq;
    private final String namespace;
    private final String site;
    private final String token;
    private final CompletableFuture<Envelope> welcome = new CompletableFuture<>();
    private final CompletableFuture<Long> live = new CompletableFuture<>();
    /** The answer to the key tag claim in flight (one at a time: the engine thread asks). */
    private volatile CompletableFuture<Envelope> keyTag = new CompletableFuture<>();
    private final Map<String, CompletableFuture<Envelope>> pending = new ConcurrentHashMap<>();
    /** Encoded bytes of each pushed part awaiting its answer. */
    private final Map<String, Integer> pendingBytes = new ConcurrentHashMap<>();
    /** The hub's limits as its welcome stated them. */
    private volatile String limits;
    /** The largest part awaiting an answer when the hub closed the connection as "message too big" (1009), or 0. */
    private volatile long refusedAsTooBig;
    /**
     * Applies what the socket thread decoded, in arrival order, so decoding the next message overlaps applying this
     * one; at most {@link #IN_FLIGHT} decoded messages wait, after which the socket thread (and TCP) waits too.
     */
    private final ExecutorService applier = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "syncsqlite-ws-apply " + uri);
        t.setDaemon(true);
        return t;
    });
    private static final int IN_FLIGHT = 2;
    private final Semaphore inFlight = new Semaphore(IN_FLIGHT);
    private volatile String epoch;
    /** The cursor of the last message applied; touched by the applier thread only once the stream began. */
    private volatile long at;
    private volatile boolean closing;
    private volatile IOException failure;

    HubSocket(WsTransportProvider.Settings settings, SyncSession session, Optional<Cursor> stored, Cursor pushed, String namespace, String site) {
        super(settings.url(), new ClientDraft(MAX_MESSAGE_BYTES, session::countBytes), Map.of(), (int) Math.min(Integer.MAX_VALUE, settings.timeout().toMillis()));
        this.session = session;
        this.timeout = settings.timeout();
        this.stored = stored;
        this.pushed = pushed;
        this.namespace = namespace;
        this.site = site;
        this.token = settings.token();
        setTcpNoDelay(true);
        setDaemon(true);
        setConnectionLostTimeout((int) Math.max(1, settings.ping().toSeconds()));
        if ("wss".equals(settings.url().getScheme())) {
            try {
                setSocketFactory(SSLContext.getDefault().getSocketFactory());
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException("the JVM has no default TLS context", e);
            }
        }
    }

    /** Connects and says hello; returns the hub's welcome (epoch, where the stream starts, whether it was reset). */
    Envelope open() throws IOException, InterruptedException {
        if (!connectBlocking(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw failure != null ? failure : new IOException("hub " + uri + " is unreachable (no WebSocket connection within " + timeout.toMillis() + " ms)");
        }
        send(Envelope.of("hello", "token", token, "since", stored.map(Cursor::seq).orElse(0L), "epoch", stored.map(Cursor::epoch).orElse(null),
                "seenEpoch", pushed == null ? null : pushed.epoch(), "seen", pushed == null ? null : pushed.seq(),
                "namespace", namespace, "site", site).encode());
        return await(welcome, "the hub's welcome");
    }

    /** Waits until the hub has sent everything after the cursor, as long as the stream keeps moving. */
    void awaitCaughtUp() throws IOException, InterruptedException {
        long seen = at;
        while (true) {
            try {
                live.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                return;
            } catch (TimeoutException e) {
                if (at == seen) throw new IOException("hub " + uri + " sent nothing for " + timeout.toMillis() + " ms while catching up");
                seen = at;
            } catch (ExecutionException e) {
                throw failure();
            }
        }
    }

    /** Pushes parts over this socket, several in flight: each is sent at once and its acknowledgement awaited later. */
    HubPush.Sender pusher() {
        return new HubPush.Sender() {
            @Override
            public HubPush.Reply send(Changeset part, String batch) throws Exception {
                return start(part, batch).reply();
            }

            @Override
            public HubPush.InFlight start(Changeset part, String batch) throws IOException {
                byte[] body = ChangesetCodec.encode(part);
                long cap = HubPush.Caps.of(limits, Integer.MAX_VALUE).maxBytes();
                if (body.length > cap) {
                    // not sent: the hub would close the connection as "message too big" (1009)
                    String why = "not sent to hub " + uri + ": a push of " + body.length + " bytes exceeds the " + cap + " bytes it accepts";
                    return () -> {
                        throw new HubPush.Refused(413, why, limits, null);
                    };
                }
                CompletableFuture<Envelope> reply = new CompletableFuture<>();
                pending.put(batch, reply);
                pendingBytes.put(batch, body.length);
                try {
                    if (!isOpen()) throw failure();
                    HubSocket.this.send(Envelope.withBody(body, "push", "batch", batch).encode());
                } catch (IOException | RuntimeException e) {
                    pending.remove(batch);
                    pendingBytes.remove(batch);
                    throw e;
                }
                return () -> answer(part, batch, reply);
            }
        };
    }

    /** The hub's answer to a pushed part, once its acknowledgement (or error) arrives. */
    private HubPush.Reply answer(Changeset part, String batch, CompletableFuture<Envelope> reply) throws IOException, InterruptedException, HubPush.Refused {
        try {
            Envelope r = await(reply, "the acknowledgement of batch " + batch);
            String limits = r.text("limits").orElse("unknown");
            if (r.type().equals("ack")) ackedSeq = Math.max(ackedSeq, r.number("seq").orElse(0L));
            if (r.type().equals("ack")) return new HubPush.Reply("already-applied".equals(r.text("status").orElse("")), refusals(r, part.size()), limits);
            int status = r.number("status").orElse(500L).intValue();
            String message = "hub " + uri + " refused batch " + batch + " (" + status + "): " + r.text("error").orElse("");
            if (HubPush.Refused.isContentStatus(status)) throw new HubPush.Refused(status, message, limits, null);
            throw new IOException(message);
        } finally {
            pending.remove(batch);
            pendingBytes.remove(batch);
        }
    }

    /**
     * The key block tag the hub grants {@code site}, {@code wish} first; empty when every tag is taken or the hub's
     * welcome did not offer tags (an older hub, which would close the connection on a message type it does not know).
     */
    java.util.OptionalInt claimKeyTag(String site, int wish) throws IOException, InterruptedException {
        if (!await(welcome, "the hub's welcome").flag("keyTags")) return java.util.OptionalInt.empty();
        CompletableFuture<Envelope> reply = new CompletableFuture<>();
        keyTag = reply;
        if (!isOpen()) throw failure();
        send(Envelope.of("keytag", "site", site, "wish", wish).encode());
        Envelope r = await(reply, "the key tag for site " + site);
        if (r.type().equals("error")) throw new IOException("hub " + uri + " refused a key tag (" + r.number("status").orElse(500L) + "): " + r.text("error").orElse(""));
        long tag = r.number("tag").orElse(0L);
        return tag > 0 ? java.util.OptionalInt.of((int) tag) : java.util.OptionalInt.empty();
    }

    /** The hub's epoch as its welcome stated it ({@code null} before the welcome). */
    String epoch() {
        return epoch;
    }

    /** The highest sequence the hub gave a push acknowledged on this connection, 0 for none. */
    long ackedSeq() {
        return ackedSeq;
    }

    /** The hub's limits as its welcome stated them ({@code null} before the welcome, or from a hub that states none). */
    String limits() {
        return limits;
    }

    /**
     * The size of the largest part awaiting an answer when the hub closed the connection as "message too big" (1009):
     * a hub that states no byte cap refused a part that large; 0 when it did not happen.
     */
    long refusedAsTooBig() {
        return refusedAsTooBig;
    }

    /** The changes an ack says the hub refused one by one (in its body), by position in the pushed part. */
    private Map<Integer, String> refusals(Envelope ack, int pushed) throws IOException {
        if (ack.body().length == 0) return Map.of();
        try (JsonParser p = JSON.createParser(ack.body())) {
            if (p.nextToken() != JsonToken.START_OBJECT) throw new IOException("hub " + uri + " sent an ack body that is not a JSON object");
            Map<Integer, String> out = Map.of();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                if (field.equals("refused")) out = HubPush.readRefusals(p, pushed, uri.toString());
                else p.skipChildren();
            }
            return out;
        }
    }

    private <T> T await(CompletableFuture<T> f, String what) throws IOException, InterruptedException {
        try {
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IOException("hub " + uri + ": no answer within " + timeout.toMillis() + " ms waiting for " + what);
        } catch (ExecutionException e) {
            throw failure();
        }
    }

    private IOException failure() {
        return failure != null ? failure : new IOException("the WebSocket connection to hub " + uri + " is closed");
    }

    @Override
    public void onOpen(org.java_websocket.handshake.ServerHandshake handshake) {
        LOG.log(System.Logger.Level.DEBUG, "ws connected to {0}", uri);
    }

    @Override
    public void onMessage(String message) {
        onMessage(ByteBuffer.wrap(message.getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public void onMessage(ByteBuffer message) {
        try {
            Envelope e = Envelope.decode(message);
            switch (e.type()) {
                case "welcome" -> {
                    epoch = e.text("epoch").orElseThrow(() -> new InvalidChangesetException("welcome without epoch"));
                    limits = e.text("limits").orElse(null);
                    at = e.number("since").orElse(0L);
                    welcome.complete(e);
                }
                case "changes" -> {
                    Step step = decoded(e);
                    // a range of this replica's own push (no body) only moves the cursor: done here when nothing waits
                    // to be applied before it, so the round that published the push writes it with the publication
                    if (e.body().length == 0 && inFlight.availablePermits() == IN_FLIGHT) run(step);
                    else inOrder(step);
                }
                case "live" -> inOrder(() -> live.complete(at)); // caught up once what came before is applied
                case "keytag" -> keyTag.complete(e);
                case "ack", "error" -> {
                    if (e.text("keytag").isPresent()) keyTag.complete(e);
                    CompletableFuture<Envelope> f = pending.remove(e.text("batch").orElse(""));
                    if (f != null) f.complete(e);
                }
                default -> LOG.log(System.Logger.Level.DEBUG, "ignoring hub message of type {0}", e.type());
            }
        } catch (InvalidChangesetException | RuntimeException ex) {
            unusable(ex);
        }
    }

    /** Work for the applier thread that may fail like an apply. */
    private interface Step {
        void run() throws SQLException;
    }

    /** Decodes a {@code changes} message here; the returned step applies it. */
    private Step decoded(Envelope e) throws InvalidChangesetException {
        long from = e.number("from").orElseThrow(() -> new InvalidChangesetException("changes without 'from'"));
        long to = e.number("to").orElseThrow(() -> new InvalidChangesetException("changes without 'to'"));
        String streamEpoch = epoch;
        if (streamEpoch == null) throw new InvalidChangesetException("changes before the hub's welcome");
        // no body: the range held only this replica's own push, which needs no write of its own (nor its write lock)
        Changeset cs = e.body().length == 0 ? null : ChangesetCodec.decode(e.body());
        return () -> apply(cs, from, to, streamEpoch);
    }

    /** Applies {@code (from, to]} with the cursor {@code to} in one transaction; a gap means a reconnect from the cursor. */
    private void apply(Changeset cs, long from, long to, String streamEpoch) throws SQLException {
        if (from != at) throw new InvalidChangesetException("stream gap: at " + at + ", hub sent (" + from + ", " + to + "]");
        String cursor = new Cursor(streamEpoch, to).toString();
        if (cs == null) session.advanceCursor(WsTransport.CURSOR, cursor);
        else session.apply(cs, Map.of(WsTransport.CURSOR, cursor));
        at = to;
    }

    /**
     * Runs {@code step} on the applier thread after everything handed over before it. Once the socket closed nothing
     * more is applied: the cursor stays at the last message applied, where the next connection resumes.
     */
    private void inOrder(Step step) {
        try {
            inFlight.acquire();
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            close(1001, "client is shutting down");
            return;
        }
        try {
            applier.execute(() -> {
                try {
                    if (!closing && isOpen()) run(step);
                } finally {
                    inFlight.release();
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException ex) {
            inFlight.release(); // closed meanwhile: nothing more is applied
        }
    }

    private void run(Step step) {
        try {
            step.run();
        } catch (SQLException | RuntimeException ex) {
            unusable(ex);
        }
    }

    private void unusable(Exception ex) {
        session.report(SyncEvent.error("live sync from hub " + uri + " interrupted, reconnecting to resume from the stored cursor: " + ex.getMessage(), ex));
        close(1002, "client could not use a message: " + ex.getMessage());
    }

    @Override
    public void onClose(int code, String reason, boolean remote) {
        boolean wasLive = welcome.isDone() && !welcome.isCompletedExceptionally();
        if (failure == null) {
            failure = new IOException("hub " + uri + " closed the connection (" + code + (reason == null || reason.isEmpty() ? "" : ": " + reason) + ")"
                    + HubToken.advice(code - 4000, namespace) // the hub closes with 4000 + the HTTP status it would have answered
                    + (reason != null && reason.contains("Invalid status code") // an HTTP answer to the upgrade request
                    ? "; sync.url must name the hub's WebSocket port (its --ws-port), not its HTTP port" : ""));
        }
        IOException f = failure;
        welcome.completeExceptionally(f);
        live.completeExceptionally(f);
        keyTag.completeExceptionally(f);
        if (code == CloseFrame.TOOBIG && !pending.isEmpty()) {
            // a part was too big for the hub: answered like its 413, so the parts are halved and the round cut smaller
            refusedAsTooBig = pendingBytes.values().stream().mapToLong(Integer::longValue).max().orElse(0);
            pending.forEach((batch, p) -> p.complete(Envelope.of("error", "batch", batch, "status", 413, "error",
                    "the hub closed the connection as message too big (1009): " + (reason == null ? "" : reason))));
        }
        pending.values().forEach(p -> p.completeExceptionally(f));
        // a live connection that drops is reconnected by an engine round at once; a connection that never came up
        // failed its round, which the engine retries with full-jitter backoff (asking again here would skip it), as
        // is one the hub closed as busy (1013: it holds its budget of pushed bytes), so a busy hub is not stormed
        if (!closing && wasLive && code != CloseFrame.TRY_AGAIN_LATER) session.requestSync();
        applier.shutdown();
    }

    @Override
    public void onError(Exception ex) {
        if (failure == null) failure = ex instanceof IOException io ? io : new IOException("hub " + uri + ": " + ex.getMessage(), ex);
    }

    /** Closes without asking for a reconnect. */
    void shutdown() {
        closing = true;
        close();
        applier.shutdown();
    }
}
