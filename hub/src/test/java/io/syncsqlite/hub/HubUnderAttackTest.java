package io.syncsqlite.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncsqlite.change.Envelope;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.handshake.ServerHandshake;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real hub process with a small heap ({@code java -Xmx256m}) against real hostile sockets: nothing a client does
 * before it authenticates costs the hub more than a few KiB or lives past the auth timeout, and the WebSocket endpoint
 * keeps serving honest clients (or is started again, and health says so).
 */
class HubUnderAttackTest {
    @TempDir
    Path dir;

    /** An honest client: connects, says hello with the valid token, and returns the hub's first answer. */
    private static Envelope honestHello(URI ws) throws Exception {
        CompletableFuture<Envelope> first = new CompletableFuture<>();
        WebSocketClient c = new WebSocketClient(ws) {
            @Override
            public void onOpen(ServerHandshake h) {
                send(Envelope.of("hello", "token", HubChild.TOKEN, "since", 0L).encode());
            }

            @Override
            public void onMessage(String message) {
            }

            @Override
            public void onMessage(ByteBuffer message) {
                try {
                    first.complete(Envelope.decode(message));
                } catch (Exception e) {
                    first.completeExceptionally(e);
                }
            }

            @Override
            public void onClose(int code, String reason, boolean remote) {
                first.completeExceptionally(new IOException("closed " + code + " " + reason));
            }

            @Override
            public void onError(Exception ex) {
                first.completeExceptionally(ex);
            }
        };
        try {
            if (!c.connectBlocking(10, TimeUnit.SECONDS)) throw new IOException("no WebSocket connection to " + ws);
            return first.get(10, TimeUnit.SECONDS);
        } finally {
            c.closeBlocking();
        }
    }

    private static void assertServes(HubChild hub) throws Exception {
        assertEquals("welcome", honestHello(hub.wsUri()).type(), "an honest client is welcomed");
        HttpResponse<String> health = hub.get("/v1/health");
        assertEquals(200, health.statusCode(), health.body());
        assertTrue(health.body().contains("\"ws\":\"serving\""), health.body());
    }

    /** The close code of the close frame at the start of {@code got} (what the hub sent before closing), or -1. */
    private static int closeCode(byte[] got) {
        for (int i = 0; i + 3 < got.length; i++) {
            if ((got[i] & 0xFF) == 0x88 && (got[i + 1] & 0x7F) >= 2) return ((got[i + 2] & 0xFF) << 8) | (got[i + 3] & 0xFF);
        }
        return -1;
    }

    @Test
    void framesAnnouncedBeforeHelloAreRefusedBeforeTheHubAllocatesThem() throws Exception {
        try (HubChild hub = new HubChild(dir, "256m")) {
            // 48 connections each announce a 23,000,000-byte frame (under the hub's push cap): ~1.1 GB if allocated
            List<RawSocket> attackers = new ArrayList<>();
            for (int i = 0; i < 48; i++) {
                RawSocket s = new RawSocket("127.0.0." + (2 + i / 16), hub.wsPort).upgrade(hub.wsPort);
                s.write(RawSocket.binaryFrameHeader(23_000_000, true));
                attackers.add(s);
            }
            for (RawSocket s : attackers) {
                byte[] got = s.readUntilClosed(30_000);
                int code = closeCode(got);
                // the close frame may be lost when the hub's close resets the connection: the metric below counts each refusal
                assertTrue(code == 1009 || code == -1 && s.closedByHubWithin(100), "closed as too big, got close code " + code + ":\n" + hub.log());
                s.close();
            }
            assertServes(hub);
            assertEquals(48, hub.awaitMetric("refusals_total{reason=\"ws_close_1009\"}", n -> n >= 48, Duration.ofSeconds(10)), hub.get("/metrics").body());
        }
    }

    @Test
    void upgradeRequestsAndRequestHeadsAreCutAfterAFewKiB() throws Exception {
        try (HubChild hub = new HubChild(dir, "256m")) {
            // an upgrade request whose header line never ends: cut after a few KiB, long before the auth timeout
            try (RawSocket endless = new RawSocket("127.0.0.5", hub.wsPort)) {
                endless.write("GET / HTTP/1.1\r\nHost: x\r\nX-Endless: ".getBytes(StandardCharsets.US_ASCII));
                byte[] chunk = "a".repeat(4096).getBytes(StandardCharsets.US_ASCII);
                int sent = 0;
                try {
                    for (; sent < 64; sent++) endless.write(chunk);
                } catch (IOException e) {
                    // reset by the hub while still sending: what the test wants
                }
                assertTrue(endless.closedByHubWithin(20_000), "the endless header was cut (sent " + sent * 4 + " KiB)");
            }
            // and on the HTTP port, a request whose headers pass 16 KiB is not served
            try (RawSocket longHeader = new RawSocket("127.0.0.6", hub.port)) {
                String request = "GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Long: " + "a".repeat(64 * 1024) + "\r\n\r\n";
                try {
                    longHeader.write(request.getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    // reset by the hub while still sending
                }
                String answer = new String(longHeader.readUntilClosed(5_000), StandardCharsets.US_ASCII);
                assertTrue(!answer.startsWith("HTTP/1.1 200"), "a 64 KiB header is refused: " + answer);
            }
            assertServes(hub);
        }
    }

    @Test
    void connectionsThatNeverAuthenticateAreClosedAtTheDeadlineAndCappedPerAddress() throws Exception {
        // the default cap: 32 connections authenticating at once per address
        try (HubChild hub = new HubChild(dir, "256m", "--ws-auth-seconds", "2")) {
            long start = System.nanoTime();
            List<RawSocket> silent = new ArrayList<>();
            for (int i = 0; i < 32; i++) silent.add(new RawSocket("127.0.0.2", hub.wsPort));
            // past the per-address cap: closed as they are accepted, not at the deadline
            List<RawSocket> overCap = new ArrayList<>();
            for (int i = 0; i < 5; i++) overCap.add(new RawSocket("127.0.0.2", hub.wsPort));
            for (RawSocket s : overCap) assertTrue(s.closedByHubWithin(1_000), "a connection past the per-address cap is refused at once");
            for (int i = 0; i < 40; i++) silent.add(new RawSocket("127.0.0." + (3 + i / 20), hub.wsPort));
            for (int i = 0; i < 20; i++) {
                RawSocket half = new RawSocket("127.0.0.5", hub.wsPort);
                half.write("GET / HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII)); // and never the rest
                silent.add(half);
            }
            for (int i = 0; i < 20; i++) silent.add(new RawSocket("127.0.0.6", hub.wsPort).upgrade(hub.wsPort)); // and never a hello
            assertServes(hub); // an honest client from another address is not held back meanwhile
            for (RawSocket s : silent) {
                assertTrue(s.closedByHubWithin(15_000), "a connection that never authenticates is closed");
                s.close();
            }
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
            assertTrue(seconds < 15, "all closed " + seconds + " s after they connected (auth timeout 2 s, grace 2 s)");
            assertTrue(hub.metric("refusals_total{reason=\"ws_unauthenticated_per_address\"}") >= 5, hub.get("/metrics").body());
            assertEquals(0, hub.awaitMetric("ws_unauthenticated_connections", n -> n == 0, Duration.ofSeconds(10)));
            assertServes(hub);
        }
    }

    @Test
    void authenticatedClientsAnnouncingLargeFramesAtOnceAreHeldToTheReceiveBudget() throws Exception {
        // after hello a connection may announce frames up to the push cap (23 MB): twelve at once are ~280 MB, more
        // than the whole heap; those past the hub's receive budget are refused with 1013 before anything is allocated
        try (HubChild hub = new HubChild(dir, "256m")) {
            long budget = hub.metric("receive_budget_bytes");
            int fit = (int) (budget / 23_000_000);
            assertTrue(fit >= 1 && fit < 12, "a quarter of the heap holds " + fit + " such frames");
            List<RawSocket> heavy = authenticated(hub, 12);
            for (RawSocket s : heavy) s.write(RawSocket.binaryFrameHeader(23_000_000, true));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            long refused = hub.awaitMetric("refusals_total{reason=\"ws_close_1013\"}", n -> n >= 12 - fit, Duration.ofNanos(deadline - System.nanoTime()));
            assertTrue(refused >= 12 - fit, "frames past the budget were refused with 1013:\n" + hub.get("/metrics").body());
            assertEquals(fit * 23_000_000L, hub.metric("receive_budget_used_bytes"), "the frames that fit hold their share, no more");
            assertServes(hub);
            assertEquals(0, hub.metric("ws_endpoint_restarts"), "no memory error, no restart:\n" + hub.log());
            assertEquals(12 - fit, hub.metric("refusals_total{reason=\"ws_close_1013\"}"), "only those past the budget were refused");
            for (RawSocket s : heavy) s.close();
            long used = hub.awaitMetric("receive_budget_used_bytes", n -> n == 0, Duration.ofNanos(deadline + TimeUnit.SECONDS.toNanos(30) - System.nanoTime()));
            assertEquals(0, used, "the budget is given back when the connections close");
        }
    }

    /** {@code n} raw connections that said hello with the valid token and were welcomed. */
    private static List<RawSocket> authenticated(HubChild hub, int n) throws Exception {
        List<RawSocket> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            RawSocket s = new RawSocket("127.0.0.1", hub.wsPort).upgrade(hub.wsPort);
            s.sendMessage(Envelope.of("hello", "token", HubChild.TOKEN, "since", 0L).encode());
            assertEquals("welcome", Envelope.decode(ByteBuffer.wrap(s.readMessage())).type());
            out.add(s);
        }
        return out;
    }

    @Test
    void aMemoryErrorInTheWebSocketEndpointNeverLeavesItSilentlyDead() throws Exception {
        // with a receive budget set past the heap, authenticated connections announcing frames up to the push cap
        // (23 MB) do not fit in a 64 MB heap: a worker of the library hits OutOfMemoryError and the library stops its
        // server
        try (HubChild hub = new HubChild(dir, "64m", "--receive-budget-bytes", "1000000000")) {
            List<RawSocket> heavy = authenticated(hub, 4);
            for (RawSocket s : heavy) {
                try {
                    s.write(RawSocket.binaryFrameHeader(23_000_000, true));
                } catch (IOException e) {
                    // the endpoint already went down with an earlier one
                }
            }
            assertTrue(hub.awaitMetric("ws_endpoint_restarts", n -> n >= 1, Duration.ofSeconds(60)) >= 1, "the endpoint was not started again:\n" + hub.log());
            for (RawSocket s : heavy) s.close();
            assertServes(hub);
            assertTrue(hub.log().contains("OutOfMemoryError"), "the memory error happened and was logged");
        }
    }
}
