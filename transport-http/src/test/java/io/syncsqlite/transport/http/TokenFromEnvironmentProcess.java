package io.syncsqlite.transport.http;

import io.syncsqlite.SyncConnection;
import java.sql.Connection;
import java.sql.DriverManager;

/**
 * A replica in its own JVM whose URL holds no token: {@code SYNCSQLITE_TOKEN} in its environment is the hub's token
 * (for {@link HubTokenSourcesTest}). Writes one row, publishes it and exits 0.
 */
public final class TokenFromEnvironmentProcess {
    private TokenFromEnvironmentProcess() {
    }

    public static void main(String[] args) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:syncsqlite:" + args[0] + "?sync.transport=http&sync.url=" + args[1] + "&sync.interval=1h")) {
            Replicas.exec(c, "CREATE TABLE IF NOT EXISTS item(id TEXT PRIMARY KEY, title TEXT, n INTEGER, price REAL, data BLOB)",
                    "INSERT INTO item(id, title) VALUES ('from-env', 'token from the environment')");
            c.unwrap(SyncConnection.class).syncNow();
        }
    }
}
