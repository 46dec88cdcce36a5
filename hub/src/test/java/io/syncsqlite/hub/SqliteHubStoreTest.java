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
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded store: what every store does ({@link HubStoreContract}; its backup is a copy of the closed file), and its
 * own layout: one stored row per synced row, migrated from the one-row-per-cell layout on open.
 */
class SqliteHubStoreTest extends HubStoreContract {
    @TempDir
    Path dir;

    @Override
    HubStore open() throws Exception {
        return new SqliteHubStore(dir.resolve("hub.db"));
    }

    @Override
    void backUp() throws Exception {
        Files.copy(dir.resolve("hub.db"), dir.resolve("copy.db")); // closed cleanly, so the file holds everything
    }

    @Override
    void restoreBackup() throws Exception {
        Files.copy(dir.resolve("copy.db"), dir.resolve("hub.db"), StandardCopyOption.REPLACE_EXISTING);
    }

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
}
