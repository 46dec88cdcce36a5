package io.syncsqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A round that fails in any way fails only itself: the caller gets an answer and the engine keeps running. */
class RoundFailureTest {
    @TempDir
    Path dir;

    @Test
    void errorsOfAnyKindFailOneRoundAndTheEngineGoesOn() throws Exception {
        try (Connection c = open("a.db")) {
            SyncConnection sync = c.unwrap(SyncConnection.class);
            sync.syncNow();
            for (Throwable failure : List.of(new OutOfMemoryError("Java heap space (a 3 GB file named like a segment)"), new StackOverflowError(),
                    new AssertionError("a bug"), new IllegalStateException("a runtime exception"))) {
                FailingTransportProvider.FAILURES.add(failure);
                SQLException e = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThrows(SQLException.class, sync::syncNow),
                        "syncNow() must answer when a round throws " + failure);
                assertEquals(failure, e.getCause());
                assertEquals(SyncStatus.State.OFFLINE, sync.status().state());
                assertTimeoutPreemptively(Duration.ofSeconds(20), sync::syncNow, "the engine keeps running after " + failure);
                assertEquals(SyncStatus.State.IDLE, sync.status().state());
            }
        }
    }

    @Test
    void aListenerThatThrowsAnErrorDoesNotStopTheEngine() throws Exception {
        try (Connection c = open("b.db")) {
            SyncConnection sync = c.unwrap(SyncConnection.class);
            sync.addListener(ev -> {
                throw new AssertionError("a listener's own bug");
            });
            SyncResult r = assertTimeoutPreemptively(Duration.ofSeconds(20), sync::syncNow);
            assertInstanceOf(SyncResult.class, r);
            assertTimeoutPreemptively(Duration.ofSeconds(20), sync::syncNow);
        }
    }

    /** A replica whose rounds run {@link FailingTransportProvider}, with a table so its engine runs. */
    private Connection open(String name) throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:syncsqlite:" + dir.resolve(name) + "?sync.transport=failing&sync.interval=1h");
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t(id INTEGER PRIMARY KEY)");
        }
        return c;
    }
}
