package io.syncsqlite.transport.ws;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.java_websocket.WebSocket;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.handshake.ServerHandshake;
import org.java_websocket.server.WebSocketServer;

/**
 * A WebSocket reverse proxy on loopback in front of a hub that takes frames of at most {@code maxFrameBytes} from
 * clients and closes with 1009 (message too big) beyond, as proxies with their own message cap do. It relays every
 * message both ways unchanged, including the hub's stated limits, which are then larger than what gets through: a
 * client learns the real cap only from the 1009 close.
 */
final class FrameCapProxy extends WebSocketServer implements AutoCloseable {
    private final URI hub;
    final AtomicInteger tooBigCloses = new AtomicInteger();
    /** Counted down once the server is bound and listening ({@link #onStart}), or could not bind ({@link #onError}). */
    private final CountDownLatch bound = new CountDownLatch(1);
    private volatile Exception bindFailure;

    FrameCapProxy(URI hub, int maxFrameBytes) throws InterruptedException {
        super(new InetSocketAddress("127.0.0.1", 0), List.of(new Draft_6455(List.of(), maxFrameBytes)));
        this.hub = hub;
        setReuseAddr(true);
        start();
        if (!bound.await(10, TimeUnit.SECONDS)) throw new IllegalStateException("the proxy did not start listening within 10 s");
        if (bindFailure != null) throw new IllegalStateException("the proxy could not listen on loopback", bindFailure);
    }

    URI uri() {
        return URI.create("ws://127.0.0.1:" + getPort());
    }

    @Override
    public void onOpen(WebSocket client, ClientHandshake handshake) {
        WebSocketClient upstream = new WebSocketClient(hub) {
            @Override
            public void onOpen(ServerHandshake h) {
            }

            @Override
            public void onMessage(String message) {
                if (client.isOpen()) client.send(message);
            }

            @Override
            public void onMessage(ByteBuffer message) {
                if (client.isOpen()) client.send(message);
            }

            @Override
            public void onClose(int code, String reason, boolean remote) {
                if (client.isOpen()) client.close(code == 1006 ? 1001 : code, reason);
            }

            @Override
            public void onError(Exception ex) {
            }
        };
        client.setAttachment(upstream);
        try {
            if (!upstream.connectBlocking(5, TimeUnit.SECONDS)) client.close(1011, "hub unreachable");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            client.close(1011, "interrupted");
        }
    }

    @Override
    public void onMessage(WebSocket client, String message) {
        WebSocketClient upstream = client.getAttachment();
        upstream.send(message);
    }

    @Override
    public void onMessage(WebSocket client, ByteBuffer message) {
        WebSocketClient upstream = client.getAttachment();
        upstream.send(message);
    }

    @Override
    public void onClose(WebSocket client, int code, String reason, boolean remote) {
        if (code == 1009) tooBigCloses.incrementAndGet();
        WebSocketClient upstream = client.getAttachment();
        if (upstream != null) upstream.close();
    }

    @Override
    public void onError(WebSocket client, Exception ex) {
        if (client == null && bound.getCount() > 0) { // the server itself failed before it listened
            bindFailure = ex;
            bound.countDown();
        }
    }

    @Override
    public void onStart() {
        bound.countDown();
    }

    @Override
    public void close() throws InterruptedException {
        stop(1000);
    }
}
