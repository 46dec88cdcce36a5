package io.syncsqlite.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncsqlite.change.Change;
import io.syncsqlite.change.Changeset;
import io.syncsqlite.clock.Hlc;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Several hubs over one PostgreSQL store, pushing and pulling at once: a reader that pages with {@code seq > cursor}
 * never skips a row, because a push allocates its sequences under its namespace's row lock and keeps it to commit
 * (see {@link PostgresHubStore}). The same checker run against a naive writer (sequence taken first, rows committed
 * later without the lock) finds the skip, so the check is able to fail. Randomized: the seed is printed, and
 * {@code -Dhub.visibility.seed=N} repeats a run.
 */
class PostgresCursorVisibilityTest {
    private static final String NS = "team";
    private static final int WRITERS = 6;
    private static final int READERS = 4;
    private static final int PUSHES_PER_WRITER = 40;

    /** Writes one push of new rows {@code keys} into the store; how depends on the design under test. */
    @FunctionalInterface
    private interface Writer {
        void push(int writer, int push, List<Long> keys, Random random) throws Exception;
    }

    @Test
    void readersOfThreeHubsNeverSkipARowPushedThroughAnyOfThem() throws Exception {
        long seed = Long.getLong("hub.visibility.seed", System.nanoTime());
        System.out.println("PostgresCursorVisibilityTest seed " + seed);
        String db = TestPostgres.newDatabase();
        List<HubStore> hubs = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) hubs.add(TestPostgres.open(db));
            // as a hub pushes: the pushes that arrive together at one hub are stored in one transaction
            List<GroupCommit> commits = new ArrayList<>();
            for (HubStore h : hubs) commits.add(new GroupCommit(h::pushAll));
            long hlc = Hlc.now();
            Set<Long> skipped = run(seed, hubs, (writer, push, keys, random) -> {
                List<Change> changes = new ArrayList<>();
                for (long k : keys) changes.add(new Change("t", List.of(k), "v", k, hlc, HubStoreContract.SITE, 1));
                commits.get(random.nextInt(hubs.size())).push(new HubStore.Push(NS, "w" + writer + "." + push, new Changeset(HubStoreContract.SITE, changes)), out -> { });
            });
            assertEquals(Set.of(), skipped, "seed " + seed);
        } finally {
            for (HubStore h : hubs) h.close();
        }
    }

    @Test
    void theSameReadersSkipRowsOfANaiveWriterThatTakesItsSequenceBeforeCommittingWithoutTheLock() throws Exception {
        long seed = Long.getLong("hub.visibility.seed", System.nanoTime());
        System.out.println("PostgresCursorVisibilityTest naive seed " + seed);
        String db = TestPostgres.newDatabase();
        List<HubStore> hubs = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) hubs.add(TestPostgres.open(db));
            // a naive hub: nextval in its own statement, the rows committed some milliseconds later, no namespace lock
            Set<Long> skipped = run(seed, hubs, (writer, push, keys, random) -> {
                try (Connection c = DriverManager.getConnection(TestPostgres.url(db), "postgres", null)) {
                    c.setAutoCommit(false);
                    List<Long> seqs = new ArrayList<>();
                    try (PreparedStatement ps = c.prepareStatement("SELECT nextval('hub_seq')")) {
                        for (int i = 0; i < keys.size(); i++) {
                            try (ResultSet rs = ps.executeQuery()) {
                                rs.next();
                                seqs.add(rs.getLong(1));
                            }
                        }
                    }
                    Thread.sleep(random.nextInt(5)); // the time a real push spends merging and writing
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO hub_rows(ns, seq, tbl, pk, n, cells) VALUES (?, ?, 't', ?, 1, ?)")) {
                        for (int i = 0; i < keys.size(); i++) {
                            ps.setString(1, NS);
                            ps.setLong(2, seqs.get(i));
                            ps.setString(3, RowKeys.encode(List.of(keys.get(i))));
                            ps.setBytes(4, StoredRow.encode(List.of(new StoredRow.Cell("v", keys.get(i), 1, HubStoreContract.SITE, 1))));
                            ps.executeUpdate();
                        }
                    }
                    c.commit();
                }
            });
            assertFalse(skipped.isEmpty(), "a naive design skips rows (seed " + seed + ")");
        } finally {
            for (HubStore h : hubs) h.close();
        }
    }

    /**
     * Runs {@link #WRITERS} writers and {@link #READERS} readers at once; each reader pages through random hubs with
     * its own cursor until the writers are done and it has caught up. Returns the keys some reader never received.
     */
    private static Set<Long> run(long seed, List<HubStore> hubs, Writer write) throws Exception {
        AtomicBoolean writing = new AtomicBoolean(true);
        Set<Long> written = ConcurrentHashMap.newKeySet();
        List<Exception> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            int writer = w;
            Random random = new Random(seed + w);
            writers.add(new Thread(() -> {
                try {
                    for (int p = 0; p < PUSHES_PER_WRITER; p++) {
                        List<Long> keys = new ArrayList<>();
                        for (int k = 1 + random.nextInt(3); k > 0; k--) keys.add((long) writer * 1_000_000 + p * 10L + k);
                        write.push(writer, p, keys, random);
                        written.addAll(keys);
                    }
                } catch (Exception e) {
                    failures.add(e);
                }
            }));
        }
        List<Set<Long>> seen = new ArrayList<>();
        List<Thread> readers = new ArrayList<>();
        for (int r = 0; r < READERS; r++) {
            Set<Long> got = new HashSet<>();
            seen.add(got);
            Random random = new Random(seed * 31 + r);
            readers.add(new Thread(() -> {
                try {
                    long cursor = 0;
                    boolean last = false;
                    while (true) {
                        boolean finalPass = !writing.get(); // read once more after the writers ended
                        HubStore.Page page;
                        do {
                            page = hubs.get(random.nextInt(hubs.size())).pull(NS, cursor, 1 + random.nextInt(8));
                            for (Change ch : page.changes()) got.add((Long) ch.pk().get(0));
                            cursor = page.next();
                        } while (page.more());
                        if (last) break;
                        last = finalPass;
                    }
                } catch (Exception e) {
                    failures.add(e);
                }
            }));
        }
        for (Thread t : writers) t.start();
        for (Thread t : readers) t.start();
        for (Thread t : writers) t.join();
        writing.set(false);
        for (Thread t : readers) t.join();
        assertEquals(List.of(), failures);
        assertEquals(WRITERS * PUSHES_PER_WRITER, written.stream().map(k -> k / 10).distinct().count(), "every push was written");
        Set<Long> skipped = new HashSet<>();
        for (Set<Long> got : seen) {
            for (long k : written) if (!got.contains(k)) skipped.add(k);
        }
        assertTrue(written.size() > 0);
        return skipped;
    }
}
