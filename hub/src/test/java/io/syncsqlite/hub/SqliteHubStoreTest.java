package io.syncsqlite.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncsqlite.change.Change;
import io.syncsqlite.change.Changeset;
import io.syncsqlite.change.ChangesetCodec;
import io.syncsqlite.change.InvalidChangesetException;
import io.syncsqlite.change.SqliteValues;
import io.syncsqlite.clock.Hlc;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded store's layout: one stored row per synced row, migrated from the one-row-per-cell layout on open. */
class SqliteHubStoreTest {
    private static final String SITE = "0123456789abcdef0123456789abcdef";
    private static final String OTHER = "fedcba9876543210fedcba9876543210";

    @TempDir
    Path dir;

    @Test
    void aStoreWrittenOneRowPerCellIsMigratedOnOpenAndKeepsItsVersionsCursorsAndBatches() throws Exception {
        Path file = dir.resolve("hub.db");
        long hlc = Hlc.now();
        byte[] blob = {0, 1, (byte) 0xFF};
        // the layout and rows a hub before hub_rows wrote: per cell its version and the sequence of the push it won in
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE hub_meta(key TEXT PRIMARY KEY, value NOT NULL) WITHOUT ROWID");
            s.execute("CREATE TABLE hub_cells(ns TEXT NOT NULL, tbl TEXT NOT NULL, pk TEXT NOT NULL, col TEXT NOT NULL, val, hlc INTEGER NOT NULL,"
                    + " site TEXT NOT NULL, cl INTEGER NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (ns, tbl, pk, col)) WITHOUT ROWID");
            s.execute("CREATE INDEX hub_cells_seq ON hub_cells(ns, seq)");
            s.execute("CREATE TABLE hub_batches(ns TEXT NOT NULL, site TEXT NOT NULL, batch TEXT NOT NULL, n INTEGER NOT NULL,"
                    + " PRIMARY KEY (ns, site, batch)) WITHOUT ROWID");
            s.execute("CREATE INDEX hub_batches_age ON hub_batches(ns, site, n)");
            s.execute("INSERT INTO hub_meta VALUES ('epoch', 'old-epoch'), ('seq', 3)");
            s.execute("INSERT INTO hub_batches VALUES ('a', '" + SITE + "', 'b1', 1)");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO hub_cells VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                Object[][] cells = {
                        {"a", "t", "[1]", "", null, hlc, SITE, 1, 1},
                        {"a", "t", "[1]", "i", 42L, hlc, SITE, 1, 1},
                        {"a", "t", "[1]", "r", 2.5, hlc, SITE, 1, 1},
                        {"a", "t", "[1]", "s", "text ü", hlc + 5, OTHER, 1, 3},
                        {"a", "t", "[1]", "b", blob, hlc, SITE, 1, 1},
                        {"a", "t", "[1]", "n", null, hlc, SITE, 1, 1},
                        {"a", "t", "[\"k\"]", "", null, hlc, SITE, 2, 2},
                        {"z", "t", "[1]", "i", 7L, hlc, SITE, 1, 3}};
                for (Object[] row : cells) {
                    for (int i = 0; i < row.length; i++) {
                        if (row[i] instanceof Integer n) ps.setLong(i + 1, n);
                        else SqliteValues.bind(ps, i + 1, row[i]);
                    }
                    ps.executeUpdate();
                }
            }
        }
        try (SqliteHubStore store = new SqliteHubStore(file)) {
            assertTrue(store.epoch().startsWith("old-epoch."), store.epoch());
            assertEquals(3, store.lastSequence());
            assertEquals(3, store.head("a"));
            assertEquals(7, store.cellCount("a"));
            HubStore.Page all = store.pull("a", 0, 100);
            assertEquals(3, all.next());
            assertFalse(all.more());
            Map<String, Change> byColumn = new HashMap<>();
            for (Change ch : all.changes()) if (ch.pk().equals(List.of(1L))) byColumn.put(String.valueOf(ch.column()), ch);
            assertEquals(6, byColumn.size());
            assertEquals(42L, byColumn.get("i").value());
            assertEquals(2.5, byColumn.get("r").value());
            assertEquals("text ü", byColumn.get("s").value());
            assertEquals(OTHER, byColumn.get("s").site());
            assertEquals(hlc + 5, byColumn.get("s").hlc());
            assertArrayEquals(blob, (byte[]) byColumn.get("b").value());
            assertEquals(null, byColumn.get("n").value());
            assertTrue(byColumn.containsKey("null"), "the existence cell");
            Change tombstone = all.changes().stream().filter(ch -> ch.pk().equals(List.of("k"))).findFirst().orElseThrow();
            assertEquals(2, tombstone.cl());
            // the row [1] ends at sequence 3 (its newest cell): a reader at 2 gets all of it again, nothing of the tombstone
            assertEquals(6, store.pull("a", 2, 100).changes().size());
            assertEquals(List.of(7L), store.pull("z", 0, 100).changes().stream().map(Change::value).toList());

            assertTrue(store.push("a", "b1", new Changeset(SITE, List.of(cell("i", 1L, hlc + 9)))).duplicate(), "a batch stored before the migration");
            HubStore.PushOutcome older = store.push("a", "b2", new Changeset(SITE, List.of(cell("s", "older", hlc + 1))));
            assertEquals(0, older.stored(), "an older version loses to the migrated one");
            HubStore.PushOutcome newer = store.push("a", "b3", new Changeset(SITE, List.of(cell("i", 43L, hlc + 9))));
            assertEquals(1, newer.stored());
            assertEquals(4, newer.seq());
        }
        try (SqliteHubStore store = new SqliteHubStore(file); Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM sqlite_master WHERE name LIKE 'hub_cells%'")) {
            rs.next();
            assertEquals(0, rs.getInt(1), "the old table and its index are gone");
            assertEquals(7, store.cellCount("a"));
            assertEquals(43L, store.pull("a", 3, 100).changes().stream().filter(ch -> "i".equals(ch.column())).findFirst().orElseThrow().value());
        }
    }

    /**
     * A reader paging through the store while pushes overwrite cells of rows it has already passed (or not yet reached)
     * ends up holding exactly the store's winning versions: a row moved to a later sequence is sent whole.
     */
    @Test
    void aReaderPagingWhilePushesLandHoldsEveryWinningVersion() throws Exception {
        long seed = System.nanoTime();
        System.out.println("SqliteHubStoreTest seed " + seed);
        Random random = new Random(seed);
        long hlc = Hlc.now();
        try (SqliteHubStore store = new SqliteHubStore(dir.resolve("hub.db"))) {
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

    @Test
    void aPageBoundedInBytesEndsAfterTheRowThatPassesTheBoundAndTheNextOnesFollow() throws Exception {
        try (SqliteHubStore store = new SqliteHubStore(dir.resolve("hub.db"))) {
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

    private static void keepWinner(Map<String, Change> held, Change ch) {
        String key = ChangesetCodec.encodeValues(ch.pk()) + ch.column();
        Change old = held.get(key);
        if (old == null || ch.beats(old.cl(), old.hlc(), old.site(), old::value)) held.put(key, ch);
    }

    @Test
    void storedRowsKeepEveryStorageClassExactly() {
        List<StoredRow.Cell> cells = List.of(
                new StoredRow.Cell(StoredRow.ROW_CELL, null, 1, SITE, 3),
                new StoredRow.Cell("i", Long.MIN_VALUE, Long.MAX_VALUE, OTHER, 3),
                new StoredRow.Cell("r", -0.0, 0, SITE, 3),
                new StoredRow.Cell("nan", Double.NaN, 0, SITE, 3),
                new StoredRow.Cell("s", "x".repeat(70_000) + "😀", 5, SITE, Long.MAX_VALUE),
                new StoredRow.Cell("b", new byte[300], 5, OTHER, 1));
        List<StoredRow.Cell> back = StoredRow.decode(StoredRow.encode(cells));
        assertEquals(cells.size(), back.size());
        for (int i = 0; i < cells.size(); i++) {
            StoredRow.Cell a = cells.get(i);
            StoredRow.Cell b = back.get(i);
            assertEquals(List.of(a.column(), a.hlc(), a.site(), a.cl()), List.of(b.column(), b.hlc(), b.site(), b.cl()));
            if (a.value() instanceof byte[] x) assertTrue(Arrays.equals(x, (byte[]) b.value()));
            else assertEquals(a.value(), b.value());
            assertEquals(a.value() == null ? null : a.value().getClass(), b.value() == null ? null : b.value().getClass());
        }
    }

    @Test
    void rowKeysAreKeptAsTheCodecWritesThemAndReadBackAsItReadsThem() throws Exception {
        List<List<Object>> keys = List.of(List.of(0L), List.of(-1L), List.of(7L), List.of(Long.MAX_VALUE), List.of(Long.MIN_VALUE),
                List.of(1_700_000_000_000_000_000L), List.of("123"), List.of("-0"), List.of(1.5), List.of(-0.0), List.of(new byte[] {1, 2}),
                List.of(1L, 2L), List.of("a", 3L), List.of("[1]"));
        for (List<Object> pk : keys) {
            String text = RowKeys.encode(pk);
            assertEquals(ChangesetCodec.encodeValues(pk), text);
            assertEquals(String.valueOf(ChangesetCodec.decodeValues(text).stream().map(v -> v instanceof byte[] b ? Arrays.toString(b) : v).toList()),
                    String.valueOf(RowKeys.decode(text).stream().map(v -> v instanceof byte[] b ? Arrays.toString(b) : v).toList()), text);
            assertEquals(ChangesetCodec.decodeValues(text).get(0).getClass(), RowKeys.decode(text).get(0).getClass(), text);
        }
        // what the codec never writes is still read (or refused) exactly as the codec does
        assertEquals(List.of(12L), RowKeys.decode("[ 12 ]"));
        assertEquals(List.of(0L), RowKeys.decode("[-0]"));
        for (String odd : List.of("[9223372036854775808]", "[-9223372036854775809]", "[012]", "[]", "[1")) {
            String codec;
            try {
                codec = String.valueOf(ChangesetCodec.decodeValues(odd));
            } catch (InvalidChangesetException e) {
                codec = e.getMessage();
            }
            String ours;
            try {
                ours = String.valueOf(RowKeys.decode(odd));
            } catch (InvalidChangesetException e) {
                ours = e.getMessage();
            }
            assertEquals(codec, ours, odd);
        }
    }

    @Test
    void aStoreRestoredFromACopyOfItsFileKnowsOnlyWhatTheCopyHolds() throws Exception {
        Path file = dir.resolve("restored.db");
        long hlc = io.syncsqlite.clock.Hlc.now();
        String first;
        String second;
        try (SqliteHubStore store = new SqliteHubStore(file)) {
            first = store.epoch();
            for (int i = 0; i < 5; i++) store.push("a", "b" + i, new Changeset(SITE, List.of(cell("c" + i, (long) i, hlc + i))));
            assertTrue(store.knows(first, 5));
            assertTrue(!store.knows(first, 6), "nothing past the last sequence");
        }
        java.nio.file.Files.copy(file, dir.resolve("copy.db")); // the backup: closed cleanly, so the file holds everything
        try (SqliteHubStore store = new SqliteHubStore(file)) {
            second = store.epoch();
            assertEquals(first.substring(0, 33), second.substring(0, 33), "the same store, another generation");
            assertTrue(store.knows(first, 5), "a cursor from before the restart is still good");
            for (int i = 5; i < 8; i++) store.push("b", "b" + i, new Changeset(SITE, List.of(cell("c" + i, (long) i, hlc + i))));
            assertTrue(store.knows(second, 8));
        }
        java.nio.file.Files.copy(dir.resolve("copy.db"), file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try (SqliteHubStore store = new SqliteHubStore(file)) {
            assertTrue(store.knows(first, 5), "everything the copy holds");
            assertTrue(!store.knows(second, 6), "a generation opened after the copy is unknown");
            for (int i = 0; i < 20; i++) store.push("c", "x" + i, new Changeset(OTHER, List.of(cell("d" + i, (long) i, hlc + i))));
            assertTrue(!store.knows(second, 7), "however far later pushes move the sequence");
            assertTrue(store.knows(null, 0), "a client that saw nothing");
        }
    }

    private static Change cell(String column, Object value, long hlc) {
        return new Change("t", List.of(1L), column, value, hlc, SITE, 1);
    }
}
