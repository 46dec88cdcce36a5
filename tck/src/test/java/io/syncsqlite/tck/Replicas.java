package io.syncsqlite.tck;

import io.syncsqlite.SyncConnection;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/** URLs of replicas that sync through the in-JVM memory transport, and a way to sync one of them now. */
final class Replicas {
    private Replicas() {
    }

    /** A fresh namespace, so test runs never see each other's changes. */
    static String namespace(String prefix) {
        return prefix + "-" + System.nanoTime();
    }

    /** A syncing URL; the long interval leaves every round to {@link #syncNow}. */
    static String url(Path file, String namespace) {
        return "jdbc:syncsqlite:" + file + "?sync.transport=memory&sync.namespace=" + namespace + "&sync.interval=1h";
    }

    /** One sync round of the replica at {@code url}, through a connection of its own (the engine is per file). */
    static void syncNow(String url) throws SQLException {
        try (Connection c = DriverManager.getConnection(url)) {
            c.unwrap(SyncConnection.class).syncNow();
        }
    }
}
