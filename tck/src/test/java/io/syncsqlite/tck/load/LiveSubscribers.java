package io.syncsqlite.tck.load;

import io.syncsqlite.change.Envelope;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * WebSocket subscribers of one namespace (the JDK's client: one shared thread pool, not threads per connection), each
 * following the stream from its cursor, checking it is contiguous, and reconnecting from its cursor when the hub (or
 * its cap on connections authenticating) closes it.
 */
final class LiveSubscribers implements AutoCloseable {
    private final URI uri;
    private final String token;
    private final List<Subscriber> all = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicLong reconnects = new AtomicLong();
    private final AtomicLong gaps = new AtomicLong();
    private volatile boolean closing;

    LiveSubscribers(URI uri, String token, int count) {
        this.uri = uri;
        this.token = token;
        for (int i = 0; i < count; i++) all.add(new Subscriber());
    }

    /** Connects every subscriber (those the hub turns away retry after a short pause). */
    void start() {
        for (Subscriber s : all) s.connect();
    }

    long reconnects() {
        return reconnects.get();
    }

    long gaps() {
        return gaps.get();
    }

    long countAt(long seq) {
        return all.stream().filter(s -> s.cursor >= seq).count();
    }

    /** Waits until every subscriber's cursor is at {@code seq}; false when some are not by the deadline. */
    boolean awaitAllAt(long seq, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (countAt(seq) < all.size()) {
            if (System.nanoTime() > deadline) return false;
            Thread.sleep(100); // polling a condition with a deadline
        }
        return true;
    }

    @Override
    public void close() {
        closing = true;
        for (Subscriber s : all) s.close();
    }

    private final class Subscriber implements WebSocket.Listener {
        volatile long cursor;
        private volatile WebSocket socket;
        private final ByteArrayOutputStream message = new ByteArrayOutputStream();

        void connect() {
            if (closing) return;
            http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10)).buildAsync(uri, this).whenComplete((ws, failure) -> {
                if (failure != null) retry();
            });
        }

        private void retry() {
            if (closing) return;
            reconnects.incrementAndGet();
            CompletableFuture.delayedExecutor(50 + (long) (Math.random() * 200), TimeUnit.MILLISECONDS).execute(this::connect);
        }

        @Override
        public void onOpen(WebSocket ws) {
            socket = ws;
            ws.sendBinary(ByteBuffer.wrap(Envelope.of("hello", "token", token, "since", cursor).encode()), true);
            ws.request(1);
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            message.write(b, 0, b.length);
            if (last) {
                try {
                    Envelope e = Envelope.decode(ByteBuffer.wrap(message.toByteArray()));
                    if (e.type().equals("changes")) {
                        long from = e.number("from").orElse(-1L);
                        if (from != cursor) gaps.incrementAndGet();
                        cursor = e.number("to").orElse(cursor);
                    } else if (e.type().equals("welcome") && e.flag("reset")) {
                        gaps.incrementAndGet(); // the hub was not restored: a reset here would be a lost cursor
                    }
                } catch (Exception ex) {
                    gaps.incrementAndGet();
                }
                message.reset();
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
            message.reset();
            retry();
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            message.reset();
            retry();
        }

        void close() {
            WebSocket ws = socket;
            if (ws != null) ws.abort();
        }
    }
}
