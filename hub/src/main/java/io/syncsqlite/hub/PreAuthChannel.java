package io.syncsqlite.hub;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.SocketChannel;
import org.java_websocket.WrappedByteChannel;

/**
 * A WebSocket connection's channel (plain or TLS) that fails a read once the peer has sent more than
 * {@link #MAX_BYTES} before authenticating: the library then closes the connection at once. It bounds what an
 * unauthenticated peer can make the hub buffer whatever it sends: the library keeps every byte of an unfinished
 * upgrade request, and answers a refused one without closing the connection.
 */
final class PreAuthChannel implements WrappedByteChannel {
    /** An upgrade request head (browsers and our client send under 1 KiB) and a hello, with room to spare. */
    static final int MAX_BYTES = 32 * 1024;

    private final ByteChannel channel;
    private final HubMetrics metrics;
    private volatile boolean authenticated;
    private long read;

    PreAuthChannel(ByteChannel channel, HubMetrics metrics) {
        this.channel = channel;
        this.metrics = metrics;
    }

    void authenticated() {
        authenticated = true;
    }

    private int counted(int n) throws IOException {
        if (n > 0 && !authenticated && (read += n) > MAX_BYTES) {
            metrics.refused("ws_unauthenticated_bytes");
            throw new IOException("more than " + MAX_BYTES + " bytes before authenticating");
        }
        return n;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return counted(channel.read(dst));
    }

    @Override
    public int readMore(ByteBuffer dst) throws IOException {
        return channel instanceof WrappedByteChannel w ? counted(w.readMore(dst)) : 0;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return channel.write(src);
    }

    @Override
    public boolean isNeedWrite() {
        return channel instanceof WrappedByteChannel w && w.isNeedWrite();
    }

    @Override
    public void writeMore() throws IOException {
        if (channel instanceof WrappedByteChannel w) w.writeMore();
    }

    @Override
    public boolean isNeedRead() {
        return channel instanceof WrappedByteChannel w && w.isNeedRead();
    }

    @Override
    public boolean isBlocking() {
        if (channel instanceof SocketChannel s) return s.isBlocking();
        return channel instanceof WrappedByteChannel w && w.isBlocking();
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
