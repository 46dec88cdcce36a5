package io.syncsqlite.tck;

import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/** Query timeouts, busy timeouts against a writer holding the lock, and {@code cancel()} from another thread. */
class TimeoutsTck extends TckSuite {
    private static final String ENDLESS = "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r) SELECT count(*) FROM r";

    static Stream<Case> cases() {
        return Stream.of(
                Case.of("query timeout property", (c, t) -> {
                    try (Statement s = c.createStatement()) {
                        t.add("default", s::getQueryTimeout);
                        t.run("set 5", () -> s.setQueryTimeout(5));
                        t.add("after", s::getQueryTimeout);
                        t.run("set -1", () -> s.setQueryTimeout(-1));
                        t.add("after negative", s::getQueryTimeout);
                    }
                }),
                Case.of("prepared statement query timeout property", (c, t) -> {
                    try (var ps = c.prepareStatement("SELECT 1")) {
                        t.add("default", ps::getQueryTimeout);
                        t.run("set 2", () -> ps.setQueryTimeout(2));
                        t.add("after", ps::getQueryTimeout);
                        t.rows("runs", ps.executeQuery());
                    }
                }),
                Case.withParams("busy timeout against a writer holding the lock", "?busy_timeout=50", (c, t) -> {
                    exec(c, "CREATE TABLE bz(id TEXT PRIMARY KEY)");
                    try (Connection other = sibling(c, "?busy_timeout=50")) {
                        exec(other, "BEGIN IMMEDIATE", "INSERT INTO bz VALUES ('held')");
                        t.run("blocked insert", () -> exec(c, "INSERT INTO bz VALUES ('x')"));
                        t.query(c, "SELECT count(*) FROM bz");
                        exec(other, "COMMIT");
                        t.run("insert after commit", () -> exec(c, "INSERT INTO bz VALUES ('x')"));
                    }
                    t.query(c, "SELECT id FROM bz ORDER BY id");
                }),
                Case.withParams("query timeout while blocked by a writer", "?busy_timeout=50", (c, t) -> {
                    exec(c, "CREATE TABLE bz(id TEXT PRIMARY KEY)");
                    try (Connection other = sibling(c, "?busy_timeout=50"); Statement s = c.createStatement()) {
                        exec(other, "BEGIN IMMEDIATE", "INSERT INTO bz VALUES ('held')");
                        s.setQueryTimeout(1);
                        t.add("blocked update", () -> s.executeUpdate("INSERT INTO bz VALUES ('x')"));
                        exec(other, "ROLLBACK");
                    }
                }),
                Case.of("cancel a running query from another thread", (c, t) -> {
                    try (Statement s = c.createStatement()) {
                        cancelEndlessQuery(s, t, "endless query");
                        t.rows("statement still usable", s.executeQuery("SELECT 1"));
                    }
                }),
                Case.of("cancel when nothing runs", (c, t) -> {
                    try (Statement s = c.createStatement()) {
                        t.run("cancel", s::cancel);
                        t.rows("then query", s.executeQuery("SELECT 1"));
                    }
                }),
                Case.of("cancel a closed statement", (c, t) -> {
                    Statement s = c.createStatement();
                    s.close();
                    t.run("cancel", s::cancel);
                }),
                Case.of("interrupted query leaves the connection usable", (c, t) -> {
                    exec(c, "CREATE TABLE q(id TEXT PRIMARY KEY)");
                    c.setAutoCommit(false);
                    exec(c, "INSERT INTO q VALUES ('a')");
                    try (Statement s = c.createStatement()) {
                        cancelEndlessQuery(s, t, "endless");
                    }
                    t.run("commit", c::commit);
                    t.query(c, "SELECT * FROM q");
                }));
    }

    /** Runs an endless query on {@code s} while another thread cancels it until it has ended (no guessing how long it takes to start). */
    private static void cancelEndlessQuery(Statement s, Trace t, String label) {
        AtomicBoolean done = new AtomicBoolean();
        CompletableFuture<Void> canceller = CompletableFuture.runAsync(() -> {
            while (!done.get()) {
                try {
                    s.cancel();
                    Thread.onSpinWait();
                } catch (Exception e) {
                    return;
                }
            }
        });
        t.add(label, () -> {
            try {
                return s.executeQuery(ENDLESS).next();
            } finally {
                done.set(true);
            }
        });
        canceller.join();
    }
}
