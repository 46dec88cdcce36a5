package io.syncsqlite.hub;

import io.syncsqlite.change.Change;
import io.syncsqlite.change.Changeset;
import io.syncsqlite.change.InvalidChangesetException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The hub's embedded SQLite store (the default {@link HubStore}). Per namespace it keeps only the winning version of every cell (the same
 * {@code (cl, hlc, site)} rule the replicas use, {@link RowMerge}), so pulling from sequence 0 is a compact bootstrap and
 * history does not grow without bound. A row's cells are stored together ({@link StoredRow}) under the hub sequence of
 * the push that last won any of them: a push reads and writes each row it touches once, and a pull reads rows in
 * sequence order, front to back. Every SQL statement here is the hub's own, with client data only ever bound as
 * parameters.
 */
public final class SqliteHubStore implements HubStore {
    private static final int READERS = 4;
    /** Batch ids kept per site: a retry only ever repeats the batch in flight, so a short memory is enough. */
    private static final int BATCH_MEMORY = 256;
    private static final String HEAD = "SELECT coalesce(max(seq), 0) FROM hub_rows WHERE ns = ?";

    private final Connection writer;
    private final StoredRows rowStore;
    /** Records a push's batch id (nothing when it is already recorded: a retry), prepared once. */
    private final PreparedStatement batchInsert;
    /** A namespace's last sequence in the writer's transaction, prepared once. */
    private final PreparedStatement headOfNamespace;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final BlockingQueue<Connection> readers = new ArrayBlockingQueue<>(READERS);
    private final String storeId;
    private final String generation;
    /** Generations of this store's history before this opening, with the last sequence committed under each. */
    private final Map<String, Long> generations = new java.util.HashMap<>();
    private volatile long seq;
    private final Path file;

    /** Opens (creating if needed) the store in {@code file}. */
    public SqliteHubStore(Path file) throws SQLException {
        this.file = file;
        // xerial would otherwise run "SELECT last_insert_rowid()" after every INSERT for getGeneratedKeys(), which the
        // store never calls: 15% of the hub's CPU while ingesting pushes (JFR, ./bench.sh --only sync)
        String url = "jdbc:sqlite:" + file.toAbsolutePath() + "?jdbc.get_generated_keys=false";
        writer = DriverManager.getConnection(url);
        try (Statement s = writer.createStatement()) {
            s.execute("PRAGMA journal_mode = WAL");
            s.execute("PRAGMA synchronous = NORMAL");
            s.execute("PRAGMA busy_timeout = 30000");
            s.execute("CREATE TABLE IF NOT EXISTS hub_meta(key TEXT PRIMARY KEY, value NOT NULL) WITHOUT ROWID");
            // one row per synced row, in sequence order (a pull reads it front to back), found by its key for a push
            s.execute("CREATE TABLE IF NOT EXISTS hub_rows(ns TEXT NOT NULL, seq INTEGER NOT NULL, tbl TEXT NOT NULL, pk TEXT NOT NULL,"
                    + " n INTEGER NOT NULL, cells BLOB NOT NULL, PRIMARY KEY (ns, seq, tbl, pk)) WITHOUT ROWID");
            s.execute("CREATE UNIQUE INDEX IF NOT EXISTS hub_rows_key ON hub_rows(ns, tbl, pk)");
            s.execute("CREATE TABLE IF NOT EXISTS hub_batches(ns TEXT NOT NULL, site TEXT NOT NULL, batch TEXT NOT NULL, n INTEGER NOT NULL,"
                    + " PRIMARY KEY (ns, site, batch)) WITHOUT ROWID");
            s.execute("CREATE INDEX IF NOT EXISTS hub_batches_age ON hub_batches(ns, site, n)");
            s.execute("CREATE TABLE IF NOT EXISTS hub_keytags(ns TEXT NOT NULL, tag INTEGER NOT NULL, site TEXT NOT NULL,"
                    + " PRIMARY KEY (ns, tag)) WITHOUT ROWID");
            s.execute("CREATE UNIQUE INDEX IF NOT EXISTS hub_keytags_site ON hub_keytags(ns, site)");
            s.execute("CREATE TABLE IF NOT EXISTS hub_generations(gen TEXT PRIMARY KEY, last_seq INTEGER NOT NULL) WITHOUT ROWID");
            byte[] id = new byte[16];
            new SecureRandom().nextBytes(id);
            // the epoch is created once with the store: a re-created or foreign store has another one
            try (PreparedStatement ps = writer.prepareStatement("INSERT OR IGNORE INTO hub_meta(key, value) VALUES ('epoch', ?), ('seq', 0)")) {
                ps.setString(1, HexFormat.of().formatHex(id));
                ps.executeUpdate();
            }
            try (ResultSet rs = s.executeQuery("SELECT (SELECT value FROM hub_meta WHERE key = 'epoch'), (SELECT value FROM hub_meta WHERE key = 'seq')")) {
                rs.next();
                storeId = rs.getString(1);
                seq = rs.getLong(2);
            }
        }
        generation = newGeneration();
        writer.setAutoCommit(false);
        CellTableMigration.run(writer, file);
        rowStore = new StoredRows(writer);
        batchInsert = writer.prepareStatement("INSERT OR IGNORE INTO hub_batches(ns, site, batch, n) VALUES (?, ?, ?, ?)");
        headOfNamespace = writer.prepareStatement(HEAD);
        for (int i = 0; i < READERS; i++) {
            Connection r = DriverManager.getConnection(url);
            try (Statement s = r.createStatement()) {
                s.execute("PRAGMA busy_timeout = 30000");
            }
            r.setAutoCommit(false);
            readers.add(r);
        }
    }

    /**
     * Starts a new generation of this store's history: every opening of the store gets one, recorded in the store
     * with the last sequence committed under it (updated with every push, in its transaction). A client presents the
     * generation and the highest sequence it has seen (applied, or assigned to its own pushes); {@link #knows} then
     * tells whether this store holds everything up to it. A store restored from a backup, however it was restored
     * (the file alone or the whole data folder), lacks the generations opened after the backup and holds a smaller
     * last sequence for the generation that was running at the backup: every client that saw anything the backup
     * does not hold presents a pair it does not know. Nothing else needs to survive the restore.
     */
    private String newGeneration() throws SQLException {
        byte[] id = new byte[8];
        new SecureRandom().nextBytes(id);
        String gen = HexFormat.of().formatHex(id);
        try (PreparedStatement ps = writer.prepareStatement("INSERT INTO hub_generations(gen, last_seq) VALUES (?, ?)")) {
            ps.setString(1, gen);
            ps.setLong(2, seq);
            ps.executeUpdate();
        }
        try (Statement s = writer.createStatement(); ResultSet rs = s.executeQuery("SELECT gen, last_seq FROM hub_generations")) {
            while (rs.next()) generations.put(rs.getString(1), rs.getLong(2));
        }
        return gen;
    }

    @Override
    public boolean knows(String epoch, long seen) {
        if (epoch == null) return seen <= seq;
        if (epoch.equals(storeId)) return seen <= seq; // a cursor from before generations were recorded
        if (!epoch.startsWith(storeId + ".")) return false;
        String gen = epoch.substring(storeId.length() + 1);
        if (gen.equals(generation)) return seen <= seq;
        Long last = generations.get(gen);
        return last != null && seen <= last;
    }

    @Override
    public long lastSequence() {
        return seq;
    }

    /** This store's id and the generation of this opening, {@code <store id>.<generation>}: see {@link #knows}. */
    @Override
    public String epoch() {
        return storeId + "." + generation;
    }

    /**
     * Stores the pushes in one transaction (one commit for the group), each with its batch id so a retried batch (same
     * site and batch id) is answered as a duplicate and stores nothing; each push is a savepoint of its own, so one
     * that fails rolls back alone.
     */
    @Override
    public List<Stored> pushAll(List<Push> pushes) throws SQLException {
        writeLock.lock();
        long before = seq;
        try {
            List<Stored> out = PushGroup.store(writer, pushes, new PushGroup.Writer() {
                private long at;

                @Override
                public PushOutcome store(Push p) throws SQLException {
                    at = seq;
                    return SqliteHubStore.this.store(p);
                }

                @Override
                public void rolledBack() {
                    seq = at;
                }
            });
            Map<String, java.util.Set<String>> sites = new java.util.HashMap<>();
            for (int i = 0; i < pushes.size(); i++) {
                Push p = pushes.get(i);
                if (out.get(i).failure() == null && !out.get(i).outcome().duplicate()) sites.computeIfAbsent(p.ns(), n -> new java.util.HashSet<>()).add(p.changes().origin());
            }
            for (Map.Entry<String, java.util.Set<String>> e : sites.entrySet()) {
                for (String site : e.getValue()) forgetOldBatches(e.getKey(), site);
            }
            if (seq != before) {
                try (PreparedStatement ps = writer.prepareStatement("UPDATE hub_meta SET value = ? WHERE key = 'seq'")) {
                    ps.setLong(1, seq);
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = writer.prepareStatement("UPDATE hub_generations SET last_seq = ? WHERE gen = ?")) {
                    ps.setLong(1, seq);
                    ps.setString(2, generation);
                    ps.executeUpdate();
                }
            }
            writer.commit();
            return out;
        } catch (SQLException | RuntimeException e) {
            seq = before;
            writer.rollback();
            throw e;
        } finally {
            writeLock.unlock();
        }
    }

    /** Stores one push in the writer's open transaction; a duplicate batch stores nothing. */
    private PushOutcome store(Push p) throws SQLException {
        String ns = p.ns();
        Changeset cs = p.changes();
        batchInsert.setString(1, ns);
        batchInsert.setString(2, cs.origin());
        batchInsert.setString(3, p.batchId());
        batchInsert.setLong(4, seq + 1);
        if (batchInsert.executeUpdate() == 0) return new PushOutcome(true, cs.size(), 0, seq, seq, List.of());
        long previous = head(headOfNamespace, ns);
        List<Change> accepted = new ArrayList<>();
        List<PushedRow> rows = PushedRow.group(cs.changes());
        for (RowWrites.Write w : RowWrites.merge(rows, rowStore.read(ns, rows), accepted)) {
            seq++;
            if (w.oldSeq() == null) rowStore.insert(ns, w.row().table(), w.row().pk(), seq, w.cells());
            else rowStore.update(ns, w.row(), w.oldSeq(), seq, w.cells());
        }
        return new PushOutcome(false, cs.size(), accepted.size(), accepted.isEmpty() ? previous : seq, previous, accepted);
    }

    @Override
    public int claimKeyTag(String ns, String site, int wish) throws SQLException {
        writeLock.lock();
        try {
            int tag = KeyTagGrants.claim(writer, ns, site, wish);
            writer.commit();
            return tag;
        } catch (SQLException | RuntimeException e) {
            writer.rollback();
            throw e;
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public long head(String ns) throws SQLException, InterruptedException {
        Connection r = readers.take();
        try (PreparedStatement ps = r.prepareStatement(HEAD)) {
            return head(ps, ns);
        } finally {
            r.rollback();
            readers.add(r);
        }
    }

    /** The last sequence stored in namespace {@code ns} (0 when empty), by {@code ps} ({@link #HEAD}). */
    private static long head(PreparedStatement ps, String ns) throws SQLException {
        ps.setString(1, ns);
        try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * Rows of {@code ns} whose sequence is after {@code since}, in sequence order, with all their cells: about
     * {@code limit} cells or {@code maxBytes} of stored cells, never splitting one row's push. A row carries the sequence of the last push that won any of
     * its cells, so a reader at {@code since} may be sent again a cell it already holds (same version: applying it is
     * a no-op), never fewer than it lacks.
     */
    @Override
    public Page pull(String ns, long since, int limit, long maxBytes) throws SQLException, InterruptedException {
        Connection r = readers.take();
        // one read transaction, so the rows and whether more follow come from the same committed state
        try (PreparedStatement ps = r.prepareStatement("SELECT seq, tbl, pk, cells FROM hub_rows WHERE ns = ? AND seq > ? ORDER BY seq")) {
            ps.setString(1, ns);
            ps.setLong(2, since);
            PageBuilder page = new PageBuilder(since, limit, maxBytes);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (!page.add(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getBytes(4))) return page.page(true);
                }
            }
            return page.page(false);
        } finally {
            r.rollback();
            readers.add(r);
        }
    }

    /** Cells stored for {@code ns} (winning versions only). */
    @Override
    public long cellCount(String ns) throws SQLException, InterruptedException {
        Connection r = readers.take();
        try (PreparedStatement ps = r.prepareStatement("SELECT coalesce(sum(n), 0) FROM hub_rows WHERE ns = ?")) {
            ps.setString(1, ns);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } finally {
            r.rollback();
            readers.add(r);
        }
    }

    @Override
    public String kind() {
        return "sqlite";
    }

    @Override
    public void check() throws SQLException, InterruptedException {
        Connection r = readers.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS);
        if (r == null) return;
        try (Statement s = r.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM hub_meta")) {
            rs.next();
        } finally {
            r.rollback();
            readers.add(r);
        }
    }

    /** The database file and its write-ahead log. */
    @Override
    public long sizeBytes() {
        long n = 0;
        for (Path p : new Path[] {file, file.resolveSibling(file.getFileName() + "-wal")}) {
            try {
                if (Files.exists(p)) n += Files.size(p);
            } catch (IOException e) {
                return -1;
            }
        }
        return n;
    }

    private void forgetOldBatches(String ns, String site) throws SQLException {
        try (PreparedStatement ps = writer.prepareStatement("DELETE FROM hub_batches WHERE ns = ?1 AND site = ?2 AND n < "
                + "(SELECT n FROM hub_batches WHERE ns = ?1 AND site = ?2 ORDER BY n DESC LIMIT 1 OFFSET " + BATCH_MEMORY + ")")) {
            ps.setString(1, ns);
            ps.setString(2, site);
            ps.executeUpdate();
        }
    }

    @Override
    public void close() throws SQLException {
        writeLock.lock();
        try {
            rowStore.close();
            batchInsert.close();
            headOfNamespace.close();
            writer.close();
            for (Connection r : readers) r.close();
        } finally {
            writeLock.unlock();
        }
    }
}
