package io.syncsqlite.merge;

import io.syncsqlite.capture.CaptureSchema;
import io.syncsqlite.capture.CapturedTable;
import io.syncsqlite.capture.MetaTables;
import io.syncsqlite.capture.VersionFold;
import io.syncsqlite.capture.Sql;
import io.syncsqlite.capture.Transactions;
import io.syncsqlite.change.Change;
import io.syncsqlite.change.Changeset;
import io.syncsqlite.clock.Hlc;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Objects;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;

/**
 * Merges remote changes into the local database: per cell, the greatest {@code (cl, hlc, site)} wins, so replicas
 * that have seen the same changes hold the same data whatever the order. A changeset is applied in one
 * {@code BEGIN IMMEDIATE} transaction with deferred foreign keys, with the capture triggers silenced, together with
 * the transport's cursor. Applying the same changeset twice changes nothing. Changes that cannot be applied yet are
 * parked in {@code _syncsqlite_pending} and retried, never dropped.
 */
public final class ChangeApplier implements AutoCloseable {
    /** How far past now a remote version may raise the local clock floor (see {@code Run.floorCap}). */
    private static final Duration MAX_FLOOR_LEAD = Duration.ofMinutes(5);
    private final Connection c;
    private final SiteDictionary sites;
    private final Duration maxClockDrift;
    /** Whether the hint that this replica's clock may be behind was given: once, not once per parked change or round. */
    private boolean clockHintGiven;
    private final StatementCache statements;
    private final VersionPrefetch prefetch;
    private final RowPlanner planner;
    private final RowWriter writer;
    private final UniqueIndexes indexes = new UniqueIndexes();
    private final ConstraintSettler settler;
    private final KeyTwins twins;
    private long statementsSchema = Long.MIN_VALUE;
    /** Pending changes retried per transaction: bounds the memory and the length of each write. */
    private static final int RETRY_PAGE = 5_000;
    /** Rounds of finding rows that break foreign keys before an apply keeps its whole batch instead. */
    private static final int MAX_ORPHAN_PASSES = 4;

    public ChangeApplier(Connection c, SiteDictionary sites, Duration maxClockDrift) {
        this.c = c;
        this.sites = sites;
        this.maxClockDrift = maxClockDrift;
        this.statements = new StatementCache(c);
        this.prefetch = new VersionPrefetch(c, statements);
        this.planner = new RowPlanner(c, sites, statements);
        this.writer = new RowWriter(statements);
        this.settler = new ConstraintSettler(c, sites, planner, writer, indexes, prefetch);
        this.twins = new KeyTwins(c, sites);
    }

    /**
     * Rows of a batch applied in slices (one transaction each) that a constraint still refused at the end of a slice:
     * they are applied again with the next slice, and judged with the last. They need no store of their own: the
     * transport's cursor commits with the last slice, so a crash before it receives the whole batch again.
     */
    public static final class Carry {
        private List<Change> changes = List.of();

        /** The carried changes, then {@code next}. */
        List<Change> before(List<Change> next) {
            if (changes.isEmpty()) return next;
            List<Change> all = new ArrayList<>(changes.size() + next.size());
            all.addAll(changes);
            all.addAll(next);
            return all;
        }
    }

    /**
     * Applies {@code cs} as one complete batch and stores {@code cursors} (transport cursor key to value) in the same
     * transaction: a row a constraint refuses after the whole batch is written is judged at once. Nothing is applied
     * when this throws.
     */
    public ApplyResult apply(Changeset cs, CaptureSchema schema, Map<String, String> cursors) throws SQLException {
        useSchema(schema);
        return applyHoldingOrphans(cs::changes, cs.size(), schema, cursors, ConstraintSettler.AtEnd.JUDGE, null);
    }

    /**
     * Applies one slice of what a transport received, in one transaction, with the rows {@code carry} holds from the
     * slices before it. Rows a constraint still refuses at the end go on in {@code carry} to the next slice; after the
     * last slice ({@code last}) they are parked, and judged by {@link #settleWaiting} once everything the round
     * received is applied: what they collide with may move in a later page.
     */
    public ApplyResult applyReceived(Changeset slice, CaptureSchema schema, Map<String, String> cursors, Carry carry, boolean last) throws SQLException {
        useSchema(schema);
        List<Change> changes = carry.before(slice.changes());
        return applyHoldingOrphans(() -> changes, slice.size(), schema, cursors, last ? ConstraintSettler.AtEnd.PARK : ConstraintSettler.AtEnd.CARRY, carry);
    }

    /** Whether {@link #applyReceived} parked rows to be judged once everything received is applied. */
    public boolean rowsWaitToBeJudged() {
        return settler.parkedForBatch();
    }

    /**
     * Judges the rows parked by {@link #applyReceived} until everything received was applied (a retry of the pending
     * changes, which judges what still collides).
     */
    public ApplyResult settleWaiting(CaptureSchema schema) throws SQLException {
        ApplyResult r = retryPending(schema);
        settler.judged();
        return r;
    }

    /** The changes of one apply, read inside its transaction (a page of the pending store is taken out there). */
    private interface Batch {
        List<Change> changes() throws SQLException;
    }

    /**
     * Applies the batch in one transaction; when the deferred foreign-key check fails at COMMIT, finds the rows that
     * break it and applies again holding back (or deleting) only those ({@link Orphans}).
     */
    private ApplyResult applyHoldingOrphans(Batch batch, int received, CaptureSchema schema, Map<String, String> cursors, ConstraintSettler.AtEnd atEnd,
                                            Carry carry)
            throws SQLException {
        Orphans orphans = new Orphans();
        List<List<Change>> read = new ArrayList<>(1);
        for (int attempt = 0; ; attempt++) {
            try {
                Run run = Transactions.write(c, () -> {
                    List<Change> changes = batch.changes();
                    read.clear();
                    read.add(changes);
                    return applyInTransaction(changes, schema, cursors, orphans, atEnd);
                });
                if (carry != null) carry.changes = run.carried;
                return run.result(received);
            } catch (SQLException e) {
                sites.invalidate(c);
                if (!isForeignKeyFailure(e) || read.isEmpty()) throw e;
                List<OrphanRows.Row> found = attempt < MAX_ORPHAN_PASSES ? probe(batch, schema, cursors, orphans, atEnd) : null;
                // rows that cannot be named: keep the whole batch until the rows it needs arrive
                if (found == null || found.isEmpty()) {
                    ApplyResult parked = parkAll(batch, received, "foreign key not satisfied yet: " + e.getMessage(), cursors);
                    if (carry != null) carry.changes = List.of();
                    return parked;
                }
                orphans.sort(found, read.get(0));
            }
        }
    }

    /** Applies again without committing, and names the rows that break a foreign key at that point. */
    private List<OrphanRows.Row> probe(Batch batch, CaptureSchema schema, Map<String, String> cursors, Orphans orphans, ConstraintSettler.AtEnd atEnd)
            throws SQLException {
        try {
            Transactions.write(c, () -> {
                applyInTransaction(batch.changes(), schema, cursors, orphans, atEnd);
                throw new OrphanRows.Found(OrphanRows.find(c, schema));
            });
        } catch (OrphanRows.Found f) {
            sites.invalidate(c);
            return f.rows;
        }
        return null;
    }

    /**
     * What an apply does with rows that break a foreign key, the same on every replica. A row of the batch whose
     * parent is not here is held back (parked, retried when rows arrive) — its parent may just not have arrived yet.
     * A row already here whose parent the batch deletes is deleted too, with a tombstone of this replica's own (the
     * delete wins, as ON DELETE CASCADE would have it) and kept in {@code _syncsqlite_conflicts}; every replica that
     * holds such a child when the delete arrives does the same, and a child that arrives after its parent's delete
     * stays parked until that tombstone reaches it.
     */
    private static final class Orphans {
        final Map<String, OrphanRows.Row> held = new HashMap<>();
        final Map<String, OrphanRows.Row> buried = new HashMap<>();

        void sort(List<OrphanRows.Row> found, List<Change> batch) {
            java.util.Set<String> inBatch = new java.util.HashSet<>();
            for (Change ch : batch) inBatch.add(OrphanRows.Row.id(ch.table(), ch.pk()));
            for (OrphanRows.Row r : found) (inBatch.contains(r.id()) ? held : buried).put(r.id(), r);
        }
    }

    /**
     * Retries the pending changes a page at a time, each page as one batch whose rows are whole (every piece of a row
     * kept pending goes with it). Each page leaves the pending store in the same transaction that applies it (or parks
     * its changes again), so a crash at any point leaves every change either applied or still pending, and memory holds
     * one page however many are pending. A pass covers what was pending when it began: changes parked again get new,
     * higher ids and wait for the next pass.
     * <p>
     * When what is pending takes more than one page, a row a constraint still refuses at the end of its page is parked
     * again rather than judged, and the rows parked so are judged together once the pass is over: the rows of a UNIQUE
     * swap or hand-over parked pages apart meet there (docs/constraints.md, section 1).
     */
    public ApplyResult retryPending(CaptureSchema schema) throws SQLException {
        if (PendingStore.isEmpty(c)) return ApplyResult.NOTHING;
        useSchema(schema);
        long last = PendingStore.lastId(c);
        boolean pages = PendingStore.pageEnd(c, 0, last, RETRY_PAGE, null) < last;
        boolean parkedBefore = settler.parkedForBatch();
        ApplyResult total = retryPass(schema, 0, last, null, pages ? ConstraintSettler.AtEnd.PARK : ConstraintSettler.AtEnd.JUDGE);
        if (pages) {
            total = total.plus(retryPass(schema, last, PendingStore.lastId(c), ConstraintSettler.REFUSED_UNTIL_THE_REST, ConstraintSettler.AtEnd.JUDGE));
            if (!parkedBefore) settler.judged();
        }
        return total;
    }

    /** Retries the pending changes with ids in {@code (after, last]} (with {@code reason} in theirs, when given), a page at a time. */
    private ApplyResult retryPass(CaptureSchema schema, long after, long last, String reason, ConstraintSettler.AtEnd atEnd) throws SQLException {
        ApplyResult total = ApplyResult.NOTHING;
        for (long end; (end = PendingStore.pageEnd(c, after, last, RETRY_PAGE, reason)) > after; after = end) {
            long from = after;
            long to = end;
            Batch page = () -> {
                List<Change> changes = PendingStore.read(c, from, to, reason);
                PendingStore.remove(c, from, to, reason);
                return byRow(changes);
            };
            ApplyResult r = applyHoldingOrphans(page, (int) Math.min(Integer.MAX_VALUE, to - from), schema, Map.of(), atEnd, null);
            // why changes wait was reported when they were parked: a retry reports what it applied and settled
            total = total.plus(new ApplyResult(r.received(), r.applied(), r.parked(), r.conflicts(), List.of(), List.of(), List.of(), r.changedRows()));
        }
        return total;
    }

    private void useSchema(CaptureSchema schema) throws SQLException {
        if (statementsSchema != schema.schemaVersion()) {
            closeStatements();
            statementsSchema = schema.schemaVersion();
        }
        indexes.useSchema(schema.schemaVersion());
    }

    private static boolean isForeignKeyFailure(SQLException e) {
        return e.getMessage() != null && e.getMessage().contains("FOREIGN KEY");
    }

    /** Merges {@code changes} inside the caller's write transaction and stores {@code cursors} with them. */
    private Run applyInTransaction(List<Change> changes, CaptureSchema schema, Map<String, String> cursors, Orphans orphans, ConstraintSettler.AtEnd atEnd)
            throws SQLException {
        Run run = new Run(schema, orphans);
        // remote versions are compared with every local write, also those whose versions the engine has not folded yet
        VersionFold.all(c);
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA defer_foreign_keys = ON");
        }
        writer.begin();
        run.applyRows(rowsOf(changes), atEnd);
        run.buryOrphans();
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + MetaTables.CLOCK + " SET applying = 0, floor = max(floor, ?)")) {
            ps.setLong(1, Math.min(run.maxHlc + 1, run.floorCap));
            ps.executeUpdate();
        }
        saveCursors(cursors);
        return run;
    }

    /** The remote changes kept pending, grouped by table, column and reason (at most 100 groups). */
    public List<io.syncsqlite.SyncStatus.Waiting> waiting() throws SQLException {
        return PendingStore.isEmpty(c) ? List.of() : PendingStore.summary(c, 100);
    }

    private ApplyResult parkAll(Batch batch, int received, String reason, Map<String, String> cursors) throws SQLException {
        return Transactions.write(c, () -> {
            List<Change> changes = batch.changes();
            for (Change ch : changes) PendingStore.park(c, ch, reason);
            saveCursors(cursors);
            return new ApplyResult(received, 0, changes.size(), List.of(), List.of(), List.of(reason), List.of());
        });
    }

    /** Stores transport cursors, in the caller's transaction. */
    public void saveCursors(Map<String, String> cursors) throws SQLException {
        if (cursors.isEmpty()) return;
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + MetaTables.CURSORS + "(key, value) VALUES (?, ?)"
                + " ON CONFLICT(key) DO UPDATE SET value = excluded.value")) {
            for (Map.Entry<String, String> e : cursors.entrySet()) {
                ps.setString(1, e.getKey());
                ps.setString(2, e.getValue());
                ps.executeUpdate();
            }
        }
    }

    /** SQLite's "no such collation sequence: X" / "no such function: X": set-up, not data, is missing. */
    private static boolean isMissingDefinition(SQLException e) {
        String m = e.getMessage();
        // "interrupted": a relayed collation found no application connection that registers it (engine/RelayedCollation)
        return m != null && (m.contains("no such collation sequence") || m.contains("no such function") || m.contains("interrupted"));
    }

    /**
     * The changes of each row together. Senders list a row's changes side by side, so adjacent runs are grouped without
     * hashing every change; a row that comes back later is merged again, which LWW makes harmless.
     */
    private static List<List<Change>> rowsOf(List<Change> changes) {
        List<List<Change>> rows = new ArrayList<>();
        int start = 0;
        for (int i = 1; i <= changes.size(); i++) {
            if (i == changes.size() || !sameRow(changes.get(start), changes.get(i))) {
                rows.add(changes.subList(start, i));
                start = i;
            }
        }
        return rows;
    }

    /** {@code changes} with every row's changes side by side, rows in the order they first appear. */
    private static List<Change> byRow(List<Change> changes) {
        Map<String, List<Change>> rows = new LinkedHashMap<>();
        for (Change ch : changes) rows.computeIfAbsent(OrphanRows.Row.id(ch.table(), ch.pk()), k -> new ArrayList<>()).add(ch);
        List<Change> out = new ArrayList<>(changes.size());
        for (List<Change> row : rows.values()) out.addAll(row);
        return out;
    }

    private static boolean sameRow(Change a, Change b) {
        return a.table().equals(b.table()) && a.pk().size() == b.pk().size() && sameKey(a.pk(), b.pk());
    }

    /** The state of one apply transaction: routes each row, plans and writes it, and counts what happened. */
    private final class Run implements ConstraintSettler.Outcome {
        final CaptureSchema schema;
        final long horizon = Hlc.now() + Hlc.ofMillis(maxClockDrift.toMillis());
        /**
         * The clock floor never follows a remote version further than this past now, however large the allowed drift:
         * a skewed peer must not make every later local write future-stamped (a cell written after a remote version
         * still beats it, as its version is that remote one's + 1).
         */
        final long floorCap = Hlc.now() + Hlc.ofMillis(Math.min(maxClockDrift.toMillis(), MAX_FLOOR_LEAD.toMillis()));
        long maxHlc;
        int applied;
        int parked;
        // distinct messages: a thousand changes for one missing table are one message
        final Set<String> conflicts = new LinkedHashSet<>();
        final Set<String> awaitingSchema = new LinkedHashSet<>();
        final Set<String> problems = new LinkedHashSet<>();
        final Set<String> archived = new LinkedHashSet<>();
        final Map<String, Integer> changedRows = new HashMap<>();
        /** Changes parked for being too far ahead: how many, from which sites, and the furthest ahead. */
        int ahead;
        final Set<String> aheadSites = new LinkedHashSet<>();
        long aheadMillis;

        final Orphans orphans;
        /** Rows a constraint still refused at the end of a slice that more of its batch follows. */
        List<Change> carried = List.of();
        /** The tables (as changes name them) with pieces of rows in the pending store: they join their row when it comes by. */
        private Set<String> piecesWait = Set.of();
        /** The rows of the changes being applied, and the position of the one being merged. */
        private List<List<Change>> rows = List.of();
        private int current;
        /** New rows merged and not yet written: of one table, with the same columns won, in merge order. */
        private final List<RowPlan> newRows = new ArrayList<>();

        Run(CaptureSchema schema, Orphans orphans) {
            this.schema = schema;
            this.orphans = orphans;
        }

        /** Deletes, as this replica's own writes, the local rows whose parent this batch deletes (see {@link Orphans}). */
        void buryOrphans() throws SQLException {
            for (OrphanRows.Row r : orphans.buried.values()) {
                String reason = "row " + r.pk() + " of " + Sql.quote(r.table().name()) + " lost its parent in " + Sql.quote(r.parent())
                        + " to a delete: deleted too";
                UniqueConflicts.record(c, r.table(), r.pk(), UniqueConflicts.values(c, r.table(), r.pk()), List.of(), reason);
                writer.silenceCaptureOf(r.table());
                UniqueConflicts.bury(c, r.table(), r.pk());
                conflicts.add(reason + " (recorded in " + UniqueConflicts.TABLE + ")");
            }
        }

        ApplyResult result(int received) {
            if (ahead > 0 && !clockHintGiven) {
                clockHintGiven = true;
                problems.add("clock drift: " + ahead + " changes from " + aheadSites.size() + " site(s) carry versions up to " + Duration.ofMillis(aheadMillis)
                        + " ahead of this replica's clock, more than sync.maxClockDrift=" + maxClockDrift + " allows: if this machine's clock is"
                        + " behind, correct it; the changes are kept pending and apply once the clock has caught up");
            }
            return new ApplyResult(received, applied, parked, List.copyOf(conflicts), List.copyOf(awaitingSchema), List.copyOf(problems),
                    List.copyOf(archived), changedRows);
        }

        @Override
        public void park(Change ch, String reason, boolean conflict) throws SQLException {
            if (conflict) {
                park(ch, reason, conflicts);
            } else { // waits for the rest of its row or batch: listed as pending, not reported as a problem
                PendingStore.park(c, ch, reason);
                parked++;
            }
        }

        void park(Change ch, String reason, Set<String> kind) throws SQLException {
            PendingStore.park(c, ch, reason);
            parked++;
            kind.add(reason);
        }

        @Override
        public void settled(String message) {
            conflicts.add(message);
        }

        /** Keeps a change for a table or column this replica dropped: archived, with one message per table or column. */
        void archive(Change ch, String reason) throws SQLException {
            PendingStore.archive(c, ch, reason);
            archived.add(reason);
        }

        /** Routes one row's changes: held back, archived, parked for the schema or the clock, or merged. */
        void applyRow(List<Change> rowChanges) throws SQLException {
            Change first = rowChanges.get(0);
            List<Change> changes = piecesWait.contains(first.table()) ? PendingStore.takeRow(c, first.table(), first.pk(), rowChanges) : rowChanges;
            // (naming a row costs more than merging it: only when rows are held back at all)
            OrphanRows.Row orphan = orphans.held.isEmpty() ? null : orphans.held.get(OrphanRows.Row.id(first.table(), first.pk()));
            if (orphan != null) {
                String reason = "row " + first.pk() + " of " + Sql.quote(first.table()) + " waits for its parent in " + Sql.quote(orphan.parent())
                        + " (foreign key): kept pending until it arrives";
                for (Change ch : changes) park(ch, reason, problems);
                return;
            }
            CapturedTable t = schema.resolve(first.table()); // a table renamed here still takes its old name's changes
            if (t == null && schema.droppedTable(first.table())) {
                for (Change ch : changes) archive(ch, "table " + Sql.quote(first.table()) + " was dropped on this replica");
                return;
            }
            if (t == null || t.primaryKey().size() != first.pk().size()) {
                String reason = t == null ? "unknown table " + Sql.quote(first.table())
                        : "key of " + Sql.quote(first.table()) + " has " + t.primaryKey().size() + " columns, change has " + first.pk().size();
                for (Change ch : changes) park(ch, reason, t == null ? awaitingSchema : problems);
                return;
            }
            List<Change> usable = new ArrayList<>(changes.size());
            for (Change ch : changes) {
                if (ch.hlc() > horizon) {
                    PendingStore.park(c, ch, "clock drift: version " + Hlc.format(ch.hlc()) + " from site " + ch.site()
                            + " is more than " + maxClockDrift + " ahead of this replica's clock");
                    parked++;
                    ahead++;
                    aheadSites.add(ch.site());
                    aheadMillis = Math.max(aheadMillis, Hlc.millis(ch.hlc()) - System.currentTimeMillis());
                } else if (!ch.isRowChange() && t.column(ch.column()) == null) {
                    String renamed = schema.resolveColumn(t, ch.column());
                    if (renamed != null) {
                        usable.add(new Change(ch.table(), ch.pk(), renamed, ch.value(), ch.hlc(), ch.site(), ch.cl()));
                    } else if (schema.droppedColumn(t, ch.column())) {
                        archive(ch, "column " + Sql.quote(ch.column()) + " of table " + Sql.quote(t.name()) + " was dropped on this replica");
                    } else {
                        park(ch, "unknown column " + Sql.quote(ch.column()) + " of table " + Sql.quote(t.name()), awaitingSchema);
                    }
                } else {
                    usable.add(ch);
                }
            }
            if (!usable.isEmpty()) merge(t, first.pk(), usable);
        }

        /**
         * Merges every row in order, writes the new rows still waiting to be written together, then settles the rows a
         * constraint refused against the state after all of them ({@link ConstraintSettler}).
         */
        void applyRows(List<List<Change>> rows, ConstraintSettler.AtEnd atEnd) throws SQLException {
            this.rows = rows;
            settler.begin();
            piecesWait = PendingStore.tables(c);
            prefetch.clear(); // read for another transaction (an attempt rolled back, or rows never merged)
            for (current = 0; current < rows.size(); current++) applyRow(rows.get(current));
            writeNewRows();
            carried = settler.settle(this, atEnd);
        }

        private void merge(CapturedTable t, List<Object> pk, List<Change> changes) throws SQLException {
            if (!settler.isEmpty() && settler.joins(t, pk, changes)) return; // the row waits for the end of the batch
            VersionRow v = version(t, pk);
            if (!twinSettled(t, pk, changes, v)) return;
            RowPlan p = planner.plan(t, pk, changes, v);
            if (p == null) return; // everything already known: re-applying is a no-op
            if (p.newRow()) {
                if (!newRows.isEmpty() && (newRows.get(0).t().id() != t.id() || !newRows.get(0).won().equals(p.won()))) writeNewRows();
                newRows.add(p);
                if (newRows.size() == NewRowBatch.rowsPerStatement(t)) writeNewRows();
                return;
            }
            writeNewRows(); // in order: a row written on its own may be refused by one of them
            write(p);
        }

        /**
         * Settles two rows created with one key the driver chose ({@link KeyTwins}): the loser is recorded whole; returns
         * whether the incoming changes are still to be merged (they won, and take the key with every cell they carry).
         */
        private boolean twinSettled(CapturedTable t, List<Object> pk, List<Change> changes, VersionRow v) throws SQLException {
            KeyTwins.Verdict verdict = twins.judge(t, pk, changes, v);
            if (verdict instanceof KeyTwins.IncomingLost lost) {
                UniqueConflicts.record(c, t, pk, lost.values(), pk, lost.reason());
                conflicts.add(lost.reason() + " (recorded in " + UniqueConflicts.TABLE + ")");
                return false;
            }
            if (verdict instanceof KeyTwins.LocalLost lost) {
                UniqueConflicts.record(c, t, pk, lost.values(), pk, lost.reason());
                conflicts.add(lost.reason() + " (recorded in " + UniqueConflicts.TABLE + ")");
                v.resetEra(v.cl, sites.indexOf(c, changes.get(0).site())); // no version of the local row competes
            }
            return true;
        }

        /**
         * The stored versions of the row being merged. Rows of the same table that follow have theirs read with it,
         * in one query ({@link VersionPrefetch}); new rows waiting to be written are written first, so what is read
         * is what the database will hold when each row is merged.
         */
        private VersionRow version(CapturedTable t, List<Object> pk) throws SQLException {
            VersionRow v = prefetch.take(current);
            if (v != null) return v;
            writeNewRows();
            VersionPrefetch.Window w = prefetch.window(t);
            if (w != null) {
                for (int i = current; i < rows.size(); i++) {
                    Change first = rows.get(i).get(0);
                    CapturedTable ti = i == current ? t : schema.resolve(first.table());
                    if (ti == null || ti.id() != t.id() || first.pk().size() != t.primaryKey().size() || !w.add(i, first.pk())) break;
                }
                if (w.size() > 1) {
                    prefetch.load(t, w);
                    v = prefetch.take(current);
                    if (v != null) return v;
                }
            }
            return VersionRow.load(writer.lookup(t), t, pk);
        }

        /**
         * Writes the new rows waiting (all of one table, with the same columns) a few statements at a time: per statement
         * one INSERT and one version upsert. When an INSERT fails (SQLite undoes the whole statement) each of its rows
         * is written on its own, so only the one a constraint refuses waits for the end of the batch.
         */
        private void writeNewRows() throws SQLException {
            if (newRows.isEmpty()) return;
            List<RowPlan> waiting = List.copyOf(newRows);
            newRows.clear();
            writer.silenceCaptureOf(waiting.get(0).t());
            for (List<RowPlan> batch : NewRowBatch.statementsOf(waiting)) {
                try {
                    NewRowBatch.insert(statements, batch);
                } catch (SQLException e) {
                    for (RowPlan p : batch) write(p);
                    continue;
                }
                NewRowBatch.storeVersions(statements, batch);
                for (RowPlan p : batch) written(p);
            }
        }

        /** Writes one row's plan; a row a constraint refuses waits for the end of the batch ({@link ConstraintSettler}). */
        private void write(RowPlan p) throws SQLException {
            try {
                writer.write(p);
            } catch (SQLException e) {
                if (isMissingDefinition(e)) {
                    // not a conflict between replicas: this connection lacks a function or collation the schema uses
                    String reason = "configuration: applying to " + Sql.quote(p.t().name()) + " needs what the sync engine's connection lacks ("
                            + e.getMessage() + "); register it on an open application connection of the file or with SyncConnection.onEngineConnection(c -> …). Kept pending";
                    for (Change ch : p.changes()) park(ch, reason, problems);
                    return;
                }
                settler.defer(p, e);
                return;
            }
            written(p);
        }

        @Override
        public void written(RowPlan p) {
            for (Change ch : p.changes()) maxHlc = Math.max(maxHlc, ch.hlc());
            applied += p.wins();
            changedRows.merge(p.t().name(), 1, Integer::sum);
        }
    }

    private static boolean sameKey(List<Object> a, List<Object> b) {
        for (int i = 0; i < a.size(); i++) {
            Object x = a.get(i);
            Object y = b.get(i);
            if (x instanceof byte[] bx && y instanceof byte[] by ? !Arrays.equals(bx, by) : !Objects.equals(x, y)) return false;
        }
        return true;
    }

    private void closeStatements() throws SQLException {
        statements.close();
        prefetch.forget();
    }

    @Override
    public void close() throws SQLException {
        closeStatements();
    }
}
