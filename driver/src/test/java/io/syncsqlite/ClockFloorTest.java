package io.syncsqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncsqlite.change.Change;
import io.syncsqlite.change.Changeset;
import io.syncsqlite.clock.Hlc;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A far-future remote version, even when the allowed drift admits it, does not drag the local clock along. */
class ClockFloorTest {
    private static final String PEER = "9".repeat(32);

    @TempDir
    Path dir;

    @Test
    void aSkewedPeerDoesNotMakeEveryLaterLocalWriteFutureStamped() throws Exception {
        try (TestDb b = new TestDb(dir.resolve("b.db"), Duration.ofDays(30))) {
            b.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, title TEXT)");
            b.drain();
            long tenDaysAhead = Hlc.now() + Hlc.ofMillis(Duration.ofDays(10).toMillis());
            b.apply(new Changeset(PEER, List.of(new Change("t", List.of(1L), null, null, tenDaysAhead, PEER, 1),
                    new Change("t", List.of(1L), "title", "from the future", tenDaysAhead, PEER, 1))));
            b.exec("INSERT INTO t VALUES (2, 'local')", "UPDATE t SET title = 'edited after it' WHERE id = 1");
            long bound = Hlc.now() + Hlc.ofMillis(Duration.ofMinutes(6).toMillis());
            for (Change c : b.drain().get(0).changes()) {
                if (c.pk().equals(List.of(2L))) assertTrue(c.hlc() < bound, "row 2 stamped " + Hlc.format(c.hlc()));
                else assertEquals(tenDaysAhead + 1, c.hlc(), "the edit of the future cell still beats it");
            }
        }
    }
}
