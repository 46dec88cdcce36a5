package io.syncsqlite.tck.constraints;

import io.syncsqlite.SyncConnection;
import io.syncsqlite.hub.HubConfig;
import io.syncsqlite.hub.HubServer;
import io.syncsqlite.hub.Tokens;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Replicas of one sync group over one of the four transports: the in-JVM memory transport, a shared folder (nas), and
 * a real hub on loopback over HTTP or WebSocket. Rounds run only when asked ({@code sync.interval=1h}).
 */
final class Transports implements AutoCloseable {
    private static final String TOKEN = "constraints-token";

    private final String transport;
    private final Path dir;
    private final String namespace = "constraints-" + System.nanoTime();
    private final HubServer hub;

    Transports(String transport, Path dir) throws Exception {
        this.transport = transport;
        this.dir = dir;
        this.hub = transport.equals("http") || transport.equals("ws")
                ? HubServer.start(HubConfig.of(0, dir.resolve("hub.db"), new Tokens().grant(TOKEN, namespace)).withWebSocket(HubConfig.WebSocketOptions.OFF.withPort(0)))
                : null;
    }

    /** The URL of replica {@code name} (a file in the test's folder). */
    String url(String name) throws Exception {
        String file = "jdbc:syncsqlite:" + dir.resolve(name + ".db");
        return switch (transport) {
            case "memory" -> file + "?sync.transport=memory&sync.namespace=" + namespace + "&sync.interval=1h";
            case "nas" -> file + "?sync.transport=nas&sync.dir=" + Files.createDirectories(dir.resolve("share")) + "&sync.namespace=" + namespace
                    + "&sync.interval=1h";
            case "http" -> file + "?sync.transport=http&sync.url=" + hub.uri() + "&sync.token=" + TOKEN + "&sync.timeout=10s&sync.interval=1h";
            case "ws" -> file + "?sync.transport=ws&sync.url=" + hub.wsUri() + "&sync.token=" + TOKEN + "&sync.timeout=10s&sync.interval=1h";
            default -> throw new IllegalArgumentException(transport);
        };
    }

    /**
     * As {@link #url}, with the hub's address replaced by a loopback port nothing listens on: a replica of a hub that
     * cannot reach it (its rounds fail at once). Only for {@code http} and {@code ws}.
     */
    String unreachableUrl(String name) throws Exception {
        if (hub == null) throw new IllegalStateException(transport + " has no hub");
        String url = url(name);
        String reachable = transport.equals("http") ? hub.uri().toString() : hub.wsUri().toString();
        java.net.URI at = java.net.URI.create(reachable);
        return url.replace(reachable, new java.net.URI(at.getScheme(), null, "127.0.0.1", 1, at.getPath(), null, null).toString());
    }

    static Connection open(String url) throws SQLException {
        return DriverManager.getConnection(url);
    }

    static void exec(Connection c, String... sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String q : sql) s.execute(q);
        }
    }

    static void inOneTransaction(Connection c, String... sql) throws SQLException {
        c.setAutoCommit(false);
        try {
            exec(c, sql);
            c.commit();
        } finally {
            c.setAutoCommit(true);
        }
    }

    static long count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /** Every row of {@code table} with storage classes, sorted. */
    static String dump(Connection c, String table) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM \"" + table + "\"")) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder b = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    Object v = rs.getObject(i);
                    b.append(v).append(v == null ? "" : ":" + v.getClass().getSimpleName()).append(i < n ? "|" : "");
                }
                rows.add(b.toString());
            }
        }
        java.util.Collections.sort(rows);
        return String.join("\n", rows);
    }

    /**
     * Syncs every connection (one round each, twice over: what one replica applies and settles reaches the others) until
     * {@code settled} holds or {@code timeoutMillis} pass; returns whether it held.
     */
    static boolean syncUntil(List<Connection> replicas, long timeoutMillis, Check settled) throws Exception {
        long end = System.currentTimeMillis() + timeoutMillis;
        do {
            for (int pass = 0; pass < 2; pass++) for (Connection c : replicas) c.unwrap(SyncConnection.class).syncNow();
            if (settled.holds()) return true;
        } while (System.currentTimeMillis() < end);
        return false;
    }

    @FunctionalInterface
    interface Check {
        boolean holds() throws Exception;
    }

    @Override
    public void close() {
        if (hub != null) hub.close();
    }
}
