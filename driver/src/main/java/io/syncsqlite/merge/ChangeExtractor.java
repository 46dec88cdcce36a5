package io.syncsqlite.merge;

import io.syncsqlite.change.SqliteValues;
import io.syncsqlite.capture.CaptureSchema;
import io.syncsqlite.capture.CapturedTable;
import io.syncsqlite.capture.MetaTables;
import io.syncsqlite.capture.Sql;
import io.syncsqlite.capture.Transactions;
import io.syncsqlite.change.Change;
import io.syncsqlite.change.Changeset;
import io.syncsqlite.change.ChangesetCodec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads changes out of the version tables: the local changes listed in the outbox (what to publish next), or every
 * current version of every row (a snapshot for compaction and bootstrap). Rows are streamed, never whole tables.
 */
public final class ChangeExtractor {
    /** The table id of the outbox's high-water mark (real tables are numbered from 1). */
    /** The table id of the outbox's high-water entry (see {@link #markPublished}): no change, only a number kept. */
    public static final int HIGH_WATER = 0;

    private final Connection c;
    private final SiteDictionary sites;

    public ChangeExtractor(Connection c, SiteDictionary sites) {
        this.c = c;
        this.sites = sites;
    }

    /**
     * The next batch of unpublished local changes, covering at most {@code maxRows} outbox entries, all of them folded
     * into the version tables ({@link io.syncsqlite.capture.VersionFold}: the caller folds first).
     */
    public LocalBatch nextBatch(CaptureSchema schema, int maxRows) throws SQLException {
        return Transactions.read(c, () -> {
            long hi;
            String folded = " AND seq <= (SELECT folded FROM " + MetaTables.CLOCK + ")";
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT coalesce((SELECT seq FROM " + MetaTables.OUTBOX + " WHERE tbl <> " + HIGH_WATER + folded + " ORDER BY seq LIMIT 1 OFFSET ?),"
                            + " (SELECT max(seq) FROM " + MetaTables.OUTBOX + " WHERE tbl <> " + HIGH_WATER + folded + "))")) {
                ps.setInt(1, maxRows - 1);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    hi = rs.getLong(1);
                    if (rs.wasNull()) return new LocalBatch(new Changeset(sites.local(), List.of()), 0, 0);
                }
            }
            List<Integer> tableIds = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT tbl FROM " + MetaTables.OUTBOX + " WHERE seq <= ? AND tbl <> " + HIGH_WATER)) {
                ps.setLong(1, hi);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) tableIds.add(rs.getInt(1));
                }
            }
            List<Change> out = new ArrayList<>();
            List<DeadLetterStore.Refusal> refused = new ArrayList<>();
            Consumer<Change> publishable = ch -> {
                String problem = ChangesetCodec.writeProblem(ch);
                if (problem == null) out.add(ch);
                else refused.add(new DeadLetterStore.Refusal(ch, problem));
            };
            int rows = 0;
            for (int id : tableIds) {
                CapturedTable t = schema.table(id);
                if (t == null) continue; // dropped since: its outbox entries are trimmed with the batch
                // one line per row: whole = an insert, delete or key change touched it (slot NULL or negative); else the
                // updated column slots
                String sql = "SELECT " + columns(t) + ", o.whole, o.slots FROM (SELECT k, max(slot IS NULL OR slot < 0) AS whole, group_concat(slot) AS slots FROM "
                        + MetaTables.OUTBOX + " WHERE tbl = ? AND seq <= ? GROUP BY k) o JOIN " + Sql.quote(t.versionTable()) + " v ON "
                        + (t.compositeKey() ? "v.rowid" : "v.k0") + " = o.k" + joinBase(t, schema.source(t));
                int whole = t.primaryKey().size() + 3 + 3 * t.columns().size() + 1;
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setInt(1, id);
                    ps.setLong(2, hi);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            rows++;
                            toChanges(t, rs, true, rs.getBoolean(whole) ? null : slots(rs.getString(whole + 1)), publishable);
                        }
                    }
                }
            }
            return new LocalBatch(new Changeset(sites.local(), out), hi, rows, 0, refused);
        });
    }

    /**
     * Removes published entries from the outbox, leaving a high-water mark: SQLite numbers a new entry one above the
     * highest present, so an outbox trimmed empty would hand out numbers again (transports name batches by them). The
     * mark is an entry of no table, which no batch includes; it goes with the next trim, which leaves a higher one.
     */
    public void markPublished(LocalBatch batch) throws SQLException {
        if (batch.upToSeq() <= 0) return;
        try (PreparedStatement trim = c.prepareStatement("DELETE FROM " + MetaTables.OUTBOX + " WHERE seq <= ?");
             PreparedStatement mark = c.prepareStatement("INSERT INTO " + MetaTables.OUTBOX + "(seq, tbl, k) SELECT ?1, " + HIGH_WATER
                     + ", NULL WHERE NOT EXISTS (SELECT 1 FROM " + MetaTables.OUTBOX + " WHERE seq > ?1)")) {
            trim.setLong(1, batch.upToSeq());
            trim.executeUpdate();
            mark.setLong(1, batch.upToSeq());
            mark.executeUpdate();
        }
        try (Statement s = c.createStatement()) {
            s.execute("DELETE FROM " + MetaTables.REPLACED); // every statement that noted rows is over (see TriggerSql)
        }
    }

    /**
     * Streams every current version in chunks of about {@code chunkChanges} changes, inside one read transaction so the
     * snapshot is consistent. With {@code localOnly}, only the rows this replica wrote a cell of — but each of them
     * whole, every cell with its own version and site: a replica that starts from snapshots (a shared folder's, which
     * replace the segments they compact) can build a row whose NOT NULL cells were last written by different sites,
     * even when one of those sites no longer publishes.
     */
    public void snapshot(CaptureSchema schema, boolean localOnly, int chunkChanges, Consumer<Changeset> sink) throws SQLException {
        Transactions.read(c, () -> {
            List<Change> chunk = new ArrayList<>();
            for (CapturedTable t : schema.tables()) {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT " + columns(t) + " FROM "
                        + Sql.quote(t.versionTable()) + " v" + joinBase(t, t.name()))) {
                    while (rs.next()) {
                        if (localOnly && !writtenHere(t, rs)) continue;
                        // what no changeset may carry was set aside when it was first published; a snapshot leaves it out too
                        toChanges(t, rs, false, null, ch -> {
                            if (ChangesetCodec.writeProblem(ch) == null) chunk.add(ch);
                        });
                        if (chunk.size() >= chunkChanges) {
                            sink.accept(new Changeset(sites.local(), chunk)); // the changeset copies the list
                            chunk.clear();
                        }
                    }
                }
            }
            if (!chunk.isEmpty()) sink.accept(new Changeset(sites.local(), chunk));
            return null;
        });
    }

    /** Whether this replica (site index 0) wrote the row's existence or one of its cells, in a row of {@link #columns}. */
    private static boolean writtenHere(CapturedTable t, ResultSet rs) throws SQLException {
        int keys = t.primaryKey().size();
        if (rs.getInt(keys + 3) == 0) return true;
        for (int i = 0; i < t.columns().size(); i++) {
            if (rs.getLong(keys + 4 + 2 * i) != 0 && rs.getInt(keys + 5 + 2 * i) == 0) return true;
        }
        return false;
    }

    /** Version row and current values: k0..kN, cl, rh, rs, then h/s per column, then the column values. */
    private static String columns(CapturedTable t) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < t.primaryKey().size(); i++) b.append("v.k").append(i).append(", ");
        b.append("v.cl, v.rh, v.rs");
        for (CapturedTable.Slot s : t.columns()) b.append(", v.h").append(s.slot()).append(", v.s").append(s.slot());
        for (CapturedTable.Slot s : t.columns()) b.append(", t.").append(Sql.quote(s.name()));
        return b.toString();
    }

    /**
     * Joins the user table (or {@code source}, the snapshot of a dropped one) to the version table {@code v} on the
     * key (the row is absent once deleted).
     */
    private static String joinBase(CapturedTable t, String source) {
        StringBuilder b = new StringBuilder(" LEFT JOIN ").append(Sql.quote(source)).append(" t ON ");
        for (int i = 0; i < t.primaryKey().size(); i++) {
            b.append(i == 0 ? "" : " AND ").append("t.").append(Sql.quote(t.primaryKey().get(i))).append(" = v.k").append(i);
        }
        return b.toString();
    }

    private static Set<Integer> slots(String list) {
        Set<Integer> out = new HashSet<>();
        for (String s : list.split(",")) out.add(Integer.parseInt(s));
        return out;
    }

    /**
     * Turns a version row into changes: this replica's own cells only when {@code localOnly}, and, when
     * {@code onlySlots} is given (an UPDATE-only row), just the existence-free column cells in it.
     */
    private void toChanges(CapturedTable t, ResultSet rs, boolean localOnly, Set<Integer> onlySlots, Consumer<Change> out) throws SQLException {
        int keys = t.primaryKey().size();
        List<Object> pk = new ArrayList<>(keys);
        for (int i = 1; i <= keys; i++) pk.add(SqliteValues.read(rs, i));
        long cl = rs.getLong(keys + 1);
        int rowSite = rs.getInt(keys + 3);
        if (onlySlots == null && (!localOnly || rowSite == 0)) {
            out.accept(new Change(t.name(), pk, null, null, rs.getLong(keys + 2), sites.site(c, rowSite), cl));
        }
        if ((cl & 1) == 0) return;
        int versionBase = keys + 4;
        int valueBase = versionBase + 2 * t.columns().size();
        for (int i = 0; i < t.columns().size(); i++) {
            long h = rs.getLong(versionBase + 2 * i);
            int site = rs.getInt(versionBase + 2 * i + 1);
            if (h == 0 || (localOnly && site != 0) || (onlySlots != null && !onlySlots.contains(t.columns().get(i).slot()))) continue;
            out.accept(new Change(t.name(), pk, t.columns().get(i).name(), SqliteValues.read(rs, valueBase + i), h, sites.site(c, site), cl));
        }
    }
}
