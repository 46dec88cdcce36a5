package io.syncsqlite.hub;

import io.syncsqlite.change.SqliteValues;
import io.syncsqlite.change.Change;
import io.syncsqlite.change.ChangesetCodec;
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
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The hub's embedded SQLite store (the default {@link HubStore}). Per namespace it keeps only the winning version of every cell (the same
 * {@code (cl, hlc, site)} rule the replicas use), each stamped with the hub sequence of the push that last won it, so
 * pulling from sequence 0 is a compact bootstrap and history does not grow without bound. Every SQL statement here is
 * the hub's own, with client data only ever bound as parameters.
 */
public final class SqliteHubStore implements HubStore {
    private static final String ROW_CELL = "";
    private static final int READERS = 4;
    /** Batch ids kept per site: a retry only ever repeats the batch in flight, so a short memory is enough. */
    private static final int BATCH_MEMORY = 256;

    private final Connection writer;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final BlockingQueue<Connection> readers = new ArrayBlockingQueue<>(READERS);
    private String epoch;
    private volatile long seq;
    private final Path highWater;

    /** Opens (creating if needed) the store in {@code file}. */
    public SqliteHubStore(Path file) throws SQLException {
        // xerial would otherwise run "SELECT last_insert_rowid()" after every INSERT for getGeneratedKeys(), which the
        // store never calls: 15% of the hub's CPU while ingesting pushes (JFR, ./bench.sh --only sync)
        String url = "jdbc:sqlite:" + file.toAbsolutePath() + "?jdbc.get_generated_keys=false";
        writer = DriverManager.getConnection(url);
        try (Statement s = writer.createStatement()) {
            s.execute("PRAGMA journal_mode = WAL");
            s.execute("PRAGMA synchronous = NORMAL");
            s.execute("PRAGMA busy_timeout = 30000");
            s.execute("CREATE TABLE IF NOT EXISTS hub_meta(key TEXT PRIMARY KEY, value NOT NULL) WITHOUT ROWID");
            s.execute("CREATE TABLE IF NOT EXISTS hub_cells(ns TEXT NOT NULL, tbl TEXT NOT NULL, pk TEXT NOT NULL, col TEXT NOT NULL,"
                    + " val, hlc INTEGER NOT NULL, site TEXT NOT NULL, cl INTEGER NOT NULL, seq INTEGER NOT NULL,"
                    + " PRIMARY KEY (ns, tbl, pk, col)) WITHOUT ROWID");
            s.execute("CREATE INDEX IF NOT EXISTS hub_cells_seq ON hub_cells(ns, seq)");
            s.execute("CREATE TABLE IF NOT EXISTS hub_batches(ns TEXT NOT NULL, site TEXT NOT NULL, batch TEXT NOT NULL, n INTEGER NOT NULL,"
                    + " PRIMARY KEY (ns, site, batch)) WITHOUT ROWID");
            s.execute("CREATE INDEX IF NOT EXISTS hub_batches_age ON hub_batches(ns, site, n)");
            byte[] id = new byte[16];
            new SecureRandom().nextBytes(id);
            // the epoch is created once with the store: a re-created or foreign store has another one
            try (PreparedStatement ps = writer.prepareStatement("INSERT OR IGNORE INTO hub_meta(key, value) VALUES ('epoch', ?), ('seq', 0)")) {
                ps.setString(1, HexFormat.of().formatHex(id));
                ps.executeUpdate();
            }
            try (ResultSet rs = s.executeQuery("SELECT (SELECT value FROM hub_meta WHERE key = 'epoch'), (SELECT value FROM hub_meta WHERE key = 'seq')")) {
                rs.next();
                epoch = rs.getString(1);
                seq = rs.getLong(2);
            }
        }
        highWater = file.resolveSibling(file.getFileName() + ".highwater");
        epoch = restoredCheck(epoch);
        writer.setAutoCommit(false);
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
     * A store file whose last sequence is behind the one this hub recorded beside it ({@code <data>.highwater}) was
     * restored from a backup or replaced: it gets a new epoch, so every client re-publishes its own versions and
     * re-reads, instead of trusting cursors into a history the file no longer holds (its epoch came back with it).
     */
    private String restoredCheck(String stored) throws SQLException {
        long reached;
        try {
            reached = Long.parseLong(Files.readString(highWater).trim());
        } catch (IOException | NumberFormatException e) {
            return stored; // no record yet (a new hub), or a torn write: nothing to compare
        }
        if (seq >= reached) return stored;
        byte[] id = new byte[16];
        new SecureRandom().nextBytes(id);
        String fresh = HexFormat.of().formatHex(id);
        try (PreparedStatement ps = writer.prepareStatement("UPDATE hub_meta SET value = ? WHERE key = 'epoch'")) {
            ps.setString(1, fresh);
            ps.executeUpdate();
        }
        System.getLogger(SqliteHubStore.class.getName()).log(System.Logger.Level.WARNING,
                "hub store ends at sequence {0} but {1} records that this hub had reached {2}: the store was restored or replaced;"
                        + " new epoch {3} (was {4}), clients push their versions again and re-read", seq, highWater, reached, fresh, stored);
        return fresh;
    }

    /** Records the sequence reached, beside the store file (see {@link #restoredCheck}). */
    private void recordHighWater() {
        try {
            Files.writeString(highWater, Long.toString(seq));
        } catch (IOException e) {
            System.getLogger(SqliteHubStore.class.getName()).log(System.Logger.Level.WARNING, "cannot record the sequence reached in " + highWater, e);
        }
    }

    @Override
    public long lastSequence() {
        return seq;
    }

    /** The id of this store's history; cursors from another epoch are meaningless here. */
    @Override
    public String epoch() {
        return epoch;
    }

    /**
     * Stores the winning changes of {@code cs} under a new hub sequence, in one transaction together with the batch id,
     * so a retried batch (same {@code site} and {@code batchId}) is answered as a duplicate and stores nothing.
     */
    @Override
    public PushOutcome push(String ns, String batchId, Changeset cs) throws SQLException {
        writeLock.lock();
        long before = seq;
        try {
            try (PreparedStatement ps = writer.prepareStatement("INSERT OR IGNORE INTO hub_batches(ns, site, batch, n) VALUES (?, ?, ?, ?)")) {
                ps.setString(1, ns);
                ps.setString(2, cs.origin());
                ps.setString(3, batchId);
                ps.setLong(4, seq + 1);
                if (ps.executeUpdate() == 0) {
                    writer.rollback();
                    return new PushOutcome(true, cs.size(), 0, seq, seq, List.of());
                }
            }
            long previous = head(writer, ns);
            List<Change> accepted = new ArrayList<>();
            try (RowWriter rows = new RowWriter(ns)) {
                for (List<Change> row : groupByRow(cs.changes()).values()) {
                    if (rows.merge(row, seq + 1, accepted)) seq++;
                }
            }
            forgetOldBatches(ns, cs.origin());
            try (PreparedStatement ps = writer.prepareStatement("UPDATE hub_meta SET value = ? WHERE key = 'seq'")) {
                ps.setLong(1, seq);
                ps.executeUpdate();
            }
            writer.commit();
            if (seq != before) recordHighWater();
            return new PushOutcome(false, cs.size(), accepted.size(), accepted.isEmpty() ? previous : seq, previous, accepted);
        } catch (SQLException | RuntimeException e) {
            seq = before;
            writer.rollback();
            throw e;
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public long head(String ns) throws SQLException, InterruptedException {
        Connection r = readers.take();
        try {
            return head(r, ns);
        } finally {
            r.rollback();
            readers.add(r);
        }
    }

    /** The last sequence stored in {@code ns} (0 when empty), as {@code c}'s transaction sees it. */
    private static long head(Connection c, String ns) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(max(seq), 0) FROM hub_cells WHERE ns = ?")) {
            ps.setString(1, ns);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Changes of {@code ns} after {@code since} in sequence order: about {@code limit}, never splitting one row's push. */
    @Override
    public Page pull(String ns, long since, int limit) throws SQLException, InterruptedException {
        Connection r = readers.take();
        try {
            long hi;
            // one read transaction, so the bound and the rows come from the same committed state
            try (PreparedStatement ps = r.prepareStatement("SELECT coalesce((SELECT seq FROM hub_cells WHERE ns = ?1 AND seq > ?2 ORDER BY seq LIMIT 1 OFFSET ?3),"
                    + " (SELECT max(seq) FROM hub_cells WHERE ns = ?1 AND seq > ?2))")) {
                ps.setString(1, ns);
                ps.setLong(2, since);
                ps.setInt(3, limit - 1);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    hi = rs.getLong(1);
                    if (rs.wasNull()) return new Page(List.of(), since, false);
                }
            }
            List<Change> out = new ArrayList<>();
            try (PreparedStatement ps = r.prepareStatement("SELECT tbl, pk, col, val, hlc, site, cl FROM hub_cells WHERE ns = ? AND seq > ? AND seq <= ? ORDER BY seq")) {
                ps.setString(1, ns);
                ps.setLong(2, since);
                ps.setLong(3, hi);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String col = rs.getString(3);
                        out.add(new Change(rs.getString(1), ChangesetCodec.decodeValues(rs.getString(2)), col.equals(ROW_CELL) ? null : col,
                                value(rs, 4), rs.getLong(5), rs.getString(6), rs.getLong(7)));
                    }
                }
            }
            boolean more;
            try (PreparedStatement ps = r.prepareStatement("SELECT EXISTS (SELECT 1 FROM hub_cells WHERE ns = ? AND seq > ?)")) {
                ps.setString(1, ns);
                ps.setLong(2, hi);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    more = rs.getBoolean(1);
                }
            }
            return new Page(out, hi, more);
        } catch (InvalidChangesetException e) {
            throw new SQLException("hub store holds an undecodable primary key: " + e.getMessage(), "XX001", e);
        } finally {
            r.rollback();
            readers.add(r);
        }
    }

    /** Cells stored for {@code ns} (winning versions only). */
    @Override
    public long cellCount(String ns) throws SQLException, InterruptedException {
        Connection r = readers.take();
        try (PreparedStatement ps = r.prepareStatement("SELECT count(*) FROM hub_cells WHERE ns = ?")) {
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

    private void forgetOldBatches(String ns, String site) throws SQLException {
        try (PreparedStatement ps = writer.prepareStatement("DELETE FROM hub_batches WHERE ns = ?1 AND site = ?2 AND n < "
                + "(SELECT n FROM hub_batches WHERE ns = ?1 AND site = ?2 ORDER BY n DESC LIMIT 1 OFFSET " + BATCH_MEMORY + ")")) {
            ps.setString(1, ns);
            ps.setString(2, site);
            ps.executeUpdate();
        }
    }

    private static Object value(ResultSet rs, int i) throws SQLException {
        Object v = rs.getObject(i);
        return v instanceof Integer n ? n.longValue() : v;
    }

    private static Map<List<Object>, List<Change>> groupByRow(List<Change> changes) {
        Map<List<Object>, List<Change>> rows = new LinkedHashMap<>();
        for (Change c : changes) rows.computeIfAbsent(List.of(c.table(), ChangesetCodec.encodeValues(c.pk())), k -> new ArrayList<>()).add(c);
        return rows;
    }

    /** Merges one row's incoming cells against the stored ones, with statements prepared once per push. */
    private final class RowWriter implements AutoCloseable {
        private final String ns;
        private final PreparedStatement select;
        private final PreparedStatement upsert;
        private final PreparedStatement dropOlderEra;

        RowWriter(String ns) throws SQLException {
            this.ns = ns;
            select = writer.prepareStatement("SELECT col, hlc, site, cl, val FROM hub_cells WHERE ns = ? AND tbl = ? AND pk = ?");
            upsert = writer.prepareStatement("INSERT INTO hub_cells(ns, tbl, pk, col, val, hlc, site, cl, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    + " ON CONFLICT (ns, tbl, pk, col) DO UPDATE SET val = excluded.val, hlc = excluded.hlc, site = excluded.site,"
                    + " cl = excluded.cl, seq = excluded.seq");
            dropOlderEra = writer.prepareStatement("DELETE FROM hub_cells WHERE ns = ? AND tbl = ? AND pk = ? AND col <> '' AND cl < ?");
        }

        /** Stores the row's cells that win with {@code rowSeq}, adds them to {@code won}; true when any did. */
        boolean merge(List<Change> row, long rowSeq, List<Change> won) throws SQLException {
            Change first = row.get(0);
            String pk = ChangesetCodec.encodeValues(first.pk());
            Map<String, long[]> hlcCl = new HashMap<>();
            Map<String, String> sites = new HashMap<>();
            Map<String, Object> values = new HashMap<>();
            long storedCl = 0;
            select.setString(1, ns);
            select.setString(2, first.table());
            select.setString(3, pk);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    hlcCl.put(rs.getString(1), new long[] {rs.getLong(2), rs.getLong(4)});
                    sites.put(rs.getString(1), rs.getString(3));
                    values.put(rs.getString(1), value(rs, 5));
                    storedCl = Math.max(storedCl, rs.getLong(4));
                }
            }
            long targetCl = storedCl;
            for (Change c : row) targetCl = Math.max(targetCl, c.cl());
            if (targetCl > storedCl) {
                // a delete or re-insert: column versions of the older era are superseded, keep only the new era
                dropOlderEra.setString(1, ns);
                dropOlderEra.setString(2, first.table());
                dropOlderEra.setString(3, pk);
                dropOlderEra.setLong(4, targetCl);
                dropOlderEra.executeUpdate();
            }
            int before = won.size();
            for (Change c : row) {
                if (c.cl() != targetCl) continue; // an older era of the row, as on the replicas
                String col = c.column() == null ? ROW_CELL : c.column();
                long[] stored = hlcCl.get(col);
                if (stored != null && stored[1] == targetCl && !c.beats(stored[1], stored[0], sites.get(col), () -> values.get(col))) continue;
                hlcCl.put(col, new long[] {c.hlc(), c.cl()});
                sites.put(col, c.site());
                values.put(col, c.value());
                upsert.setString(1, ns);
                upsert.setString(2, c.table());
                upsert.setString(3, pk);
                upsert.setString(4, col);
                SqliteValues.bind(upsert, 5, c.value());
                upsert.setLong(6, c.hlc());
                upsert.setString(7, c.site());
                upsert.setLong(8, c.cl());
                upsert.setLong(9, rowSeq);
                upsert.executeUpdate();
                won.add(c);
            }
            return won.size() > before;
        }

        @Override
        public void close() throws SQLException {
            select.close();
            upsert.close();
            dropOlderEra.close();
        }
    }

    @Override
    public void close() throws SQLException {
        writeLock.lock();
        try {
            writer.close();
            for (Connection r : readers) r.close();
        } finally {
            writeLock.unlock();
        }
    }
}
