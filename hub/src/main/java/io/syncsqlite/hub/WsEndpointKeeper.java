package io.syncsqlite.hub;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;

/**
 * Keeps the hub's WebSocket endpoint serving. When the endpoint dies (Java-WebSocket stops its whole server after a
 * fatal error in one of its threads, such as an {@link OutOfMemoryError}), its remains are stopped and a new endpoint
 * is started on the same port; clients reconnect and catch up from their cursors. If no endpoint can be started again
 * within about 30 s, {@code giveUp} runs ({@code java -jar} hubs exit with status 70, so a supervisor restarts the
 * process). {@link #state()} says which it is, for health.
 */
final class WsEndpointKeeper {
    private static final System.Logger LOG = System.getLogger(WsEndpointKeeper.class.getName());
    private static final int RESTART_ATTEMPTS = 60;
    private static final long RESTART_PAUSE_MILLIS = 500;

    /** What the endpoint is doing, as health reports it. */
    enum State { SERVING, RECOVERING, DOWN, STOPPED }

    private final Hub hub;
    private final HubConfig config;
    private final ExecutorService executor;
    private final Semaphore inFlight;
    private final ClientLimits perClient;
    private final SSLContext tls;
    private final Runnable giveUp;
    private final AtomicLong restarts = new AtomicLong();
    private volatile WsEndpoint current;
    private volatile State state = State.SERVING;
    private volatile int port;

    WsEndpointKeeper(Hub hub, HubConfig config, ExecutorService executor, Semaphore inFlight, ClientLimits perClient, SSLContext tls, Runnable giveUp) {
        this.hub = hub;
        this.config = config;
        this.executor = executor;
        this.inFlight = inFlight;
        this.perClient = perClient;
        this.tls = tls;
        this.giveUp = giveUp;
        hub.metrics().gauge("ws_connections", "WebSocket connections open (authenticated or not)", () -> current().connectionCount());
        hub.metrics().gauge("ws_unauthenticated_connections", "WebSocket connections that have not sent a valid hello yet",
                () -> current().unauthenticatedCount());
        hub.metrics().gauge("ws_subscribers", "WebSocket subscribers (authenticated connections)", () -> current().subscriberCount());
        hub.metrics().gauge("ws_fanout_lag_sequences", "most sequences any subscriber is behind its namespace's last push", () -> current().maxLag());
        hub.metrics().gauge("ws_subscriber_max_waiting_bytes", "most bytes waiting in the hub for one subscriber", () -> current().maxWaitingBytes());
        hub.metrics().gauge("ws_endpoint_restarts", "times the WebSocket endpoint was started again after it died", restarts::get);
        hub.metrics().gauge("ws_endpoint_serving", "1 while the WebSocket endpoint serves", () -> state == State.SERVING ? 1 : 0);
    }

    /** Starts the first endpoint on the configured port; returns once it listens. */
    void open() throws InterruptedException {
        WsEndpoint ws = endpoint(config.ws().port());
        ws.open();
        current = ws;
        port = ws.boundPort();
    }

    WsEndpoint current() {
        return current;
    }

    /** The connections subscribed now, for the status page. */
    java.util.List<WsEndpoint.Subscriber> subscribers() {
        return current().subscribers();
    }

    int port() {
        return port;
    }

    State state() {
        return state;
    }

    private WsEndpoint endpoint(int onPort) {
        return new WsEndpoint(hub, config, onPort, executor, inFlight, perClient, tls, this::died);
    }

    private void died(WsEndpoint dead, Throwable cause) {
        if (state == State.STOPPED || dead != current) return;
        state = State.RECOVERING;
        LOG.log(System.Logger.Level.ERROR, "the WebSocket endpoint on port " + port + " stopped serving (" + cause + "); starting it again", cause);
        Thread t = new Thread(() -> restart(dead), "syncsqlite-hub-ws-recovery");
        t.setDaemon(true);
        t.start();
    }

    private void restart(WsEndpoint dead) {
        try {
            dead.halt(5000);
            for (int attempt = 1; attempt <= RESTART_ATTEMPTS && state == State.RECOVERING; attempt++) {
                WsEndpoint ws = endpoint(port);
                try {
                    ws.open();
                    current = ws;
                    restarts.incrementAndGet();
                    state = State.SERVING;
                    LOG.log(System.Logger.Level.WARNING, "the WebSocket endpoint serves again on port {0} (attempt {1})", String.valueOf(port), attempt);
                    return;
                } catch (IllegalStateException e) {
                    ws.halt(1000);
                    LOG.log(System.Logger.Level.WARNING, "starting the WebSocket endpoint again failed (attempt {0}): {1}", attempt, e.getMessage());
                    Thread.sleep(RESTART_PAUSE_MILLIS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (state != State.RECOVERING) return;
        state = State.DOWN;
        LOG.log(System.Logger.Level.ERROR, "the WebSocket endpoint on port {0} cannot be started again; giving up", String.valueOf(port));
        giveUp.run();
    }

    /** Stops serving for good (hub shutdown). */
    void shutdown() {
        state = State.STOPPED;
        WsEndpoint ws = current;
        if (ws != null) ws.shutdown();
    }
}
