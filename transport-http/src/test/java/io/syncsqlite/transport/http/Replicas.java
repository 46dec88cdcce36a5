package io.syncsqlite.transport.http;

import static org.junit.jupiter.api.Assertions.fail;

import io.syncsqlite.SyncConnection;
import io.syncsqlite.hub.HubConfig;
import io.syncsqlite.hub.HubServer;
import io.syncsqlite.hub.Tokens;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Helpers for tests with a real hub and real replicas. */
final class Replicas {
    static final String TOKEN = "token-team-a";
    static final String OTHER_TOKEN = "token-team-b";

    private Replicas() {
    }

    static Tokens tokens() {
        return new Tokens().grant(TOKEN, "team-a").grant(OTHER_TOKEN, "team-b");
    }

    static HubServer hub(Path data, int port) throws Exception {
        return HubServer.start(HubConfig.of(port, data, tokens()));
    }

    static String url(Path file, String hubUrl, String extra) {
        return "jdbc:syncsqlite:" + file + "?sync.transport=http&sync.url=" + hubUrl + "&sync.token=" + TOKEN + "&sync.timeout=5s" + extra;
    }

    /** A replica with the test schema, syncing only when asked (or every {@code interval}). */
    static Connection open(Path file, String hubUrl, String extra) throws SQLException {
        Connection c = DriverManager.getConnection(url(file, hubUrl, extra));
        exec(c, "CREATE TABLE IF NOT EXISTS item(id TEXT PRIMARY KEY, title TEXT, n INTEGER, price REAL, data BLOB)");
        return c;
    }

    static void exec(Connection c, String... sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String q : sql) s.execute(q);
        }
    }

    static long count(Connection c, String where) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM item WHERE " + where)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Every row with each value's storage class, in key order. */
    static String dump(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT group_concat(id || '|' || quote(title) || '|' || quote(n) || '|' || quote(price) || '|' || quote(data), char(10))"
                        + " FROM (SELECT * FROM item ORDER BY id)")) {
            rs.next();
            String d = rs.getString(1);
            return d == null ? "" : d;
        }
    }

    static SyncConnection sync(Connection c) throws SQLException {
        return c.unwrap(SyncConnection.class);
    }

    /** Runs rounds on every replica until {@code done} holds or the deadline passes; failed rounds are retried. */
    static void syncUntil(Duration timeout, BooleanSupplier done, Connection... replicas) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            for (Connection c : replicas) {
                try {
                    sync(c).syncNow();
                } catch (SQLException e) {
                    last = e.getMessage();
                }
            }
            if (done.getAsBoolean()) return;
            Thread.onSpinWait();
        }
        fail("condition not reached within " + timeout + "; last sync error: " + last);
    }

    /** Polls {@code done} until it holds or the deadline passes. */
    static void await(Duration timeout, BooleanSupplier done, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) fail("timed out waiting for " + what);
            Thread.sleep(20); // polling interval of a condition with a deadline
        }
    }

    static boolean sameData(Connection... replicas) {
        try {
            String first = dump(replicas[0]);
            for (Connection c : replicas) if (!dump(c).equals(first)) return false;
            return true;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
