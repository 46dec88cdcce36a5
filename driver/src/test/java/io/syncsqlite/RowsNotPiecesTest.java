package io.syncsqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.syncsqlite.change.Change;
import io.syncsqlite.change.Changeset;
import io.syncsqlite.clock.Hlc;
import io.syncsqlite.merge.ApplyResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19 case 4 at the applier: pending changes of one row are one unit. Pieces of rows whose NOT NULL cells were
 * written by different sites arrive apart (one site's snapshot, then the other's), interleaved with other rows: each
 * row applies as soon as its last piece arrives, whatever lies between its pieces in the pending store.
 */
class RowsNotPiecesTest {
    private static final String W = "0".repeat(31) + "1";
    private static final String X = "0".repeat(31) + "2";

    @TempDir
    Path dir;

    @Test
    void aRowAppliesAsSoonAsItsPiecesAreTogether() throws Exception {
        try (TestDb r = new TestDb(dir.resolve("r.db"))) {
            r.exec("CREATE TABLE t(id TEXT PRIMARY KEY, a TEXT NOT NULL, b TEXT NOT NULL)");
            long v1 = Hlc.now();
            long v2 = v1 + 1;
            List<Change> fromW = new ArrayList<>();
            List<Change> fromX = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                List<Object> pk = List.of("r" + i);
                fromW.add(new Change("t", pk, null, null, v1, W, 1));
                fromW.add(new Change("t", pk, "a", "a" + i, v1, W, 1));
                fromX.add(new Change("t", pk, "b", "b" + i, v2, X, 1));
            }
            ApplyResult first = r.apply(new Changeset(W, fromW));
            assertEquals(10, first.parked(), "each row lacks its NOT NULL b: its pieces wait");
            assertEquals(List.of(), first.conflicts(), "an incomplete row is no conflict");
            ApplyResult second = r.apply(new Changeset(X, fromX));
            assertEquals(0, second.parked());
            assertEquals(5L, ((Number) r.value("SELECT count(*) FROM t")).longValue(), "every row is whole once its last piece arrives");
            assertEquals(0L, ((Number) r.value("SELECT count(*) FROM _syncsqlite_pending")).longValue());
            assertEquals("a3|b3", r.value("SELECT a || '|' || b FROM t WHERE id = 'r3'"));
        }
    }

    @Test
    void aRetryTakesEachRowsPiecesTogether() throws Exception {
        try (TestDb r = new TestDb(dir.resolve("q.db"))) {
            r.exec("CREATE TABLE other(id TEXT PRIMARY KEY)"); // t arrives later: its pieces wait for the schema, interleaved
            long v1 = Hlc.now();
            for (int i = 0; i < 3; i++) {
                List<Object> pk = List.of("r" + i);
                r.apply(new Changeset(W, List.of(new Change("t", pk, null, null, v1, W, 1), new Change("t", pk, "a", "a" + i, v1, W, 1))));
            }
            for (int i = 0; i < 3; i++) r.apply(new Changeset(X, List.of(new Change("t", List.of("r" + i), "b", "b" + i, v1 + 1, X, 1))));
            r.exec("CREATE TABLE t(id TEXT PRIMARY KEY, a TEXT NOT NULL, b TEXT NOT NULL)");
            r.retryPending();
            assertEquals(3L, ((Number) r.value("SELECT count(*) FROM t")).longValue());
            assertEquals(0L, ((Number) r.value("SELECT count(*) FROM _syncsqlite_pending")).longValue());
        }
    }

    /**
     * A retry takes pending changes a page at a time ({@code ChangeApplier.RETRY_PAGE}, 5,000): a row whose first piece
     * is in one page and its last piece several thousand changes later still applies whole, and nothing stays pending.
     */
    @Test
    void aRowWhosePiecesArePagesApartAppliesWhole() throws Exception {
        try (TestDb r = new TestDb(dir.resolve("p.db"))) {
            r.exec("CREATE TABLE other(id TEXT PRIMARY KEY)"); // t arrives later: everything for it waits for the schema
            long v1 = Hlc.now();
            r.apply(new Changeset(W, List.of(new Change("t", List.of("first"), null, null, v1, W, 1), new Change("t", List.of("first"), "a", "a", v1, W, 1))));
            List<Change> between = new ArrayList<>();
            for (int i = 0; i < 2_500; i++) {
                List<Object> pk = List.of("f" + i);
                between.add(new Change("t", pk, null, null, v1, W, 1));
                between.add(new Change("t", pk, "a", "a" + i, v1, W, 1));
                between.add(new Change("t", pk, "b", "b" + i, v1, W, 1));
            }
            r.apply(new Changeset(W, between));
            r.apply(new Changeset(X, List.of(new Change("t", List.of("first"), "b", "b", v1 + 1, X, 1))));
            assertEquals(7_503L, ((Number) r.value("SELECT count(*) FROM _syncsqlite_pending")).longValue(), "all of it waits for table t");
            r.exec("CREATE TABLE t(id TEXT PRIMARY KEY, a TEXT NOT NULL, b TEXT NOT NULL)");
            r.retryPending();
            assertEquals(0L, ((Number) r.value("SELECT count(*) FROM _syncsqlite_pending")).longValue());
            assertEquals("a|b", r.value("SELECT a || '|' || b FROM t WHERE id = 'first'"), "the row whose pieces were pages apart is whole");
            assertEquals(2_501L, ((Number) r.value("SELECT count(*) FROM t")).longValue());
        }
    }

    /**
     * A UNIQUE swap whose two rows arrive in different pages of a round, with more than a retry page (5,000 changes)
     * pending between them: each row is refused until the other moves, and they are judged together at the end of the
     * round, so both values move as the writer committed them (docs/constraints.md, section 1).
     */
    @Test
    void aSwapParkedPagesApartIsJudgedAsOne() throws Exception {
        try (TestDb r = new TestDb(dir.resolve("s.db"))) {
            r.exec("CREATE TABLE u(id TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE)");
            long v1 = Hlc.now();
            r.apply(new Changeset(W, List.of(new Change("u", List.of("a"), null, null, v1, W, 1), new Change("u", List.of("a"), "email", "x", v1, W, 1),
                    new Change("u", List.of("b"), null, null, v1, W, 1), new Change("u", List.of("b"), "email", "y", v1, W, 1))));
            long v2 = v1 + 10;
            r.applyPage(new Changeset(W, List.of(new Change("u", List.of("a"), "email", "y", v2, W, 1))));
            List<Change> between = new ArrayList<>();
            for (int i = 0; i < 7_500; i++) between.add(new Change("later", List.of("f" + i), "v", "v" + i, v2, W, 1)); // no such table here yet
            r.applyPage(new Changeset(W, between));
            r.applyPage(new Changeset(W, List.of(new Change("u", List.of("b"), "email", "x", v2 + 1, W, 1))));
            assertEquals(7_502L, ((Number) r.value("SELECT count(*) FROM _syncsqlite_pending")).longValue(), "both rows of the swap wait, pages apart");
            r.settleWaiting();
            assertEquals("a|y b|x", r.value("SELECT group_concat(id || '|' || email, ' ') FROM (SELECT * FROM u ORDER BY id)"), "the swap applied");
            assertEquals(0L, ((Number) r.value("SELECT count(*) FROM _syncsqlite_conflicts")).longValue(), "no conflict");
            assertEquals(7_500L, ((Number) r.value("SELECT count(*) FROM _syncsqlite_pending")).longValue(), "only what waits for its table is left");
        }
    }
}
