package io.syncsqlite.merge;

import io.syncsqlite.capture.CapturedTable;
import io.syncsqlite.capture.Sql;
import io.syncsqlite.change.Change;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The settle-constraints step of an apply: a batch is judged as a whole, the way it was committed. A row whose write a
 * constraint refuses is not a conflict yet; it waits here (deferred) until the rest of the batch is written:
 * <ol>
 * <li>Deferred rows are written again until a pass writes none (a value handed over from a row written later).</li>
 * <li>Rows still refused by a UNIQUE index that exist here have the cells the batch changes in UNIQUE indexes moved
 * aside (to NULL, or a value no application writes) and are written again until a pass writes none: a cycle (two rows
 * swapping values, a list reordered under {@code UNIQUE(pos)}) has every value it needs free then.</li>
 * <li>What is still refused now collides with the state after the batch: with a row this batch did not touch, or a
 * final value of one it wrote. That is a conflict between replicas, settled the same on every replica (the row whose
 * colliding cells were written later keeps the value; the other is kept whole in {@code _syncsqlite_conflicts} and
 * deleted with a tombstone of this replica's own). A row a NOT NULL or CHECK constraint refuses is parked whole.</li>
 * </ol>
 * Why this is complete: once step 2 ran, every row of the batch holds its final values or values no index can find
 * twice, and rows outside the batch hold theirs, so a row refused in step 2's passes collides with the state after the
 * batch and with nothing that is still moving. When the batch is a slice of a larger one (more follows in the same
 * transaction of the sender), step 3 waits: the rows still refused go on with the next slice.
 */
final class ConstraintSettler {
    /** What the settling reports to the apply it is part of. */
    interface Outcome {
        /** A row's plan was written. */
        void written(RowPlan p);

        /**
         * A change is kept pending; {@code conflict}: a constraint refuses it against the state after its batch
         * (reported), rather than a piece of its row or batch it waits for (kept quietly, listed as pending).
         */
        void park(Change ch, String reason, boolean conflict) throws SQLException;

        /** A conflict between replicas was settled (the message names both rows and where the loser went). */
        void settled(String message);
    }

    /** A row refused by a constraint and the changes of it that wait. */
    private static final class Deferred {
        final CapturedTable t;
        final List<Object> pk;
        final List<Change> changes = new ArrayList<>();
        RowPlan plan;
        SQLException failure;
        /** The columns moved aside, and the row's values before: put back if the row ends up parked. */
        BitSet aside;
        Object[] before;

        Deferred(CapturedTable t, List<Object> pk) {
            this.t = t;
            this.pk = pk;
        }
    }

    private final Connection c;
    private final SiteDictionary sites;
    private final RowPlanner planner;
    private final RowWriter writer;
    private final UniqueIndexes indexes;
    private final VersionPrefetch prefetch;
    private final Map<String, Deferred> deferred = new LinkedHashMap<>();
    private long asides;
    private boolean parkedForBatch;

    ConstraintSettler(Connection c, SiteDictionary sites, RowPlanner planner, RowWriter writer, UniqueIndexes indexes, VersionPrefetch prefetch) {
        this.c = c;
        this.sites = sites;
        this.planner = planner;
        this.writer = writer;
        this.indexes = indexes;
        this.prefetch = prefetch;
    }

    /** A new apply transaction: nothing waits from an attempt that was rolled back. */
    void begin() {
        deferred.clear();
    }

    boolean isEmpty() {
        return deferred.isEmpty();
    }

    /** Keeps the row of {@code p}, which a constraint refused with {@code e}, for the end of the batch. */
    void defer(RowPlan p, SQLException e) {
        Deferred d = deferred.computeIfAbsent(OrphanRows.Row.id(p.t().name(), p.pk()), k -> new Deferred(p.t(), p.pk()));
        d.changes.addAll(p.changes());
        d.plan = p;
        d.failure = e;
    }

    /** Adds {@code changes} to their row when it waits here already (a row that comes back later in the batch). */
    boolean joins(CapturedTable t, List<Object> pk, List<Change> changes) {
        Deferred d = deferred.get(OrphanRows.Row.id(t.name(), pk));
        if (d == null) return false;
        d.changes.addAll(changes);
        return true;
    }

    /** What the reason of a row parked by {@link AtEnd#PARK} says, and nothing else does. */
    static final String REFUSED_UNTIL_THE_REST = "is refused until the rest of what was received is applied";

    /** What happens at the end of a batch, or of a part of one, to the rows still refused after step 1. */
    enum AtEnd {
        /** More of the batch follows in this apply: they go on with it, in memory (returned). */
        CARRY,
        /**
         * More of what was received may follow in later applies (the next page of a pull): they are parked and judged
         * once everything received is applied (see {@link ChangeApplier#settleWaiting}).
         */
        PARK,
        /** The batch is complete: steps 2 and 3 judge them. */
        JUDGE
    }

    /** Settles the deferred rows at the end of the batch (see the class comment and {@link AtEnd}); returns the carried changes. */
    List<Change> settle(Outcome out, AtEnd atEnd) throws SQLException {
        if (deferred.isEmpty()) return List.of();
        try {
            writeAgain(out);
            List<Change> waiting = new ArrayList<>();
            for (Deferred d : deferred.values()) waiting.addAll(d.changes);
            if (atEnd == AtEnd.CARRY) return waiting;
            if (atEnd == AtEnd.PARK) {
                for (Deferred d : deferred.values()) {
                    String reason = "row " + d.pk + " of " + Sql.quote(d.t.name()) + " " + REFUSED_UNTIL_THE_REST + " ("
                            + d.failure.getMessage() + "): judged at the end of the sync round";
                    for (Change ch : d.changes) out.park(ch, reason, false);
                }
                parkedForBatch = true;
                return List.of();
            }
            if (!deferred.isEmpty()) {
                moveAside();
                writeAgain(out);
            }
            for (Deferred d : deferred.values()) judge(d, out);
            return List.of();
        } finally {
            deferred.clear();
        }
    }

    /** Whether rows were parked to be judged once everything received is applied. */
    boolean parkedForBatch() {
        return parkedForBatch;
    }

    /** The rows parked to be judged are about to be: none waits for that any more. */
    void judged() {
        parkedForBatch = false;
    }

    /** Step 1: writes the deferred rows again until a pass writes none. */
    private void writeAgain(Outcome out) throws SQLException {
        for (boolean moved = true; moved && !deferred.isEmpty(); ) {
            moved = false;
            for (Iterator<Deferred> it = deferred.values().iterator(); it.hasNext(); ) {
                if (attempt(it.next(), out)) {
                    it.remove();
                    moved = true;
                }
            }
        }
    }

    /** Plans the row again from its stored versions and writes it; false when a constraint refuses it still. */
    private boolean attempt(Deferred d, Outcome out) throws SQLException {
        prefetch.clear(); // versions of other rows were written since they were read ahead
        RowPlan p = planner.plan(d.t, d.pk, d.changes, VersionRow.load(writer.lookup(d.t), d.t, d.pk));
        if (p == null) { // nothing of it wins any more (a later piece of the batch carried newer versions)
            putBack(d);
            return true;
        }
        try {
            writer.write(p);
        } catch (SQLException e) {
            d.plan = p;
            d.failure = e;
            return false;
        }
        out.written(p);
        return true;
    }

    /** Step 2: moves aside, in the rows that exist here, the cells the batch changes that UNIQUE indexes read. */
    private void moveAside() throws SQLException {
        boolean ignoring = pragma("ignore_check_constraints");
        if (!ignoring) setPragma("ignore_check_constraints", true); // an aside value lives inside this transaction only
        try {
            for (Deferred d : deferred.values()) {
                RowPlan p = d.plan;
                if (!isUnique(d.failure) || !p.alive() || !p.wasAlive()) continue;
                BitSet cols = (BitSet) p.won().clone();
                cols.and(indexes.indexed(c, d.t));
                if (cols.isEmpty()) continue;
                Object[] before = UniqueConflicts.values(c, d.t, d.pk);
                Object[] aside = new Object[before.length];
                for (int i = cols.nextSetBit(0); i >= 0; i = cols.nextSetBit(i + 1)) aside[i] = indexes.aside(c, d.t, i, ++asides);
                try {
                    writer.update(d.t, d.pk, cols, aside);
                } catch (SQLException e) {
                    continue; // left where it is: step 3 judges it as it stands
                }
                d.aside = cols;
                d.before = before;
            }
        } finally {
            if (!ignoring) setPragma("ignore_check_constraints", false);
        }
    }

    /** Step 3: a row still refused collides with the state after the batch. */
    private void judge(Deferred d, Outcome out) throws SQLException {
        if (attempt(d, out)) return; // settling an earlier row may have freed its value, or buried this very row
        RowPlan p = d.plan;
        SQLException e = d.failure;
        for (int attempt = 0; attempt < 8 && isUnique(e); attempt++) {
            Object[] incoming = finalValues(p);
            Collision hit = collision(p, incoming);
            if (hit == null) break;
            String what = "UNIQUE conflict in " + Sql.quote(d.t.name()) + " on index " + Sql.quote(hit.index().name()) + ": ";
            VersionRow other = VersionRow.load(writer.lookup(d.t), d.t, hit.holder());
            if (!newer(p.v(), other, hit.index().columns())) {
                String reason = what + "incoming row " + d.pk + " lost to the later write of row " + hit.holder();
                UniqueConflicts.record(c, d.t, d.pk, incoming, hit.holder(), reason);
                p.v().store(writer.upsertVersion(d.t), d.pk);
                writer.silenceCaptureOf(d.t);
                UniqueConflicts.bury(c, d.t, d.pk);
                out.settled(reason + " (recorded in " + UniqueConflicts.TABLE + ")");
                out.written(p);
                return;
            }
            String reason = what + "row " + hit.holder() + " lost to the later write of row " + d.pk;
            UniqueConflicts.record(c, d.t, hit.holder(), UniqueConflicts.values(c, d.t, hit.holder()), d.pk, reason);
            writer.silenceCaptureOf(d.t);
            UniqueConflicts.bury(c, d.t, hit.holder());
            out.settled(reason + " (recorded in " + UniqueConflicts.TABLE + ")");
            prefetch.clear();
            try {
                writer.write(p);
                out.written(p);
                return;
            } catch (SQLException next) {
                e = next; // another UNIQUE index of the row collides too
            }
        }
        putBack(d);
        boolean incomplete = e.getMessage() != null && e.getMessage().contains("NOT NULL");
        String reason = incomplete
                ? "row " + d.pk + " of " + Sql.quote(d.t.name()) + " is not complete here (" + e.getMessage() + "): kept pending until its other cells arrive"
                : "constraint conflict in " + Sql.quote(d.t.name()) + " key " + d.pk + ": " + e.getMessage() + "; incoming " + describe(p);
        for (Change ch : d.changes) out.park(ch, reason, !incomplete);
    }

    /** A row that holds what the incoming row needs, and the index by which. */
    private record Collision(UniqueIndexes.Index index, List<Object> holder) {
    }

    private Collision collision(RowPlan p, Object[] incoming) throws SQLException {
        for (UniqueIndexes.Index index : indexes.of(c, p.t())) {
            List<Object> holder;
            try {
                holder = UniqueIndexes.holder(c, p.t(), index, p.pk(), incoming);
            } catch (SQLException e) {
                continue; // an index this connection cannot evaluate (a function it lacks): SQLite's error stands
            }
            if (holder != null) return new Collision(index, holder);
        }
        return null;
    }

    /** The values the row would hold once written: what it holds here, with the cells that won. */
    private Object[] finalValues(RowPlan p) throws SQLException {
        Object[] out = p.wasAlive() ? UniqueConflicts.values(c, p.t(), p.pk()) : new Object[p.values().length];
        for (int i = p.won().nextSetBit(0); i >= 0; i = p.won().nextSetBit(i + 1)) out[i] = p.values()[i];
        return out;
    }

    /** Puts back the values a row had before it was moved aside (it is parked or its changes lost). */
    private void putBack(Deferred d) throws SQLException {
        if (d.aside == null) return;
        boolean ignoring = pragma("ignore_check_constraints");
        if (!ignoring) setPragma("ignore_check_constraints", true);
        try {
            writer.update(d.t, d.pk, d.aside, d.before);
        } finally {
            if (!ignoring) setPragma("ignore_check_constraints", false);
        }
        d.aside = null;
    }

    /**
     * Whether the cells {@code cols} of {@code mine} were written later than those of {@code theirs}: the greatest
     * {@code (hlc, site)} among each row's cells competes (the row's existence version when the index reads no value
     * column), the same comparison on every replica.
     */
    private boolean newer(VersionRow mine, VersionRow theirs, BitSet cols) throws SQLException {
        long[] a = newest(mine, cols);
        long[] b = newest(theirs, cols);
        if (a[0] != b[0]) return a[0] > b[0];
        return sites.site(c, (int) a[1]).compareTo(sites.site(c, (int) b[1])) > 0;
    }

    private static long[] newest(VersionRow v, BitSet cols) {
        long[] best = {v.rh, v.rs};
        if (cols.isEmpty()) return best;
        best[0] = Long.MIN_VALUE;
        for (int i = cols.nextSetBit(0); i >= 0; i = cols.nextSetBit(i + 1)) {
            if (v.h[i] > best[0]) {
                best[0] = v.h[i];
                best[1] = v.s[i];
            }
        }
        return best;
    }

    static boolean isUnique(SQLException e) {
        return e != null && e.getMessage() != null && e.getMessage().contains("UNIQUE constraint failed");
    }

    private boolean pragma(String name) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA " + name)) {
            return rs.next() && rs.getInt(1) == 1;
        }
    }

    private void setPragma(String name, boolean on) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA " + name + " = " + (on ? "ON" : "OFF"));
        }
    }

    static String describe(RowPlan p) {
        StringBuilder b = new StringBuilder("{");
        for (int i = p.won().nextSetBit(0); i >= 0; i = p.won().nextSetBit(i + 1)) {
            Object v = p.values()[i];
            b.append(b.length() > 1 ? ", " : "").append(p.t().columns().get(i).name()).append('=')
             .append(v instanceof byte[] bytes ? "<" + bytes.length + " bytes>" : v);
        }
        return b.append('}').toString();
    }
}
