package io.syncsqlite.tck.load;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hostile connections to a hub's WebSocket port, {@code perKind} of each kind, each from its own loopback address
 * ({@code 127.0.<kind>.<n>}: the kernel routes all of 127/8) and opened again as soon as the hub closes it.
 */
final class HostileLoad {
    private static final String UPGRADE = "GET / HTTP/1.1\r\nHost: hub\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: MDEyMzQ1Njc4OWFiY2RlZg==\r\nSec-WebSocket-Version: 13\r\n\r\n";

    /** What a hostile connection does. */
    private enum Kind { FRAME_BOMB, SILENT, HALF_UPGRADE, ENDLESS_HEADER, NO_HELLO }

    private final int port;
    private final int perKind;
    private final AtomicLong closedByHub = new AtomicLong();
    private final AtomicLong overdue = new AtomicLong();
    private final long deadlineNanos;
    private final List<Thread> threads = new ArrayList<>();
    private volatile long end;

    /** @param deadline how long the hub may let one of these connections live (its auth timeout and grace) */
    HostileLoad(int port, int perKind, java.time.Duration deadline) {
        this.port = port;
        this.perKind = perKind;
        this.deadlineNanos = deadline.toNanos();
    }

    void start(long endNanos) {
        end = endNanos;
        for (Kind kind : Kind.values()) {
            for (int i = 0; i < perKind; i++) {
                String from = "127.0." + (kind.ordinal() + 1) + "." + (i + 1);
                Thread t = new Thread(() -> attack(kind, from), "hostile-" + kind + "-" + i);
                t.setDaemon(true);
                t.start();
                threads.add(t);
            }
        }
    }

    /** Connections the hub closed (after refusing them, or at the auth deadline). */
    long closedByHub() {
        return closedByHub.get();
    }

    /** Connections the hub let live longer than the deadline. */
    long overdue() {
        return overdue.get();
    }

    void stop() throws InterruptedException {
        end = System.nanoTime();
        for (Thread t : threads) t.join(30_000);
    }

    private void attack(Kind kind, String from) {
        while (System.nanoTime() < end) {
            long opened = System.nanoTime();
            try (Socket s = new Socket()) {
                s.bind(new InetSocketAddress(from, 0));
                s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                s.setSoTimeout(1000);
                OutputStream out = s.getOutputStream();
                InputStream in = s.getInputStream();
                switch (kind) {
                    case FRAME_BOMB -> {
                        out.write(UPGRADE.getBytes(StandardCharsets.US_ASCII));
                        out.write(ByteBuffer.allocate(14).put((byte) 0x82).put((byte) 0xFF).putLong(23_000_000).putInt(0x01020304).array());
                    }
                    case HALF_UPGRADE -> out.write("GET / HTTP/1.1\r\nHost: hub\r\n".getBytes(StandardCharsets.US_ASCII));
                    case NO_HELLO -> out.write(UPGRADE.getBytes(StandardCharsets.US_ASCII));
                    case ENDLESS_HEADER -> {
                        out.write("GET / HTTP/1.1\r\nX-Endless: ".getBytes(StandardCharsets.US_ASCII));
                        byte[] chunk = "a".repeat(1024).getBytes(StandardCharsets.US_ASCII);
                        while (System.nanoTime() < end) out.write(chunk); // until the hub cuts it
                    }
                    case SILENT -> { }
                }
                out.flush();
                if (waitForClose(in)) closedByHub.incrementAndGet();
                if (System.nanoTime() - opened > deadlineNanos) overdue.incrementAndGet();
            } catch (IOException e) {
                closedByHub.incrementAndGet(); // reset or refused by the hub
            }
            pause();
        }
    }

    /** Reads (and drops) what the hub sends until it closes the connection or the run ends; true when it closed it. */
    private boolean waitForClose(InputStream in) throws IOException {
        byte[] buf = new byte[4096];
        while (System.nanoTime() < end) {
            try {
                if (in.read(buf) < 0) return true;
            } catch (java.net.SocketTimeoutException stillOpen) {
                // keep waiting until the run ends
            }
        }
        return false;
    }

    private static void pause() {
        try {
            Thread.sleep(250); // a real attacker comes back at once; the pause keeps the test's own CPU (2 cores) for the hub
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
