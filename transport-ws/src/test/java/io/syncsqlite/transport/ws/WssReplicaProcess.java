package io.syncsqlite.transport.ws;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;

/**
 * A replica in its own JVM (whose trust store holds the hub's certificate) for {@link WssTest}: inserts one row named
 * after itself over {@code wss://}, then waits until it also holds {@code expect} rows; exits 0, or 1 on timeout.
 * Args: {@code <db file> <wss url> <name> <expect>}.
 */
public final class WssReplicaProcess {
    private WssReplicaProcess() {
    }

    public static void main(String[] args) throws Exception {
        try (Connection c = WsReplicas.open(Path.of(args[0]), args[1])) {
            WsReplicas.exec(c, "INSERT INTO item(id, title, n) VALUES ('" + args[2] + "', 'over wss', 1)");
            WsReplicas.await(Duration.ofSeconds(60), () -> WsReplicas.count(c) == Long.parseLong(args[3]), "every replica's row");
        } catch (AssertionError e) {
            System.err.println(e.getMessage());
            System.exit(1);
        }
        System.exit(0);
    }
}
