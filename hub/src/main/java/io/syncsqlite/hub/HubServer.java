package io.syncsqlite.hub;

import io.syncsqlite.ErrorText;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The sync hub: {@code POST /v1/push}, {@code GET /v1/pull?since=&limit=} and {@code GET /v1/health} over the JDK's
 * HTTP server; every request goes through the protocol-neutral {@link Hub} over a {@link HubStore}. Every response carries the store's epoch in {@code Sync-Epoch}.
 * {@link #close()} stops accepting connections and waits for in-flight requests before closing the store.
 */
public final class HubServer implements AutoCloseable {
    /** Header naming the pushed batch; with the body's digest it makes a push idempotent. */
    public static final String BATCH_HEADER = "Sync-Batch";
    public static final String EPOCH_HEADER = "Sync-Epoch";
    public static final String NEXT_HEADER = "Sync-Next";
    public static final String MORE_HEADER = "Sync-More";
    /** Optional: the namespace the client expects; a token for another namespace is refused with 403. */
    public static final String NAMESPACE_HEADER = "Sync-Namespace";
    /** The client's site id (32 hex digits), sent by the http transport; used only to name the client on the status page. */
    public static final String SITE_HEADER = "Sync-Site";
    private static final System.Logger LOG = System.getLogger(HubServer.class.getName());
    /**
     * The JDK server leaves Nagle's algorithm on unless this property is set before its first server starts: a reply
     * then waits for the client's delayed ACK. Measured with {@code ./bench.sh --quick --only sync}: end-to-end http
     * sync 12,765 → 20,960 cells/s on loopback.
     */
    static final String NO_DELAY_PROPERTY = "sun.net.httpserver.nodelay";
    /**
     * Seconds the JDK server allows for receiving a request (headers and body) before it closes the connection; off
     * by default, which lets a client sending one header byte per second hold a handler thread for good. Read once,
     * when the first server of the JVM starts.
     */
    static final String MAX_REQUEST_TIME_PROPERTY = "sun.net.httpserver.maxReqTime";
    /** How often (ms) the JDK server looks for requests over their time (1 s by default, the resolution we need). */
    static final String TIMER_PROPERTY = "sun.net.httpserver.timerMillis";
    /**
     * Most bytes of a request's line and headers the JDK server reads before refusing it (384 KiB by default); the
     * hub's clients send under 1 KiB.
     */
    static final String MAX_HEADER_BYTES_PROPERTY = "sun.net.httpserver.maxReqHeaderSize";
    public static final String LIMITS_HEADER = "Sync-Limits";
    private static final String BYTES_IN = "syncsqlite.bytesIn";
    private static final String BYTES_OUT = "syncsqlite.bytesOut";

    private final HubConfig config;
    private final HubStore store;
    /** Health and metrics read the store through this, so neither waits longer than two seconds for it. */
    private final StoreProbe storeProbe;
    private final Hub hub;
    private final HttpServer http;
    /** Handler threads started beyond {@link HubConfig#threads()} while slow clients hold the regular ones. */
    private static final int MAX_HANDLER_THREADS = 512;
    private final ExecutorService executor;
    private final Semaphore inFlight;
    private final WsEndpointKeeper ws;
    private final ClientLimits perClient;
    private final HubActivity activity = new HubActivity();
    private volatile boolean draining;

    private HubServer(HubConfig config, HubStore store, HttpServer http, SSLContext tls, Runnable wsLost) {
        this.config = config;
        this.store = store;
        this.storeProbe = new StoreProbe(store, Duration.ofSeconds(2));
        this.hub = new Hub(config, store);
        this.http = http;
        this.inFlight = new Semaphore(config.maxInFlight());
        this.perClient = new ClientLimits(config.maxPerClient());
        this.executor = handlerThreads(config.threads());
        http.setExecutor(executor);
        http.createContext("/v1/push", ex -> handle(ex, "POST", this::push));
        http.createContext("/v1/pull", ex -> handle(ex, "GET", this::pull));
        http.createContext("/v1/keytag", ex -> handle(ex, "POST", this::keyTag));
        http.createContext("/v1/health", ex -> handle(ex, "GET", this::health));
        http.createContext("/metrics", ex -> handle(ex, "GET", this::metrics));
        this.ws = config.ws().enabled() ? new WsEndpointKeeper(hub, config, executor, inFlight, perClient, tls, wsLost) : null;
        StatusEndpoint status = new StatusEndpoint(hub, activity, ws, config.tokens().namespaces(), System.getenv(StatusEndpoint.ADMIN_TOKEN_ENV));
        http.createContext("/v1/status", ex -> handle(ex, "GET", status::serve));
        http.createContext("/", ex -> handle(ex, "GET", StatusPage::serve));
        hub.metrics().gauge("store_bytes", "bytes of the store's files (database and write-ahead log)", () -> storeProbe.read().bytes());
        hub.metrics().gauge("store_last_sequence", "the last sequence the store assigned", store::lastSequence);
        hub.metrics().gauge("store_info{kind=\"" + store.kind() + "\"}", "the kind of the hub's store (sqlite or postgresql), as a label", () -> 1);
        hub.metrics().gauge("store_reachable", "1 while the store answers, 0 while it cannot be reached", () -> storeProbe.read().error() == null ? 1 : 0);
        if (store.notifyState() != null) {
            hub.metrics().gauge("store_notify_listening", "1 while this hub listens for other hubs' pushes in the store", () -> store.notifyState().listening() ? 1 : 0);
            hub.metrics().gauge("store_notify_lag_millis", "how long the last probe notification took to come back through the store (-1: none yet)",
                    () -> store.notifyState().lagMillis());
            hub.metrics().gauge("store_notify_age_millis", "how long ago this hub last received a notification through the store (-1: none yet)",
                    () -> store.notifyState().ageMillis());
        }
        hub.metrics().gauge("http_requests_in_flight", "HTTP requests and WebSocket pushes being handled", () -> config.maxInFlight() - inFlight.availablePermits());
    }

    /**
     * The JDK server reads a request's headers on the handler thread, so a client that sends them one byte per second
     * holds a thread until the read timeout cuts it. {@code threads} serve normal work; when they are all taken, more
     * are started (up to {@link #MAX_HANDLER_THREADS}) so health and well-behaved clients are still served, and only
     * past that are requests queued.
     */
    private static ExecutorService handlerThreads(int threads) {
        ThreadFactory named = r -> {
            Thread t = new Thread(r, "syncsqlite-hub");
            t.setDaemon(false);
            return t;
        };
        ExecutorService queued = Executors.newFixedThreadPool(threads, named);
        return new ThreadPoolExecutor(threads, Math.max(threads, MAX_HANDLER_THREADS), 30, TimeUnit.SECONDS, new SynchronousQueue<>(), named,
                (r, pool) -> queued.execute(r)) {
            @Override
            public void shutdown() {
                super.shutdown();
                queued.shutdown();
            }

            @Override
            public List<Runnable> shutdownNow() {
                queued.shutdownNow();
                return super.shutdownNow();
            }

            @Override
            public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
                long deadline = System.nanoTime() + unit.toNanos(timeout);
                return super.awaitTermination(timeout, unit) && queued.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        };
    }

    /** Opens the store and starts serving; a WebSocket endpoint that dies and cannot be started again stays down (see health). */
    public static HubServer start(HubConfig config) throws IOException, SQLException, GeneralSecurityException {
        return start(config, () -> { });
    }

    /**
     * Opens the store and starts serving; {@code wsLost} runs when the WebSocket endpoint died and could not be
     * started again ({@code java -jar} hubs exit, so a supervisor restarts them).
     */
    public static HubServer start(HubConfig config, Runnable wsLost) throws IOException, SQLException, GeneralSecurityException {
        if (System.getProperty(NO_DELAY_PROPERTY) == null) System.setProperty(NO_DELAY_PROPERTY, "true");
        if (System.getProperty(MAX_REQUEST_TIME_PROPERTY) == null) {
            System.setProperty(MAX_REQUEST_TIME_PROPERTY, Long.toString(Math.max(1, config.readTimeout().toSeconds())));
        }
        if (System.getProperty(TIMER_PROPERTY) == null) System.setProperty(TIMER_PROPERTY, "1000");
        if (System.getProperty(MAX_HEADER_BYTES_PROPERTY) == null) System.setProperty(MAX_HEADER_BYTES_PROPERTY, "16384");
        HubConfig.Store pg = config.store();
        HubStore store = pg != null ? new PostgresHubStore(pg.url(), pg.user(), pg.password() == null ? null : new String(pg.password()))
                : new SqliteHubStore(config.data());
        try {
            InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(config.bind()), config.port());
            SSLContext tls = config.keystore() != null ? sslContext(config) : null;
            HttpServer http;
            if (tls != null) {
                HttpsServer https = HttpsServer.create(address, 128);
                https.setHttpsConfigurator(new HttpsConfigurator(tls));
                http = https;
            } else {
                http = HttpServer.create(address, 128);
            }
            HubServer hub = new HubServer(config, store, http, tls, wsLost);
            try {
                if (hub.ws != null) hub.ws.open();
            } catch (InterruptedException | RuntimeException e) {
                hub.executor.shutdownNow();
                if (e instanceof InterruptedException) Thread.currentThread().interrupt();
                throw new IOException("cannot serve WebSocket on port " + config.ws().port() + ": " + e.getMessage(), e);
            }
            http.start();
            LOG.log(System.Logger.Level.INFO, "hub started bind={0} port={1} ws={2} tls={3} store={4} epoch={5}", config.bind(),
                    String.valueOf(hub.port()), hub.ws == null ? "off" : String.valueOf(hub.wsPort()), tls != null, config.storeName(), store.epoch());
            return hub;
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            store.close();
            throw e;
        }
    }

    private static SSLContext sslContext(HubConfig config) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(config.keystore())) {
            ks.load(in, config.keystorePassword());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, config.keystorePassword());
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf.getKeyManagers(), null, null);
        return ssl;
    }

    public int port() {
        return http.getAddress().getPort();
    }

    /** The WebSocket port, or -1 when the hub serves no WebSocket. */
    public int wsPort() {
        return ws == null ? -1 : ws.port();
    }

    /** The WebSocket URI on loopback, e.g. {@code ws://127.0.0.1:7071}; {@code wss://} with TLS. */
    public URI wsUri() {
        if (ws == null) throw new IllegalStateException("this hub serves no WebSocket (--ws-port)");
        return URI.create((config.keystore() != null ? "wss" : "ws") + "://127.0.0.1:" + wsPort());
    }

    /** WebSocket subscribers disconnected for falling behind by more than {@code --ws-queue-bytes}, since start. */
    public long slowSubscriberDisconnects() {
        return hub.metrics().slowDisconnects();
    }

    /** The most bytes any current WebSocket subscriber has waiting in the hub (queued and unsent in its socket). */
    public long maxSubscriberWaitingBytes() {
        return ws == null ? 0 : ws.current().maxWaitingBytes();
    }

    /** The base URI on loopback, e.g. {@code http://127.0.0.1:7070}. */
    public URI uri() {
        return URI.create((config.keystore() != null ? "https" : "http") + "://127.0.0.1:" + port());
    }

    public String epoch() {
        return store.epoch();
    }

    /** The hub's counters and gauges (what {@code /metrics} prints). */
    public HubMetrics metrics() {
        return hub.metrics();
    }

    /** Cells stored for {@code namespace}: the winning version of each, nothing else. */
    public long cellCount(String namespace) throws SQLException, InterruptedException {
        return store.cellCount(namespace);
    }

    @FunctionalInterface
    private interface Endpoint {
        void serve(HttpExchange ex) throws IOException, HttpError, SQLException, InterruptedException;
    }

    private void handle(HttpExchange ex, String method, Endpoint endpoint) throws IOException {
        long start = System.nanoTime();
        hub.metrics().httpRequest();
        ex.getResponseHeaders().set(EPOCH_HEADER, store.epoch());
        ex.getResponseHeaders().set(LIMITS_HEADER, hub.limits());
        boolean admitted = false;
        String client = ex.getRemoteAddress().getAddress().getHostAddress();
        boolean counted = false;
        try {
            // health is always answered: a monitor must see a busy hub as busy, not as down
            boolean health = ex.getHttpContext().getPath().equals("/v1/health") || ex.getHttpContext().getPath().equals("/metrics");
            counted = health || perClient.enter(client);
            if (!counted) {
                throw new HttpError(429, "client " + client + " already has " + config.maxPerClient() + " requests in flight at this hub; retry shortly", 1);
            }
            // admitted before the draining check, so close() never misses a request it has to wait for
            admitted = inFlight.tryAcquire();
            if (!admitted && !health) throw new HttpError(503, "the hub is busy (" + config.maxInFlight() + " requests in flight); retry shortly", 1);
            if (draining) throw new HttpError(503, "the hub is shutting down; retry shortly", 2);
            String path = ex.getRequestURI().getPath();
            if (!path.equals(ex.getHttpContext().getPath())) {
                throw new HttpError(404, "no such endpoint " + path + ": the hub serves /v1/push, /v1/pull, /v1/keytag, /v1/health, /metrics, /v1/status and its status page at /");
            }
            if (!ex.getRequestMethod().equals(method) && !(method.equals("GET") && ex.getRequestMethod().equals("HEAD"))) {
                ex.getResponseHeaders().set("Allow", method);
                throw new HttpError(405, "method " + ex.getRequestMethod() + " not allowed on " + ex.getRequestURI().getPath() + "; use " + method);
            }
            endpoint.serve(ex);
        } catch (HttpError e) {
            hub.metrics().refused("http_" + e.status());
            activity.refused(e.status(), null, clientId(ex), ex.getRequestURI().getPath(), e.getMessage());
            if (e.retryAfterSeconds() > 0) ex.getResponseHeaders().set("Retry-After", Integer.toString(e.retryAfterSeconds()));
            if (e.status() == 401) ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"syncsqlite\"");
            LOG.log(System.Logger.Level.INFO, "request refused method={0} path={1} status={2} reason=\"{3}\" remote={4}",
                    ex.getRequestMethod(), ex.getRequestURI().getPath(), e.status(), e.getMessage(), ex.getRemoteAddress());
            sendError(ex, e.status(), e.getMessage());
        } catch (SQLException | InterruptedException | RuntimeException e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            if (StoreOutage.is(e)) {
                // the database is down or restarting: the client waits and retries, as with a busy hub
                hub.metrics().refused("http_503_store");
                LOG.log(System.Logger.Level.WARNING, "request failed, store unreachable method={0} path={1}: {2}", ex.getRequestMethod(),
                        ex.getRequestURI().getPath(), ErrorText.of(e));
                ex.getResponseHeaders().set("Retry-After", Integer.toString(StoreOutage.RETRY_AFTER_SECONDS));
                sendError(ex, 503, StoreOutage.message(store, e));
                return;
            }
            hub.metrics().refused("http_500");
            LOG.log(System.Logger.Level.ERROR, "request failed method=" + ex.getRequestMethod() + " path=" + ex.getRequestURI().getPath(), e);
            sendError(ex, 500, "internal hub error: " + ErrorText.of(e));
        } finally {
            if (admitted) inFlight.release();
            if (counted) perClient.leave(client);
            ex.close();
            AccessLog.request(ex.getRemoteAddress(), ex.getRequestMethod(), ex.getRequestURI().getPath(), ex.getResponseCode(), received(ex), sent(ex), start);
        }
    }

    /** Body bytes read from the request, as {@link #push} recorded them (0 for requests without a body read). */
    private static long received(HttpExchange ex) {
        return ex.getAttribute(BYTES_IN) instanceof Long n ? n : 0;
    }

    private static long sent(HttpExchange ex) {
        return ex.getAttribute(BYTES_OUT) instanceof Long n ? n : 0;
    }

    private void send(HttpExchange ex, int status, String contentType, byte[] body) throws IOException {
        long n = Exchanges.send(ex, status, contentType, body);
        ex.setAttribute(BYTES_OUT, n);
        hub.metrics().sent(n);
    }

    private void sendError(HttpExchange ex, int status, String message) throws IOException {
        send(ex, status, "application/json", Exchanges.json(g -> {
            g.writeStringField("error", message);
            g.writeStringField("epoch", store.epoch());
        }));
    }

    /** The namespace the bearer token grants; 401 without a known token, 403 when the client expects another one. */
    private String namespace(HttpExchange ex) throws HttpError {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) throw new HttpError(401, "missing bearer token (Authorization: Bearer …)");
        return hub.namespace(auth.substring(7), ex.getRequestHeaders().getFirst(NAMESPACE_HEADER));
    }

    private void push(HttpExchange ex) throws IOException, HttpError, SQLException {
        String ns = namespace(ex);
        String batch = ex.getRequestHeaders().getFirst(BATCH_HEADER);
        if (batch == null) throw new HttpError(400, "missing " + BATCH_HEADER + " header (1-100 of A-Z a-z 0-9 . _ : -)");
        byte[] body = Exchanges.readBody(ex, config.maxBodyBytes(), hub.receiveBudget());
        HubStore.PushOutcome out;
        try {
            ex.setAttribute(BYTES_IN, (long) body.length);
            hub.metrics().received(body.length);
            out = hub.push(ns, batch, body, null);
        } finally {
            hub.receiveBudget().giveBack(body.length);
        }
        activity.pushed(ns, clientId(ex), remote(ex));
        if (!out.refused().isEmpty()) {
            activity.refused(200, ns, clientId(ex), "/v1/push", out.refused().size() + " of " + out.received() + " changes refused, e.g.: "
                    + out.refused().get(0).reason());
        }
        send(ex, 200, "application/json", Exchanges.json(g -> {
            g.writeStringField("status", out.duplicate() ? "already-applied" : "applied");
            g.writeNumberField("received", out.received());
            g.writeNumberField("stored", out.stored());
            g.writeNumberField("seq", out.seq());
            // the namespace's head before this push: a client whose cursor is there holds everything up to seq once
            // this push is stored, and need not pull its own changes back (as a ws pusher is sent them without a body)
            if (!out.duplicate()) g.writeNumberField("previous", out.previous());
            g.writeStringField("epoch", store.epoch());
            // changes refused one by one (the rest of the batch is stored): the client keeps them as dead letters
            g.writeFieldName("refused");
            ChangeValidator.writeRefusals(g, out.refused());
        }));
    }

    private void pull(HttpExchange ex) throws IOException, HttpError, SQLException, InterruptedException {
        String ns = namespace(ex);
        Map<String, String> q = Query.parse(ex.getRequestURI().getRawQuery());
        long since = Query.number(q, "since", 0, 0, Long.MAX_VALUE);
        long seen = Query.number(q, "seen", 0, 0, Long.MAX_VALUE);
        int limit = (int) Query.number(q, "limit", Math.min(1000, config.maxPullLimit()), 1, config.maxPullLimit());
        HubStore.Page page = hub.pull(ns, q.get("epoch"), since, q.get("seenEpoch"), seen, limit);
        activity.pulled(ns, clientId(ex), remote(ex), page.next());
        ex.getResponseHeaders().set(NEXT_HEADER, Long.toString(page.next()));
        ex.getResponseHeaders().set(MORE_HEADER, Boolean.toString(page.more()));
        send(ex, 200, "application/json", hub.changeset(page.changes()));
    }

    /** {@code POST /v1/keytag?site=&wish=} → {@code {"tag":n}}: the site's key block tag, 0 when every tag is taken. */
    private void keyTag(HttpExchange ex) throws IOException, HttpError, SQLException {
        String ns = namespace(ex);
        Map<String, String> q = Query.parse(ex.getRequestURI().getRawQuery());
        int tag = hub.keyTag(ns, q.get("site"), Query.number(q, "wish", 0, 0, io.syncsqlite.spi.KeyTagClaims.LAST));
        send(ex, 200, "application/json", Exchanges.json(g -> {
            g.writeNumberField("tag", tag);
            g.writeStringField("epoch", store.epoch());
        }));
    }

    private static String remote(HttpExchange ex) {
        return ex.getRemoteAddress().getAddress().getHostAddress();
    }

    /** The client as the status page names it: the site id the http transport sends, else its address. */
    private static String clientId(HttpExchange ex) {
        return HubActivity.clientId(ex.getRequestHeaders().getFirst(SITE_HEADER), remote(ex));
    }


    /**
     * {@code 200 {"status":"ok",…}} while every endpoint serves and the store answers; {@code 503} with status
     * {@code degraded} (naming what does not serve) or {@code draining} otherwise, so a monitor or load balancer sees a
     * hub whose WebSocket endpoint is dead, or whose store is unreachable, as unhealthy. The store part names its kind,
     * whether it answers and, for a store shared with other hubs, how their notifications fare (docs/scaling-hubs.md).
     */
    private void health(HttpExchange ex) throws IOException {
        String wsState = ws == null ? "off" : ws.state().name().toLowerCase(java.util.Locale.ROOT);
        StoreProbe.Reading storeReading = storeProbe.read();
        String storeError = storeReading.error();
        boolean healthy = (ws == null || ws.state() == WsEndpointKeeper.State.SERVING) && storeError == null;
        String status = draining ? "draining" : healthy ? "ok" : "degraded";
        HubStore.NotifyState notify = store.notifyState();
        send(ex, status.equals("ok") ? 200 : 503, "application/json", Exchanges.json(g -> {
            g.writeStringField("status", status);
            g.writeStringField("epoch", store.epoch());
            g.writeObjectFieldStart("endpoints");
            g.writeStringField("http", draining ? "draining" : "serving");
            g.writeStringField("ws", wsState);
            g.writeEndObject();
            g.writeObjectFieldStart("store");
            g.writeStringField("kind", store.kind());
            g.writeStringField("status", storeError == null ? "ok" : "failing");
            g.writeBooleanField("reachable", storeError == null);
            if (storeError != null) g.writeStringField("error", storeError);
            g.writeNumberField("lastSequence", store.lastSequence());
            g.writeNumberField("bytes", storeReading.bytes());
            if (notify != null) {
                g.writeObjectFieldStart("notifications");
                g.writeBooleanField("listening", notify.listening());
                g.writeNumberField("lagMillis", notify.lagMillis());
                g.writeNumberField("lastReceivedMillisAgo", notify.ageMillis());
                if (notify.error() != null) g.writeStringField("error", notify.error());
                g.writeEndObject();
            }
            g.writeEndObject();
        }));
    }

    /** The counters and gauges in the Prometheus text format. */
    private void metrics(HttpExchange ex) throws IOException {
        send(ex, 200, "text/plain; version=0.0.4; charset=utf-8", hub.metrics().prometheus().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Stops accepting connections, finishes in-flight requests (up to the grace period), then closes the store. */
    @Override
    public void close() {
        draining = true;
        LOG.log(System.Logger.Level.INFO, "hub stopping port={0}, finishing in-flight requests", String.valueOf(port()));
        if (ws != null) ws.shutdown();
        // HttpServer.stop(delay) of JDK 17 always waits the whole delay, so wait for in-flight requests ourselves
        long deadline = System.nanoTime() + config.shutdownGrace().toNanos();
        try {
            while (inFlight.availablePermits() < config.maxInFlight() && System.nanoTime() < deadline) Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        http.stop(0);
        executor.shutdown();
        try {
            if (!executor.awaitTermination(config.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS)) executor.shutdownNow();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            store.close();
        } catch (SQLException e) {
            LOG.log(System.Logger.Level.WARNING, "closing the hub store", e);
        }
        LOG.log(System.Logger.Level.INFO, "hub stopped");
    }
}
