package io.syncsqlite.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncsqlite.TestDb;
import io.syncsqlite.change.Change;
import io.syncsqlite.change.Changeset;
import io.syncsqlite.change.SqliteValues;
import io.syncsqlite.clock.Hlc;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One version, two values (a restored replica re-stamping a version it had used): every replica picks the same value. */
class VersionTieTest {
    private static final String SITE = "0123456789abcdef0123456789abcdef";

    @TempDir
    Path dir;

    @Test
    void exactVersionTiesGoToTheGreaterValueInWhateverOrderTheyArrive() throws Exception {
        long hlc = Hlc.now();
        List<Object> values = Arrays.asList("zebra", "apple", 42L, 41.5, null, new byte[] {1}, "é", "z");
        try (TestDb a = new TestDb(dir.resolve("a.db")); TestDb b = new TestDb(dir.resolve("b.db"))) {
            for (TestDb r : List.of(a, b)) r.exec("CREATE TABLE t(id TEXT PRIMARY KEY, v)");
            List<Changeset> arrivals = new ArrayList<>();
            for (Object v : values) {
                arrivals.add(new Changeset(SITE, List.of(new Change("t", List.of("k"), null, null, hlc, SITE, 1),
                        new Change("t", List.of("k"), "v", v, hlc, SITE, 1))));
            }
            for (Changeset cs : arrivals) a.apply(cs);
            for (int i = arrivals.size() - 1; i >= 0; i--) b.apply(arrivals.get(i));
            assertEquals(a.dump("t"), b.dump("t"));
            assertTrue(a.dump("t").contains("x'01'"), "a BLOB is greater than any TEXT, number or NULL: " + a.dump("t"));
        }
    }

    @Test
    void sqliteOrderIsTotalAndByteWiseForText() {
        assertTrue(SqliteValues.compare(null, 1L) < 0);
        assertTrue(SqliteValues.compare(2L, 1.5) > 0);
        assertTrue(SqliteValues.compare(1L, 1.0) < 0, "equal numbers of two storage classes still order one way");
        assertTrue(SqliteValues.compare(1e300, "a") < 0);
        assertTrue(SqliteValues.compare("\uFFFD", "\uD83D\uDE00") < 0, "UTF-8 bytes, as SQLite's BINARY collation, not UTF-16 units");
        assertTrue(SqliteValues.compare("zz", new byte[0]) < 0);
        assertEquals(0, SqliteValues.compare(new byte[] {1, 2}, new byte[] {1, 2}));
    }
}
