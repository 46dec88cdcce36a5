package io.syncsqlite.transport.nas;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.syncsqlite.SyncResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Time and bytes of syncing through a local folder, for the design note. Not part of the default run:
 * {@code mvn -q -o -pl transport-nas -am verify -Dnas.bench=true -Dtest=NasBenchmarkTest -Dsurefire.failIfNoSpecifiedTests=false},
 * figures in {@code transport-nas/target/surefire-reports/io.syncsqlite.transport.nas.NasBenchmarkTest-output.txt}.
 */
@EnabledIfSystemProperty(named = "nas.bench", matches = "true")
class NasBenchmarkTest {
    private static final String TABLE = "CREATE TABLE item(id TEXT PRIMARY KEY, name TEXT, qty INTEGER, price REAL, note TEXT)";
    private static final int REPEATS = 3;

    @TempDir
    Path dir;

    @Test
    void tenThousandChangedRows() throws Exception {
        Path share = Files.createDirectories(dir.resolve("share10k"));
        try (NasReplica a = new NasReplica(dir.resolve("a10k.db"), share, ""); NasReplica b = new NasReplica(dir.resolve("b10k.db"), share, "")) {
            a.exec(TABLE);
            b.exec(TABLE);
            insert(a, 0, 10_000);
            measure("10k inserted rows (5 columns)", a, b, share, 10_000);
            try (Statement s = a.conn.createStatement()) {
                s.executeUpdate("UPDATE item SET qty = qty + 1, note = 'changed ' || id");
            }
            measure("10k updated rows (2 columns)", a, b, share, 10_000);
        }
    }

    @Test
    void hundredChangesScaleWithChangesNotDatabaseSize() throws Exception {
        for (int size : new int[] {1_000, 100_000}) {
            Path share = Files.createDirectories(dir.resolve("share" + size));
            try (NasReplica a = new NasReplica(dir.resolve("a" + size + ".db"), share, "");
                 NasReplica b = new NasReplica(dir.resolve("b" + size + ".db"), share, "")) {
                a.exec(TABLE);
                b.exec(TABLE);
                insert(a, 0, size);
                measure("initial sync of a " + size + "-row table", a, b, share, size);
                long[] push = new long[REPEATS];
                long[] pull = new long[REPEATS];
                long[] bytes = new long[REPEATS];
                long[] pulledChanges = new long[REPEATS];
                for (int r = 0; r < REPEATS; r++) {
                    try (PreparedStatement ps = a.conn.prepareStatement("UPDATE item SET qty = qty + 1, note = ? WHERE id = ?")) {
                        a.conn.setAutoCommit(false);
                        for (int i = 0; i < 100; i++) {
                            ps.setString(1, "round " + r);
                            ps.setString(2, id(i * (size / 100)));
                            ps.executeUpdate();
                        }
                        a.conn.commit();
                        a.conn.setAutoCommit(true);
                    }
                    long before = folderBytes(share);
                    long t0 = System.nanoTime();
                    a.syncNow();
                    long t1 = System.nanoTime();
                    SyncResult pulled = b.syncNow();
                    long t2 = System.nanoTime();
                    pulledChanges[r] = pulled.pulled();
                    push[r] = t1 - t0;
                    pull[r] = t2 - t1;
                    bytes[r] = folderBytes(share) - before;
                }
                assertEquals(a.dump(), b.dump());
                report(String.format("100 changed rows in a %,d-row table: publish %s ms, pull+apply %s ms, %s changes, %s bytes written (each of %d runs)",
                        size, ms(push), ms(pull), Arrays.toString(pulledChanges), Arrays.toString(bytes), REPEATS));
            }
        }
    }

    private void measure(String what, NasReplica a, NasReplica b, Path share, int rows) throws Exception {
        long before = folderBytes(share);
        long t0 = System.nanoTime();
        SyncResult pushed = a.syncNow();
        long t1 = System.nanoTime();
        SyncResult pulled = b.syncNow();
        long t2 = System.nanoTime();
        long bytes = folderBytes(share) - before;
        assertEquals(rows, count(b));
        report(String.format("%s: publish %d ms (%,d changes), pull+apply %d ms (%,d changes), %,d bytes in the folder (%.1f bytes/change)",
                what, (t1 - t0) / 1_000_000, pushed.pushed(), (t2 - t1) / 1_000_000, pulled.pulled(), bytes, bytes / (double) Math.max(1, pushed.pushed())));
    }

    private static void insert(NasReplica r, int from, int to) throws SQLException {
        r.conn.setAutoCommit(false);
        try (PreparedStatement ps = r.conn.prepareStatement("INSERT INTO item VALUES (?, ?, ?, ?, ?)")) {
            for (int i = from; i < to; i++) {
                ps.setString(1, id(i));
                ps.setString(2, "item number " + i);
                ps.setInt(3, i % 97);
                ps.setDouble(4, i * 0.25);
                ps.setString(5, "a note about item " + i);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        r.conn.commit();
        r.conn.setAutoCommit(true);
    }

    private static String id(int i) {
        return String.format("item-%07d", i);
    }

    private static int count(NasReplica r) throws SQLException {
        try (Statement s = r.conn.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM item")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static long folderBytes(Path share) throws IOException {
        try (Stream<Path> files = Files.walk(share)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static String ms(long[] nanos) {
        return Arrays.toString(Arrays.stream(nanos).map(n -> n / 1_000_000).toArray());
    }

    private static void report(String line) {
        System.out.println("[nas-bench] " + line);
    }
}
