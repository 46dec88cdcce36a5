package io.syncsqlite.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Clients that send a request one byte at a time neither stop the hub nor hold its handlers for good. */
class HubSlowClientsTest {
    private static final int SLOW_CLIENTS = 24;

    @TempDir
    Path dir;

    @Test
    void healthStaysAnswerableAndSlowRequestsAreCutAtTheReadTimeout() throws Exception {
        HubConfig config = HubConfig.of(0, dir.resolve("hub.db"), new Tokens().grant("token-of-a", "a"));
        try (HubServer hub = HubServer.start(config.with(config.bind(), config.maxClockDrift(), config.readTimeout(), config.maxPerClient(), 16))) {
            List<Socket> slow = new ArrayList<>();
            try {
                for (int i = 0; i < SLOW_CLIENTS; i++) {
                    Socket s = new Socket("127.0.0.1", hub.port());
                    s.getOutputStream().write("GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                    slow.add(s);
                }
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                long readTimeout = Long.getLong(HubServer.MAX_REQUEST_TIME_PROPERTY); // the JVM's first hub set it
                long deadline = System.nanoTime() + Duration.ofSeconds(readTimeout + 5).toNanos();
                int answered = 0;
                int open = SLOW_CLIENTS;
                while (open > 0) {
                    assertTrue(System.nanoTime() < deadline, open + " slow connections still open " + (readTimeout + 5) + " s after they started");
                    for (Socket s : slow) trickle(s); // one more byte each, never finishing the header
                    long start = System.nanoTime();
                    HttpResponse<String> health = http.send(HttpRequest.newBuilder(hub.uri().resolve("/v1/health")).timeout(Duration.ofSeconds(2)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertEquals(200, health.statusCode());
                    assertTrue(System.nanoTime() - start < Duration.ofSeconds(2).toNanos(), "health answered promptly while slow clients hang on");
                    answered++;
                    open = (int) slow.stream().filter(s -> !closedByHub(s)).count();
                }
                assertTrue(answered > 0);
            } finally {
                for (Socket s : slow) s.close();
            }
        }
    }

    private static void trickle(Socket s) {
        try {
            OutputStream out = s.getOutputStream();
            out.write('x');
            out.flush();
        } catch (IOException closed) {
            // the hub already cut it: what the test waits for
        }
    }

    /** Whether the hub closed the connection (end of stream or reset), polled without blocking for long. */
    private static boolean closedByHub(Socket s) {
        try {
            s.setSoTimeout(50);
            InputStream in = s.getInputStream();
            return in.read() < 0;
        } catch (java.net.SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }
}
