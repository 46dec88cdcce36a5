package io.syncsqlite.hub;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ByteChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.java_websocket.WebSocket;
import org.java_websocket.WebSocketAdapter;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.WebSocketServerFactory;
import org.java_websocket.drafts.Draft;
import org.java_websocket.framing.CloseFrame;

/**
 * The WebSocket connections that have not authenticated yet, from the moment their TCP connection is accepted (before
 * the upgrade) to their hello: at most {@code maxTotal} at once, at most {@code maxPerAddress} from one address (a
 * connection past either is closed as it is accepted), and none older than the auth timeout (closed, with a close
 * frame when the upgrade was done, then hard after a short grace when the peer does not read it). With the bytes it
 * may send meanwhile capped ({@link PreAuthChannel}) and the frames it may announce too ({@link HubDraft}), a
 * connection costs the hub a few KiB and a few seconds until it authenticates, whatever it sends or does not send.
 * <p>
 * It is the endpoint's {@link WebSocketServerFactory}: accepting a connection goes through {@link #wrapChannel}.
 */
final class PreAuthConnections implements WebSocketServerFactory {
    private static final System.Logger LOG = System.getLogger(PreAuthConnections.class.getName());
    /** Past the deadline a close frame is sent; this much later a connection that is still there is cut. */
    private static final long HARD_CLOSE_GRACE_NANOS = TimeUnit.SECONDS.toNanos(2);

    private record Pending(WebSocketImpl conn, String address, long since, PreAuthChannel channel) {
    }

    private final WebSocketServerFactory sockets;
    private final int maxTotal;
    private final int maxPerAddress;
    private final long deadlineNanos;
    private final HubMetrics metrics;
    private final Map<WebSocketImpl, Pending> pending = new ConcurrentHashMap<>();
    private final ClientLimits perAddress;

    /**
     * @param sockets the factory that makes the library's sockets (plain or TLS)
     */
    PreAuthConnections(WebSocketServerFactory sockets, int maxTotal, int maxPerAddress, int authSeconds, HubMetrics metrics) {
        this.sockets = sockets;
        this.maxTotal = maxTotal;
        this.maxPerAddress = maxPerAddress;
        this.perAddress = new ClientLimits(maxPerAddress);
        this.deadlineNanos = TimeUnit.SECONDS.toNanos(authSeconds);
        this.metrics = metrics;
    }

    @Override
    public WebSocketImpl createWebSocket(WebSocketAdapter a, Draft d) {
        return sockets.createWebSocket(a, d);
    }

    @Override
    public WebSocketImpl createWebSocket(WebSocketAdapter a, List<Draft> drafts) {
        return sockets.createWebSocket(a, drafts);
    }

    /** Admits an accepted connection or refuses it (the library then closes it) when a cap is reached. */
    @Override
    public ByteChannel wrapChannel(SocketChannel channel, SelectionKey key) throws IOException {
        String address = ((InetSocketAddress) channel.getRemoteAddress()).getAddress().getHostAddress();
        WebSocketImpl conn = (WebSocketImpl) key.attachment();
        boolean total = pending.size() >= maxTotal;
        if (total || !perAddress.enter(address)) {
            metrics.refused(total ? "ws_unauthenticated_total" : "ws_unauthenticated_per_address");
            LOG.log(System.Logger.Level.INFO, "ws connection refused remote={0}: {1}", address, total
                    ? maxTotal + " connections are authenticating" : "this address already has " + maxPerAddress + " connections authenticating");
            throw new IOException("too many unauthenticated connections");
        }
        PreAuthChannel bounded = new PreAuthChannel(sockets.wrapChannel(channel, key), metrics);
        pending.put(conn, new Pending(conn, address, System.nanoTime(), bounded));
        metrics.wsAccepted();
        return bounded;
    }

    /** The connection authenticated: it no longer counts here. */
    void authenticated(WebSocket conn) {
        Pending p = pending.get(conn);
        if (p != null) p.channel.authenticated();
        forget(conn);
    }

    /** Unauthenticated connections now. */
    int size() {
        return pending.size();
    }

    /** Forgets closed connections and closes those past the auth deadline; called every few milliseconds. */
    void tick(int authSeconds) {
        long now = System.nanoTime();
        for (Pending p : pending.values()) {
            if (p.conn.isClosed()) {
                forget(p.conn);
            } else if (now - p.since > deadlineNanos + HARD_CLOSE_GRACE_NANOS) {
                p.conn.closeConnection(CloseFrame.ABNORMAL_CLOSE, "no hello within " + authSeconds + " s");
                forget(p.conn);
            } else if (now - p.since > deadlineNanos && !p.conn.isClosing()) {
                metrics.refused("ws_auth_timeout");
                LOG.log(System.Logger.Level.INFO, "ws connection closed remote={0}: no hello within {1} s", p.address, authSeconds);
                if (p.conn.isOpen()) p.conn.close(CloseFrame.POLICY_VALIDATION, "no hello within " + authSeconds + " s");
                else p.conn.closeConnection(CloseFrame.NEVER_CONNECTED, "upgrade not completed within " + authSeconds + " s");
            }
        }
    }

    private void forget(WebSocket conn) {
        Pending p = pending.remove(conn);
        if (p != null) perAddress.leave(p.address);
    }

    @Override
    public void close() {
        sockets.close();
    }
}
