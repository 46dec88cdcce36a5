package io.syncsqlite.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncsqlite.change.Change;
import io.syncsqlite.change.Changeset;
import io.syncsqlite.change.ChangesetCodec;
import io.syncsqlite.clock.Hlc;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * What every {@link HubStore} does, run against each implementation (the embedded SQLite store, PostgreSQL): pushes
 * merged per cell and idempotent per batch, pulls paged by changes or bytes without losing a winning version while
 * pushes land, exact version ties, and the restore rule (a store restored from a backup knows only what the backup
 * holds, however far later pushes move the sequence).
 */
abstract class HubStoreContract {
    static final String SITE = "0123456789abcdef0123456789abcdef";
    static final String OTHER = "fedcba9876543210fedcba9876543210";

    /** Opens the store under test (the same one each time: a hub restarted over it). */
    abstract HubStore open() throws Exception;

    /** Copies the closed store aside, as an operator's backup. */
    abstract void backUp() throws Exception;

    /** Replaces the closed store by the backup. */
    abstract void restoreBackup() throws Exception;

    static Change cell(String column, Object value, long hlc) {
        return new Change("t", List.of(1L), column, value, hlc, SITE, 1);
    }

    @Test
    void aPushStoresTheWinnersUnderNewSequencesAndARetriedBatchStoresNothing() throws Exception {
        long hlc = Hlc.now();
        try (HubStore store = open()) {
            HubStore.PushOutcome first = store.push("a", "b1", new Changeset(SITE, List.of(cell("x", 1L, hlc), cell("y", "text", hlc))));
            assertFalse(first.duplicate());
            assertEquals(2, first.stored());
            assertEquals(0, first.previous());
            assertTrue(first.seq() > 0);
            assertEquals(first.seq(), store.head("a"));
            assertTrue(store.push("a", "b1", new Changeset(SITE, List.of(cell("x", 1L, hlc), cell("y", "text", hlc)))).duplicate(), "a retry");
            HubStore.PushOutcome older = store.push("a", "b2", new Changeset(SITE, List.of(cell("x", 0L, hlc - 1))));
            assertEquals(0, older.stored(), "an older version loses");
            assertEquals(first.seq(), older.seq(), "and takes no sequence");
            HubStore.PushOutcome newer = store.push("a", "b3", new Changeset(OTHER, List.of(new Change("t", List.of(1L), "x", 2L, hlc + 1, OTHER, 1))));
            assertEquals(1, newer.stored());
            assertEquals(first.seq(), newer.previous());
            assertTrue(newer.seq() > first.seq());
            assertEquals(2, store.cellCount("a"));
            assertEquals(0, store.head("z"), "an empty namespace");
            HubStore.Page all = store.pull("a", 0, 100);
            assertFalse(all.more());
            assertEquals(newer.seq(), all.next());
            Map<String, Object> values = new HashMap<>();
            for (Change ch : all.changes()) values.put(ch.column(), ch.value());
            assertEquals(Map.of("x", 2L, "y", "text"), values);
            assertTrue(store.pull("a", newer.seq(), 100).changes().isEmpty());
            store.check();
        }
    }

    /**
     * A group of pushes stored in one transaction ({@link HubStore#pushAll}) is what the same pushes one by one would
     * store: sequences in the order given, a later push of the group sees the earlier ones (its previous head, a retried
     * batch), and a push the store cannot write fails alone while the others are committed.
     */
    @Test
    void aGroupOfPushesIsStoredAsThoseSamePushesOneByOneAndAFailingOneFailsAlone() throws Exception {
        long hlc = Hlc.now();
        try (HubStore store = open()) {
            Changeset first = new Changeset(SITE, List.of(cell("x", 1L, hlc), cell("y", "a", hlc)));
            List<HubStore.Stored> group = store.pushAll(List.of(
                    new HubStore.Push("a", "b1", first),
                    new HubStore.Push("a", "b1", first),
                    new HubStore.Push("a", "b2", new Changeset(SITE, List.of(cell("z", Integer.valueOf(3), hlc)))),
                    new HubStore.Push("b", "b1", new Changeset(OTHER, List.of(new Change("t", List.of(1L), "x", 9L, hlc, OTHER, 1)))),
                    new HubStore.Push("a", "b3", new Changeset(OTHER, List.of(new Change("t", List.of(1L), "x", 2L, hlc + 1, OTHER, 1))))));
            HubStore.PushOutcome a1 = group.get(0).outcome();
            assertEquals(2, a1.stored());
            assertEquals(0, a1.previous());
            assertTrue(group.get(1).outcome().duplicate(), "the same batch again in the group is a retry");
            assertTrue(group.get(2).outcome() == null && group.get(2).failure() != null, "a value the store cannot write fails its push: " + group.get(2));
            HubStore.PushOutcome b1 = group.get(3).outcome();
            assertEquals(1, b1.stored());
            assertTrue(b1.seq() > a1.seq(), "sequences in the order given");
            HubStore.PushOutcome a3 = group.get(4).outcome();
            assertEquals(1, a3.stored());
            assertEquals(a1.seq(), a3.previous(), "a later push of the group follows the earlier one of its namespace");
            assertTrue(a3.seq() > b1.seq());
            assertEquals(a3.seq(), store.head("a"));
            assertEquals(b1.seq(), store.head("b"));
            Map<String, Object> values = new HashMap<>();
            for (Change ch : store.pull("a", 0, 100).changes()) values.put(ch.column(), ch.value());
            assertEquals(Map.of("x", 2L, "y", "a"), values, "the failed push stored nothing, the others everything");
            assertTrue(store.push("a", "b3", new Changeset(OTHER, List.of(new Change("t", List.of(1L), "x", 2L, hlc + 1, OTHER, 1)))).duplicate(),
                    "the group's batches were committed");
            HubStore.PushOutcome after = store.push("a", "b4", new Changeset(SITE, List.of(cell("z", 3L, hlc + 2))));
            assertEquals(a3.seq(), after.previous());
        }
    }

    /**
     * A group whose pushes all succeed (over PostgreSQL: stored together, in two round trips for the whole group) ends
     * as the same pushes one by one: a later push of a namespace merges over what an earlier one wrote in the group
     * (a row it inserted, a row it moved), a retried batch is a duplicate, and the stored rows move without loss.
     */
    @Test
    void aGroupWhosePushesAllSucceedEndsAsThePushesOneByOne() throws Exception {
        long hlc = Hlc.now();
        try (HubStore store = open()) {
            store.push("a", "b0", new Changeset(SITE, List.of(new Change("t", List.of(2L), "x", 20L, hlc, SITE, 1))));
            List<HubStore.Stored> group = store.pushAll(List.of(
                    new HubStore.Push("a", "b1", new Changeset(SITE, List.of(cell("x", 1L, hlc), cell("y", "a", hlc)))),
                    new HubStore.Push("a", "b2", new Changeset(OTHER, List.of(new Change("t", List.of(1L), "y", "b", hlc + 1, OTHER, 1),
                            new Change("t", List.of(2L), "x", 21L, hlc + 1, OTHER, 1)))),
                    new HubStore.Push("b", "b1", new Changeset(SITE, List.of(cell("x", 7L, hlc)))),
                    new HubStore.Push("a", "b2", new Changeset(OTHER, List.of(new Change("t", List.of(1L), "y", "b", hlc + 1, OTHER, 1),
                            new Change("t", List.of(2L), "x", 21L, hlc + 1, OTHER, 1)))),
                    new HubStore.Push("a", "b3", new Changeset(SITE, List.of(cell("x", 0L, hlc - 1), new Change("t", List.of(2L), "x", 22L, hlc + 2, SITE, 1))))));
            for (HubStore.Stored g : group) assertNull(g.failure(), () -> "every push succeeds: " + group);
            HubStore.PushOutcome a1 = group.get(0).outcome();
            HubStore.PushOutcome a2 = group.get(1).outcome();
            HubStore.PushOutcome b1 = group.get(2).outcome();
            HubStore.PushOutcome a3 = group.get(4).outcome();
            assertEquals(2, a1.stored());
            assertEquals(2, a2.stored(), "a later push wins over a cell an earlier one of the group inserted");
            assertEquals(a1.seq(), a2.previous());
            assertTrue(a2.seq() > a1.seq() && b1.seq() > a2.seq() && a3.seq() > b1.seq(), "sequences in the order given");
            assertTrue(group.get(3).outcome().duplicate(), "the same batch again in the group is a retry");
            assertEquals(1, a3.stored(), "an older version loses to the group's own, a newer one wins");
            assertEquals(a2.seq(), a3.previous());
            assertEquals(a3.seq(), store.head("a"));
            assertEquals(b1.seq(), store.head("b"));
            Map<String, Object> values = new HashMap<>();
            for (Change ch : store.pull("a", 0, 100).changes()) values.put(ch.pk() + " " + ch.column(), ch.value());
            assertEquals(Map.of("[1] x", 1L, "[1] y", "b", "[2] x", 22L), values);
            assertEquals(3, store.cellCount("a"));
            assertEquals(a3.seq(), store.pull("a", a2.seq(), 100).next(), "the row moved by the last push is after the others");
        }
    }

    /**
     * A reader paging through the store while pushes overwrite cells of rows it has already passed (or not yet reached)
     * ends up holding exactly the store's winning versions: a row moved to a later sequence is sent whole.
     */
    @Test
    void aReaderPagingWhilePushesLandHoldsEveryWinningVersion() throws Exception {
        long seed = System.nanoTime();
        System.out.println(getClass().getSimpleName() + " seed " + seed);
        Random random = new Random(seed);
        long hlc = Hlc.now();
        try (HubStore store = open()) {
            Map<String, Change> reader = new HashMap<>();
            long cursor = 0;
            for (int step = 0; step < 400; step++) {
                if (random.nextInt(3) > 0) {
                    List<Change> batch = new ArrayList<>();
                    for (int i = 1 + random.nextInt(4); i > 0; i--) {
                        long key = random.nextInt(12);
                        String column = "c" + random.nextInt(4);
                        batch.add(new Change("t", List.of(key), column, (long) random.nextInt(1000), hlc + random.nextInt(50), SITE, 1));
                    }
                    store.push("ns", "b" + step, new Changeset(SITE, batch));
                } else {
                    // pages bounded by changes, or by stored bytes (a few cells' worth)
                    HubStore.Page page = store.pull("ns", cursor, 1 + random.nextInt(5), random.nextBoolean() ? Long.MAX_VALUE : 1 + random.nextInt(200));
                    for (Change ch : page.changes()) keepWinner(reader, ch);
                    cursor = page.next();
                }
            }
            for (HubStore.Page page = store.pull("ns", cursor, 7); ; page = store.pull("ns", cursor, 7)) {
                for (Change ch : page.changes()) keepWinner(reader, ch);
                cursor = page.next();
                if (!page.more()) break;
            }
            Map<String, Change> hub = new HashMap<>();
            for (Change ch : store.pull("ns", 0, Integer.MAX_VALUE).changes()) hub.put(ChangesetCodec.encodeValues(ch.pk()) + ch.column(), ch);
            assertEquals(hub, reader, "seed " + seed);
        }
    }

    static void keepWinner(Map<String, Change> held, Change ch) {
        String key = ChangesetCodec.encodeValues(ch.pk()) + ch.column();
        Change old = held.get(key);
        if (old == null || ch.beats(old.cl(), old.hlc(), old.site(), old::value)) held.put(key, ch);
    }

    @Test
    void aPageBoundedInBytesEndsAfterTheRowThatPassesTheBoundAndTheNextOnesFollow() throws Exception {
        try (HubStore store = open()) {
            long hlc = Hlc.now();
            for (int i = 0; i < 20; i++) {
                store.push("ns", "b" + i, new Changeset(SITE, List.of(new Change("t", List.of((long) i), "data", new byte[10_000], hlc + i, SITE, 1))));
            }
            long cursor = 0;
            int rows = 0;
            for (HubStore.Page page = store.pull("ns", 0, 10_000, 32 * 1024); ; page = store.pull("ns", cursor, 10_000, 32 * 1024)) {
                assertTrue(page.changes().size() >= 1 && page.changes().size() <= 4, "10 kB rows, pages of 32 KiB: " + page.changes().size());
                rows += page.changes().size();
                cursor = page.next();
                if (!page.more()) break;
            }
            assertEquals(20, rows, "every row, once");
        }
    }

    @Test
    void aKeyTagIsGrantedToOneSiteOnlyAndKeptAcrossRestarts() throws Exception {
        int wished;
        try (HubStore store = open()) {
            wished = store.claimKeyTag("a", SITE, 7);
            assertEquals(7, wished, "a free wish is granted");
            assertEquals(7, store.claimKeyTag("a", SITE, 9), "a site keeps its tag");
            int other = store.claimKeyTag("a", OTHER, 7);
            assertTrue(other > 0 && other != 7, "another site wishing a taken tag gets another: " + other);
            assertEquals(7, store.claimKeyTag("b", OTHER, 7), "tags are per namespace");
        }
        try (HubStore store = open()) {
            assertEquals(wished, store.claimKeyTag("a", SITE, 0), "kept across a restart");
        }
    }

    @Test
    void anExactVersionTieKeepsTheGreaterValueInEitherOrder() throws Exception {
        long hlc = Hlc.now();
        try (HubStore store = open()) {
            store.push("first-low", "1", tie("apple", hlc));
            store.push("first-low", "2", tie("zebra", hlc));
            store.push("first-high", "1", tie("zebra", hlc));
            store.push("first-high", "2", tie("apple", hlc));
            for (String ns : List.of("first-low", "first-high")) {
                List<Change> stored = store.pull(ns, 0, 100).changes();
                assertEquals("zebra", stored.stream().filter(c -> "v".equals(c.column())).findFirst().orElseThrow().value(), ns);
            }
        }
    }

    private static Changeset tie(String value, long hlc) {
        return new Changeset(SITE, List.of(new Change("t", List.of("k"), "v", value, hlc, SITE, 1)));
    }

    @Test
    void aStoreRestoredFromABackupKnowsOnlyWhatTheBackupHolds() throws Exception {
        long hlc = Hlc.now();
        String first;
        String second;
        long firstLast;
        try (HubStore store = open()) {
            first = store.epoch();
            long last = 0;
            for (int i = 0; i < 5; i++) last = store.push("a", "b" + i, new Changeset(SITE, List.of(cell("c" + i, (long) i, hlc + i)))).seq();
            firstLast = last;
            assertTrue(store.knows(first, firstLast));
            assertFalse(store.knows(first, firstLast + 1), "nothing past the last sequence");
        }
        backUp();
        long secondLast;
        try (HubStore store = open()) {
            second = store.epoch();
            assertEquals(first.substring(0, 33), second.substring(0, 33), "the same store, another generation");
            assertTrue(store.knows(first, firstLast), "a cursor from before the restart is still good");
            long last = 0;
            for (int i = 5; i < 8; i++) last = store.push("b", "b" + i, new Changeset(SITE, List.of(cell("c" + i, (long) i, hlc + i)))).seq();
            secondLast = last;
            assertTrue(store.knows(second, secondLast));
        }
        restoreBackup();
        try (HubStore store = open()) {
            assertTrue(store.knows(first, firstLast), "everything the backup holds");
            assertFalse(store.knows(second, secondLast), "a generation opened after the backup is unknown");
            for (int i = 0; i < 20; i++) store.push("c", "x" + i, new Changeset(OTHER, List.of(cell("d" + i, (long) i, hlc + i))));
            assertFalse(store.knows(second, secondLast), "however far later pushes move the sequence");
            assertTrue(store.knows(null, 0), "a client that saw nothing");
            assertFalse(store.knows("another-store.0000", 0), "another store's history");
        }
    }
}
