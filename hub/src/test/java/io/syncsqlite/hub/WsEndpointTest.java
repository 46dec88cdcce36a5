package io.syncsqlite.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncsqlite.change.Change;
import io.syncsqlite.change.Changeset;
import io.syncsqlite.change.ChangesetCodec;
import io.syncsqlite.change.Envelope;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.handshake.ServerHandshake;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Raw WebSocket clients against a real hub: refusals close with a reason and store nothing; the hub stays up. */
class WsEndpointTest {
    private static final String SITE = "0123456789abcdef0123456789abcdef";
    private static final String TOKEN_A = "secret-token-a";
    private static final String TOKEN_B = "secret-token-b";

    @TempDir
    Path dir;
    private HubServer hub;
    private final List<Client> clients = new ArrayList<>();

    private HubServer start(HubConfig.WebSocketOptions ws, int maxBodyBytes) throws Exception {
        Tokens tokens = new Tokens().grant(TOKEN_A, "a").grant(TOKEN_B, "b");
        hub = HubServer.start(HubConfig.of(0, dir.resolve("hub.db"), tokens).withLimits(maxBodyBytes, 10_000).withWebSocket(ws.withPort(0)));
        return hub;
    }

    @AfterEach
    void stop() {
        for (Client c : clients) c.close();
        if (hub != null) hub.close();
    }

    /** A client that records what the hub sends; {@code stall} makes it stop reading after the first message. */
    private final class Client extends WebSocketClient {
        final BlockingQueue<Envelope> received = new LinkedBlockingQueue<>();
        final CompletableFuture<String> closed = new CompletableFuture<>();
        final CountDownLatch stalled = new CountDownLatch(1);
        final boolean stall;

        Client(boolean stall) throws Exception {
            super(URI.create("ws://127.0.0.1:" + hub.wsPort()));
            this.stall = stall;
            clients.add(this);
            assertTrue(connectBlocking(10, TimeUnit.SECONDS));
        }

        @Override
        public void onOpen(ServerHandshake h) {
        }

        @Override
        public void onMessage(String message) {
            onMessage(ByteBuffer.wrap(message.getBytes()));
        }

        @Override
        public void onMessage(ByteBuffer message) {
            try {
                received.add(Envelope.decode(message));
                if (stall && received.size() > 1) stalled.await(); // stops reading the socket until released
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void onClose(int code, String reason, boolean remote) {
            closed.complete(code + " " + reason);
        }

        @Override
        public void onError(Exception ex) {
        }

        /** The next message, skipping the "live" marker (the end of the catch-up) unless {@code live} is asked for. */
        Envelope next() throws InterruptedException {
            Envelope e;
            do {
                e = received.poll(10, TimeUnit.SECONDS);
                if (e == null) throw new AssertionError("no message from the hub within 10 s");
            } while (e.type().equals("live"));
            return e;
        }

        void awaitSubscribed() throws InterruptedException {
            assertEquals("welcome", next().type());
            Envelope e = received.poll(10, TimeUnit.SECONDS);
            assertEquals("live", e == null ? null : e.type());
        }

        String closeReason() throws Exception {
            return closed.get(10, TimeUnit.SECONDS);
        }

        void hello(String token, long since, String namespace) {
            send(Envelope.of("hello", "token", token, "since", since, "namespace", namespace).encode());
        }

        void push(String batch, Changeset cs) {
            send(Envelope.withBody(ChangesetCodec.encode(cs), "push", "batch", batch).encode());
        }
    }

    private static Changeset rows(int first, int count, int valueBytes) {
        List<Change> changes = new ArrayList<>();
        for (int i = first; i < first + count; i++) changes.add(new Change("item", List.of((long) i), "title", "v".repeat(valueBytes), 100 + i, SITE, 1));
        return new Changeset(SITE, changes);
    }

    /** A well-behaved client still works: the hub is up after whatever the test did. */
    private void assertHubServes() throws Exception {
        Client ok = new Client(false);
        ok.hello(TOKEN_B, 0, null);
        assertEquals("welcome", ok.next().type());
        ok.push("ok.1", rows(1, 1, 3));
        Envelope ack = ok.next();
        while (!ack.type().equals("ack")) ack = ok.next();
        assertEquals("applied", ack.text("status").orElseThrow());
    }

    @Test
    void messagesBeforeHelloMalformedOnesAndBadTokensAreRefused() throws Exception {
        start(HubConfig.WebSocketOptions.OFF, 16 << 20);
        Client early = new Client(false);
        early.push("1.0", rows(1, 1, 3));
        assertTrue(early.closeReason().startsWith("1008 the first message must be hello"), early.closeReason());
        Client garbage = new Client(false);
        garbage.send(new byte[] {1, 2, 3, '\n', 4});
        assertTrue(garbage.closeReason().startsWith("1008 malformed message"), garbage.closeReason());
        Client noToken = new Client(false);
        noToken.hello("wrong-token-123", 0, null);
        assertEquals("4401 invalid bearer token", noToken.closeReason());
        Client otherNamespace = new Client(false);
        otherNamespace.hello(TOKEN_A, 0, "b");
        assertEquals("4403 the token does not grant namespace 'b'", otherNamespace.closeReason());
        Client unknownType = new Client(false);
        unknownType.hello(TOKEN_A, 0, null);
        assertEquals("welcome", unknownType.next().type());
        unknownType.send(Envelope.of("delete-everything").encode());
        assertTrue(unknownType.closeReason().startsWith("1008 unexpected message type"), unknownType.closeReason());
        assertEquals(0, hub.cellCount("a"), "nothing stored");
        assertTrue(hub.metrics().refused() >= 5);
        assertHubServes();
    }

    @Test
    void invalidPushesAreAnsweredWithTheHttpStatusAndStoreNothing() throws Exception {
        start(HubConfig.WebSocketOptions.OFF, 16 << 20);
        Client c = new Client(false);
        c.hello(TOKEN_A, 0, null);
        c.awaitSubscribed();
        c.send(Envelope.withBody("{\"v\":1,\"site\":".getBytes(), "push", "batch", "1.0").encode());
        Envelope malformed = c.next();
        assertEquals(List.of("error", 400L), List.of(malformed.type(), malformed.number("status").orElseThrow()), malformed.header().toString());
        c.push("2.0", new Changeset(SITE, List.of(new Change("sqlite_master", List.of(1L), "sql", "x", 1, SITE, 1))));
        Envelope refused = c.next(); // refused one by one: acknowledged, with the change named in the body
        String reasons = new String(refused.body(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals("ack", refused.type(), refused.header().toString());
        assertTrue(reasons.contains("{\"change\":0,") && reasons.contains("is reserved"), reasons);
        c.push("bad batch id!", rows(1, 1, 3));
        assertEquals(400L, c.next().number("status").orElseThrow());
        assertEquals(0, hub.cellCount("a"), "nothing stored");
        assertTrue(c.isOpen(), "a refused push does not close the connection");
    }

    @Test
    void oversizedMessagesCloseTheConnection() throws Exception {
        start(HubConfig.WebSocketOptions.OFF, 4096);
        Client c = new Client(false);
        c.hello(TOKEN_A, 0, null);
        assertEquals("welcome", c.next().type());
        c.push("1.0", rows(1, 1, 64 * 1024));
        assertTrue(c.closeReason().startsWith("1009"), c.closeReason());
        assertEquals(0, hub.cellCount("a"));
        assertHubServes();
    }

    @Test
    void silentConnectionsAreClosedAfterTheAuthTimeout() throws Exception {
        start(HubConfig.WebSocketOptions.OFF.withAuthSeconds(1), 16 << 20);
        Client silent = new Client(false);
        assertEquals("1008 no hello within 1 s", silent.closeReason());
    }

    @Test
    void subscribersGetOthersPushesButNotTheirOwnAndNoOtherNamespace() throws Exception {
        start(HubConfig.WebSocketOptions.OFF, 16 << 20);
        Client a1 = new Client(false);
        Client a2 = new Client(false);
        Client b = new Client(false);
        for (Client c : List.of(a1, a2)) c.hello(TOKEN_A, 0, "a");
        b.hello(TOKEN_B, 0, null);
        for (Client c : List.of(a1, a2, b)) c.awaitSubscribed();
        a1.push("1.0", rows(1, 5, 10));
        Map<String, Envelope> byType = new java.util.HashMap<>();
        for (int i = 0; i < 2; i++) {
            Envelope e = a1.next();
            byType.put(e.type(), e);
        }
        assertEquals(5L, byType.get("ack").number("stored").orElseThrow());
        assertEquals(0, byType.get("changes").body().length, "no echo of a1's own changes");
        Envelope seen = a2.next();
        assertEquals("changes", seen.type());
        assertEquals(5, ChangesetCodec.decode(seen.body()).size());
        assertEquals(0L, seen.number("from").orElseThrow());
        assertEquals(null, b.received.poll(300, TimeUnit.MILLISECONDS), "namespace b sees nothing of a");
    }

    @Test
    void aSubscriberThatStopsReadingIsDisconnectedBeforeItsQueuePassesTheCap() throws Exception {
        int cap = 512 * 1024;
        start(HubConfig.WebSocketOptions.OFF.withQueueBytes(cap), 16 << 20);
        Client stalled = new Client(true);
        stalled.hello(TOKEN_A, 0, null);
        Client writer = new Client(false);
        writer.hello(TOKEN_A, 0, null);
        writer.awaitSubscribed();
        long heapBefore = usedHeapAfterGc();
        long maxWaiting = 0;
        int pushes = 0;
        // 100 KiB per push: the stalled client's kernel buffers fill first, then the hub's queue for it
        while (hub.slowSubscriberDisconnects() == 0 && pushes < 1000) {
            writer.push("w." + pushes, rows(pushes * 100, 100, 1024));
            pushes++;
            Envelope e;
            do {
                e = writer.next();
            } while (!e.type().equals("ack"));
            maxWaiting = Math.max(maxWaiting, hub.maxSubscriberWaitingBytes());
        }
        // measured while the stalled client (in this JVM) still reads nothing: once released it buffers what its
        // kernel held, which is the test's memory, not the hub's
        long heapAfter = usedHeapAfterGc();
        stalled.stalled.countDown();
        System.out.println("slow subscriber: pushes=" + pushes + " (" + pushes * 100 + " KiB) maxWaitingBytes=" + maxWaiting + " cap=" + cap
                + " heapBefore=" + heapBefore + " heapAfter=" + heapAfter);
        assertEquals(1, hub.slowSubscriberDisconnects(), "the stalled subscriber was disconnected");
        // the hub cut the connection without a close handshake the stalled client would never read
        assertTrue(stalled.closeReason().startsWith("1006"), stalled.closeReason());
        assertTrue(heapAfter - heapBefore < 4L * cap, "hub heap grew by " + (heapAfter - heapBefore) + " bytes");
        assertTrue(maxWaiting <= cap, "bytes waiting for one subscriber stayed within the cap: " + maxWaiting);
        assertTrue(writer.isOpen(), "the writer is unaffected");
    }

    @Test
    void aMessageLargerThanTheQueueCapReachesIdleSubscribersWithoutDisconnectingThem() throws Exception {
        int cap = 256 * 1024;
        start(HubConfig.WebSocketOptions.OFF.withQueueBytes(cap), 16 << 20);
        List<Client> idle = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Client c = new Client(false);
            c.hello(TOKEN_A, 0, null);
            c.awaitSubscribed();
            idle.add(c);
        }
        Client writer = new Client(false);
        writer.hello(TOKEN_A, 0, null);
        writer.awaitSubscribed();
        // one transaction of 4 values of 256 KiB: one message of about 1 MiB, four times the cap
        writer.push("big.1", rows(1, 4, 256 * 1024));
        for (Client c : idle) {
            Envelope e = c.next();
            assertEquals("changes", e.type());
            assertEquals(4, ChangesetCodec.decode(e.body()).size(), "the whole push arrived");
            assertTrue(c.isOpen(), "the idle subscriber stays connected");
        }
        assertEquals(0, hub.slowSubscriberDisconnects());
    }

    private static long usedHeapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
