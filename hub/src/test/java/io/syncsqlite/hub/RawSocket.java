package io.syncsqlite.hub;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** A hostile (or merely bare) TCP client of the hub's WebSocket port: it sends exactly the bytes a test writes. */
final class RawSocket implements AutoCloseable {
    final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    /** Connects to {@code port} on loopback from {@code localAddress} (any 127.x.y.z: the kernel routes all of them). */
    RawSocket(String localAddress, int port) throws IOException {
        socket = new Socket();
        socket.bind(new InetSocketAddress(localAddress, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        out = socket.getOutputStream();
        in = socket.getInputStream();
    }

    static String upgradeRequest(int port) {
        return "GET / HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
                + Base64.getEncoder().encodeToString("0123456789abcdef".getBytes(StandardCharsets.US_ASCII)) + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
    }

    /** Sends a complete upgrade request and reads the hub's 101 answer (within 10 s). */
    RawSocket upgrade(int port) throws IOException {
        write(upgradeRequest(port).getBytes(StandardCharsets.US_ASCII));
        socket.setSoTimeout(10_000); // a WebSocket endpoint that accepts connections but no longer serves them fails here
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) throw new IOException("closed during the upgrade: " + head.toString(StandardCharsets.US_ASCII));
            head.write(b);
        }
        if (!head.toString(StandardCharsets.US_ASCII).startsWith("HTTP/1.1 101")) throw new IOException("upgrade refused: " + head);
        return this;
    }

    /** The header of a masked binary frame announcing {@code length} payload bytes (none of which follow). */
    static byte[] binaryFrameHeader(long length, boolean fin) {
        ByteBuffer b = ByteBuffer.allocate(14);
        b.put((byte) ((fin ? 0x80 : 0) | 0x2));
        b.put((byte) (0x80 | 127)).putLong(length);
        b.putInt(0x01020304);
        return b.array();
    }

    /** Sends {@code payload} as one masked binary frame, as a client must. */
    void sendMessage(byte[] payload) throws IOException {
        byte[] frame = binaryFrameHeader(payload.length, true);
        byte[] mask = {1, 2, 3, 4};
        byte[] masked = new byte[payload.length];
        for (int i = 0; i < payload.length; i++) masked[i] = (byte) (payload[i] ^ mask[i % 4]);
        write(frame);
        write(masked);
    }

    /** Reads one unmasked binary or text frame the hub sends (not fragmented) and returns its payload. */
    byte[] readMessage() throws IOException {
        socket.setSoTimeout(10_000);
        int b0 = in.read();
        int b1 = in.read();
        if (b0 < 0 || b1 < 0) throw new IOException("closed by the hub");
        long length = b1 & 0x7F;
        if (length == 126) length = (in.read() << 8) | in.read();
        else if (length == 127) length = ByteBuffer.wrap(in.readNBytes(8)).getLong();
        return in.readNBytes((int) length);
    }

    void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /**
     * Waits up to {@code millis} for the hub to end the connection (EOF or reset, after whatever it sends first);
     * true when it did.
     */
    boolean closedByHubWithin(long millis) throws IOException {
        long deadline = System.currentTimeMillis() + millis;
        byte[] buf = new byte[8192];
        while (System.currentTimeMillis() < deadline) {
            socket.setSoTimeout((int) Math.max(1, Math.min(500, deadline - System.currentTimeMillis())));
            try {
                if (in.read(buf) < 0) return true;
            } catch (SocketTimeoutException e) {
                // still open: look again until the deadline
            } catch (IOException e) {
                return true; // reset by the hub
            }
        }
        return false;
    }

    /** Everything the hub sends until it closes or {@code millis} pass. */
    byte[] readUntilClosed(long millis) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        long deadline = System.currentTimeMillis() + millis;
        byte[] buf = new byte[8192];
        while (System.currentTimeMillis() < deadline) {
            socket.setSoTimeout((int) Math.max(1, Math.min(500, deadline - System.currentTimeMillis())));
            try {
                int n = in.read(buf);
                if (n < 0) break;
                got.write(buf, 0, n);
            } catch (SocketTimeoutException e) {
                // keep reading until the deadline
            } catch (IOException e) {
                break;
            }
        }
        return got.toByteArray();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
