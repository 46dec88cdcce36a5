package io.syncsqlite.transport.ws;

import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * A ws replica in its own JVM that writes a row, syncs once and prints the outcome, for {@link WsSetupMessagesTest}: on
 * a class path without Java-WebSocket (the transport's jar copied alone) or without an SLF4J provider.
 */
public final class ConnectProcess {
    private ConnectProcess() {
    }

    /** Arguments: the database file, then the hub's address (by default a port nobody listens on). */
    public static void main(String[] args) {
        String hub = args.length > 1 ? args[1] : "ws://127.0.0.1:9";
        try (var c = DriverManager.getConnection("jdbc:syncsqlite:" + args[0] + "?sync.transport=ws&sync.url=" + hub + "&sync.token=" + WsReplicas.TOKEN
                + "&sync.timeout=5s&sync.interval=1h")) {
            System.out.println("connected");
            WsReplicas.exec(c, "CREATE TABLE IF NOT EXISTS item(id TEXT PRIMARY KEY, title TEXT, n INTEGER)", "INSERT INTO item(id) VALUES ('a')");
            c.unwrap(io.syncsqlite.SyncConnection.class).syncNow();
            System.out.println("synced");
        } catch (SQLException e) {
            System.out.println("SQLException: " + e.getMessage());
        }
    }
}
