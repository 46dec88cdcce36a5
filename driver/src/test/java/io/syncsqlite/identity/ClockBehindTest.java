package io.syncsqlite.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncsqlite.TestDb;
import io.syncsqlite.change.Change;
import io.syncsqlite.change.Changeset;
import io.syncsqlite.clock.Hlc;
import io.syncsqlite.merge.ApplyResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A replica whose clock is behind its peers by more than the allowed drift says so once, with the offset. */
class ClockBehindTest {
    @TempDir
    Path dir;

    @Test
    void changesAheadOfThisClockAreReportedOnceWithTheOffset() throws Exception {
        long ahead = Hlc.now() + Hlc.ofMillis(Duration.ofMinutes(12).toMillis());
        try (TestDb b = new TestDb(dir.resolve("b.db"))) {
            b.exec("CREATE TABLE t(id TEXT PRIMARY KEY, v TEXT)");
            ApplyResult first = null;
            for (String site : List.of("0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210")) {
                for (int i = 0; i < 20; i++) {
                    ApplyResult r = b.apply(new Changeset(site, List.of(new Change("t", List.of(site + i), "v", "x", ahead + i, site, 1))));
                    if (first == null) first = r;
                    else assertTrue(r.problems().isEmpty(), () -> "said again: " + r.problems());
                }
            }
            assertEquals(1, first.problems().size(), first.problems()::toString);
            String hint = first.problems().get(0);
            assertTrue(hint.contains("PT11M5") || hint.contains("PT12M"), hint);
            assertTrue(hint.contains("clock is behind"), hint);
            assertTrue(b.retryPending().problems().isEmpty(), "retries do not repeat it");
        }
    }
}
