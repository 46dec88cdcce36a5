package io.syncsqlite.bench;

import io.syncsqlite.hub.HubConfig;
import io.syncsqlite.hub.HubServer;
import io.syncsqlite.hub.Tokens;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Child process of the sync benchmarks: a real hub on free loopback ports (HTTP and WebSocket), with its heap watched.
 * Prints {@code PORT port=<n> ws=<n>}; then answers stdin lines {@code reset} (forget the peaks so far: {@code RESET done=1}) and
 * {@code heap} ({@code HEAP peakUsed=.. peakLive=.. max=..}); stops at end of input.
 * Args: {@code <store> <token> <namespace>}, the store a SQLite file or a {@code jdbc:postgresql:} URL (several hub
 * processes may share one).
 */
public final class HubProcess {
    /** Requests in flight the hub allows its loopback address: the push benchmark's clients, with room. */
    private static final int LOOPBACK_CLIENTS = 64;

    private HubProcess() {
    }

    public static void main(String[] args) throws Exception {
        Logging.quiet();
        HeapWatch heap = new HeapWatch();
        boolean postgres = args[0].startsWith("jdbc:postgresql:");
        HubConfig config = HubConfig.of(0, postgres ? Path.of("unused.db") : Path.of(args[0]), new Tokens().grant(args[1], args[2]))
                .withWebSocket(HubConfig.WebSocketOptions.OFF.withPort(0));
        if (postgres) config = config.withStore(new HubConfig.Store(args[0], BenchPostgres.USER, null));
        // every benchmark client connects from loopback: the per-address cap would count them all as one client
        config = config.with(config.bind(), config.maxClockDrift(), config.readTimeout(), LOOPBACK_CLIENTS, config.threads());
        try (HubServer hub = HubServer.start(config)) {
            System.out.println("PORT port=" + hub.port() + " ws=" + hub.wsPort());
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null; ) {
                switch (line.trim()) {
                    case "reset" -> {
                        heap.reset();
                        System.out.println("RESET done=1");
                    }
                    case "heap" -> System.out.println("HEAP " + heap.report());
                    default -> System.out.println("ERROR unknown=" + line.trim());
                }
            }
        }
    }
}
