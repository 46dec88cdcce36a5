package io.syncsqlite.hub;

import io.syncsqlite.change.Envelope;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.java_websocket.WebSocket;
import org.java_websocket.WebSocketImpl;

/**
 * One WebSocket connection of the hub: its namespace, the sequence it has been sent everything up to, and a bounded
 * queue of pushes accepted while it was busy. Catch-up pages come from the store through {@link Hub#pull} (the same
 * paging as HTTP), live pushes from the queue; the two meet at the cursor, so a subscriber sees every sequence once,
 * in order. The bytes waiting for it (queued plus unsent in its socket) pass the cap only by the one message let
 * through when nothing waited (so a push larger than the cap reaches idle subscribers); past it, the subscriber is
 * disconnected and catches up from its cursor when it reconnects, so a slow client never grows the hub's memory.
 */
final class WsSubscriber {
    /** Socket bytes unsent before the subscriber stops handing it more (it resumes when the socket drains). */
    private static final int SOCKET_WINDOW = 128 * 1024;
    /**
     * Stored bytes in one catch-up page. With {@link #SOCKET_WINDOW} it bounds what a catching-up subscriber costs the
     * hub (about 200 KiB: 500 subscribers reconnecting at once fit in a small heap), whatever the size of the
     * namespace or its values; one larger row still goes out whole.
     */
    private static final int CATCH_UP_PAGE_BYTES = 64 * 1024;

    /** Changes of one push, {@code (from, to]}, as the message this subscriber gets. */
    record Frame(long from, long to, byte[] message) {
    }

    private final WsEndpoint endpoint;
    private final WebSocket conn;
    private final int capBytes;
    private final int pageLimit;
    private final long openedNanos = System.nanoTime();
    private final ArrayDeque<Frame> queue = new ArrayDeque<>();
    private final AtomicBoolean draining = new AtomicBoolean();
    /** Messages from the client are handled one after another, in arrival order, off the socket threads. */
    private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);
    private long queuedBytes;
    private volatile boolean helloReceived;
    private volatile String namespace;
    /** The site id the client named in its hello ({@code null} from a client that names none). */
    private volatile String site;
    private volatile boolean closed;
    private volatile boolean blocked;
    private final AtomicLong receivedBytes = new AtomicLong();
    private final AtomicLong sentBytes = new AtomicLong();
    /** The last sequence offered to this subscriber (its namespace's head as far as it knows). */
    private volatile long offeredUpTo;
    /** Written only by the drain task (one at a time); read for metrics. */
    private volatile long sentUpTo;
    private boolean caughtUp;
    /** Set when another hub stored a push in the namespace: the next drain reads the store (pushes through this hub come through {@link #offer}). */
    private volatile boolean storeAhead;
    private boolean announcedLive;

    WsSubscriber(WsEndpoint endpoint, WebSocket conn, int capBytes, int pageLimit) {
        this.endpoint = endpoint;
        this.conn = conn;
        this.capBytes = capBytes;
        this.pageLimit = pageLimit;
    }

    WebSocket connection() {
        return conn;
    }

    String namespace() {
        return namespace;
    }

    String site() {
        return site;
    }

    /** The last hub sequence handed to this subscriber's socket. */
    long sentUpTo() {
        return sentUpTo;
    }

    boolean helloReceived() {
        return helloReceived;
    }

    void helloReceived(boolean received) {
        helloReceived = received;
    }

    long openedNanos() {
        return openedNanos;
    }

    void received(int bytes) {
        receivedBytes.addAndGet(bytes);
        endpoint.hub().metrics().received(bytes);
    }

    long receivedBytes() {
        return receivedBytes.get();
    }

    long sentBytes() {
        return sentBytes.get();
    }

    /** Sequences of its namespace accepted but not yet handed to this subscriber's socket. */
    long lag() {
        return namespace == null ? 0 : Math.max(0, offeredUpTo - sentUpTo);
    }

    synchronized void serially(Runnable task) {
        tail = tail.thenRunAsync(() -> {
            if (!closed) task.run();
        }, endpoint.executor());
    }

    /**
     * Starts the stream at {@code since} ({@code head} is the namespace's last sequence): catch-up from the store, then
     * live pushes. {@code site} is the site id the client named, if any.
     */
    void subscribed(String ns, String site, long since, long head) {
        sentUpTo = since;
        offeredUpTo = head;
        this.site = site;
        namespace = ns;
        schedule();
    }

    void send(byte[] message) {
        if (!closed && conn.isOpen()) write(message);
    }

    private void write(byte[] message) {
        conn.send(message);
        sentBytes.addAndGet(message.length);
        endpoint.hub().metrics().sent(message.length);
    }

    /**
     * Queues an accepted push and, when this subscriber is live and its socket has room, hands it to the socket at once
     * on the calling thread: a socket send only queues bytes for the server's selector, so it never blocks. A fan-out
     * to hundreds of subscribers then costs one pass over them instead of a task (and a thread wake-up) each.
     */
    void offer(Frame f) {
        boolean overflow;
        synchronized (this) {
            if (closed) return;
            offeredUpTo = Math.max(offeredUpTo, f.to());
            // one message goes through when nothing waits, whatever its size: an idle subscriber is never cut for
            // a large push; past the cap on top of what already waits, the subscriber is behind
            long waiting = queuedBytes + socketBytes();
            overflow = waiting > 0 && waiting + f.message().length > capBytes;
            if (!overflow) {
                queue.add(f);
                queuedBytes += f.message().length;
            } else {
                queue.clear();
                queuedBytes = 0;
                closed = true;
            }
        }
        if (overflow) endpoint.slow(this);
        else if (namespace != null && !closed && draining.compareAndSet(false, true)) drain(false);
    }

    /** Another hub stored a push up to {@code head} (-1: unknown) in this subscriber's namespace: it is read from the store. */
    void storedElsewhere(long head) {
        if (head > offeredUpTo) offeredUpTo = head;
        storeAhead = true;
        schedule();
    }

    synchronized long waitingBytes() {
        return queuedBytes + socketBytes();
    }

    void closed() {
        synchronized (this) {
            closed = true;
            queue.clear();
            queuedBytes = 0;
        }
    }

    void resumeIfDrained() {
        if (blocked && socketBytes() < SOCKET_WINDOW) {
            blocked = false;
            schedule();
        }
    }

    private void schedule() {
        if (namespace != null && !closed && draining.compareAndSet(false, true)) endpoint.executor().execute(() -> drain(true));
    }

    /**
     * Sends what is due, holding {@link #draining}. Reading a catch-up page from the store is left to an executor task
     * ({@code mayReadStore} false on the pushing thread, which must not wait for the store under the hub's push order).
     */
    private void drain(boolean mayReadStore) {
        try {
            while (!closed && conn.isOpen()) {
                if (socketBytes() >= SOCKET_WINDOW) {
                    blocked = true;
                    return;
                }
                Frame next;
                synchronized (this) {
                    while ((next = queue.peek()) != null && next.to() <= sentUpTo) {
                        queue.poll();
                        queuedBytes -= next.message().length;
                    }
                    if (next != null && caughtUp && next.from() == sentUpTo) {
                        queue.poll();
                        queuedBytes -= next.message().length;
                    }
                }
                if (next != null && caughtUp && next.from() == sentUpTo) {
                    write(next.message());
                    sentUpTo = next.to();
                    continue;
                }
                if (next == null && caughtUp && !storeAhead || !mayReadStore) return;
                storeAhead = false;
                catchUpPage();
            }
        } catch (Exception e) {
            System.getLogger(WsSubscriber.class.getName()).log(System.Logger.Level.WARNING, "ws catch-up failed ns=" + namespace + "; closing", e);
            conn.close(WsEndpoint.CLOSE_UNAVAILABLE, "internal hub error during catch-up; reconnect");
        } finally {
            draining.set(false);
            boolean more;
            synchronized (this) {
                more = !queue.isEmpty() || !caughtUp || storeAhead;
            }
            if (more && !blocked && !closed) schedule();
        }
    }

    /** One page from the store after {@code sentUpTo}: the same paging as an HTTP pull, bounded in bytes. */
    private void catchUpPage() throws Exception {
        HubStore.Page page = endpoint.hub().pull(namespace, sentUpTo, pageLimit, CATCH_UP_PAGE_BYTES);
        if (page.next() != sentUpTo) {
            write(Envelope.withBody(endpoint.hub().changeset(page.changes()), "changes", "from", sentUpTo,
                    "to", page.next()).encode());
            sentUpTo = page.next();
        }
        caughtUp = !page.more();
        if (caughtUp && !announcedLive) {
            announcedLive = true;
            write(Envelope.of("live", "seq", sentUpTo).encode());
        }
    }

    /** Bytes handed to the socket and not yet written to the network. */
    private long socketBytes() {
        if (!(conn instanceof WebSocketImpl impl)) return 0;
        long n = 0;
        for (ByteBuffer b : impl.outQueue) n += b.remaining();
        return n;
    }
}
