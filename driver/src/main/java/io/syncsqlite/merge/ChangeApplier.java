package io.syncsqlite.merge;

import io.syncsqlite.change.SqliteValues;
import io.syncsqlite.capture.CaptureSchema;
import io.syncsqlite.capture.CapturedTable;
import io.syncsqlite.capture.MetaTables;
import io.syncsqlite.capture.Sql;
import io.syncsqlite.capture.Transactions;
import io.syncsqlite.change.Change;
import io.syncsqlite.change.Changeset;
import io.syncsqlite.clock.Hlc;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Objects;
import java.util.BitSet;
import java.util.HashMap;
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
    }

    /**
     * Applies {@code cs} and stores {@code cursors} (transport cursor key to value) in the same transaction.
     * Nothing is applied when this throws.
     */
    public ApplyResult apply(Changeset cs, CaptureSchema schema, Map<String, String> cursors) throws SQLException {
        useSchema(schema);
        return applyHoldingOrphans(cs.changes(), schema, cursors, () -> { });
    }

    /** Work done first in every transaction of one apply (taking a page out of the pending store). */
    private interface Prelude {
        void run() throws SQLException;
    }

    /**
     * Applies {@code changes} in one transaction after {@code prelude}; when the deferred foreign-key check fails at
     * COMMIT, finds the rows that break it and applies again holding back (or deleting) only those ({@link Orphans}).
     */
    private ApplyResult applyHoldingOrphans(List<Change> changes, CaptureSchema schema, Map<String, String> cursors, Prelude prelude) throws SQLException {
        Orphans orphans = new Orphans();
        for (int attempt = 0; ; attempt++) {
            try {
                return Transactions.write(c, () -> {
                    prelude.run();
                    return applyInTransaction(changes, schema, cursors, orphans);
                });
            } catch (SQLException e) {
                sites.invalidate(c);
                if (!isForeignKeyFailure(e)) throw e;
                List<OrphanRows.Row> found = attempt < MAX_ORPHAN_PASSES ? probe(changes, schema, cursors, orphans, prelude) : null;
                // rows that cannot be named: keep the whole batch until the rows it needs arrive
                if (found == null || found.isEmpty()) return parkAll(changes, "foreign key not satisfied yet: " + e.getMessage(), cursors, prelude);
                orphans.sort(found, changes);
            }
        }
    }

    /** Applies again without committing, and names the rows that break a foreign key at that point. */
    private List<OrphanRows.Row> probe(List<Change> changes, CaptureSchema schema, Map<String, String> cursors, Orphans orphans, Prelude prelude)
            throws SQLException {
        try {
            Transactions.write(c, () -> {
                prelude.run();
                applyInTransaction(changes, schema, cursors, orphans);
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
     * Retries the pending changes a page at a time. Each page leaves the pending store in the same transaction that
     * applies it (or parks its changes again), so a crash at any point leaves every change either applied or still
     * pending, and memory holds one page however many are pending. A pass covers what was pending when it began:
     * changes parked again get new, higher ids and wait for the next pass.
     */
    public ApplyResult retryPending(CaptureSchema schema) throws SQLException {
        if (PendingStore.isEmpty(c)) return ApplyResult.NOTHING;
        useSchema(schema);
        long last = PendingStore.lastId(c);
        int received = 0;
        int applied = 0;
        int parked = 0;
        for (long after = 0, end; (end = PendingStore.pageEnd(c, after, last, RETRY_PAGE)) > after; after = end) {
            long from = after;
            long to = end;
            // only this engine moves pending changes, so the page read here is the page removed in the transaction
            ApplyResult r = applyHoldingOrphans(PendingStore.read(c, from, to), schema, Map.of(), () -> PendingStore.remove(c, from, to));
            received += r.received();
            applied += r.applied();
            parked += r.parked();
        }
        return new ApplyResult(received, applied, parked, List.of(), List.of(), List.of(), List.of());
    }

    private void useSchema(CaptureSchema schema) throws SQLException {
        if (statementsSchema != schema.schemaVersion()) {
            closeStatements();
            statementsSchema = schema.schemaVersion();
        }
    }

    private static boolean isForeignKeyFailure(SQLException e) {
        return e.getMessage() != null && e.getMessage().contains("FOREIGN KEY");
    }

    private ApplyResult applyInTransaction(List<Change> changes, CaptureSchema schema, Map<String, String> cursors) throws SQLException {
        return applyInTransaction(changes, schema, cursors, new Orphans());
    }

    /** Merges {@code changes} inside the caller's write transaction and stores {@code cursors} with them. */
    private ApplyResult applyInTransaction(List<Change> changes, CaptureSchema schema, Map<String, String> cursors, Orphans orphans) throws SQLException {
        Run run = new Run(schema, orphans);
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA defer_foreign_keys = ON");
        }
        run.applyRows(rowsOf(changes));
        run.buryOrphans();
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + MetaTables.CLOCK + " SET applying = 0, floor = max(floor, ?)")) {
            ps.setLong(1, Math.min(run.maxHlc + 1, run.floorCap));
            ps.executeUpdate();
        }
        saveCursors(cursors);
        return run.result(changes.size());
    }

    /** The remote changes kept pending, grouped by table, column and reason (at most 100 groups). */
    public List<io.syncsqlite.SyncStatus.Waiting> waiting() throws SQLException {
        return PendingStore.isEmpty(c) ? List.of() : PendingStore.summary(c, 100);
    }

    private ApplyResult parkAll(List<Change> changes, String reason, Map<String, String> cursors, Prelude prelude) throws SQLException {
        return Transactions.write(c, () -> {
            prelude.run();
            for (Change ch : changes) PendingStore.park(c, ch, reason);
            saveCursors(cursors);
            return new ApplyResult(changes.size(), 0, changes.size(), List.of(), List.of(), List.of(reason), List.of());
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
        return m != null && (m.contains("no such collation sequence") || m.contains("no such function"));
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

    private static boolean sameRow(Change a, Change b) {
        return a.table().equals(b.table()) && a.pk().size() == b.pk().size() && sameKey(a.pk(), b.pk());
    }

    /** The state of one apply transaction. */
    private final class Run {
        final CaptureSchema schema;
        final long horizon = Hlc.now() + Hlc.ofMillis(maxClockDrift.toMillis());
        /**
         * The clock floor never follows a remote version further than this past now, however large the allowed drift:
         * a skewed peer must not make every later local write future-stamped (a cell written after a remote version
         * still beats it, as its version is that remote one's + 1).
         */
        final long floorCap = Hlc.now() + Hlc.ofMillis(Math.min(maxClockDrift.toMillis(), MAX_FLOOR_LEAD.toMillis()));
        long maxHlc;
        /** The table whose capture is silenced ({@code _syncsqlite_clock.applying}), 0 before the first write. */
        int silenced;
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
        /** The rows of the changes being applied, and the position of the one being merged. */
        private List<List<Change>> rows = List.of();
        private int current;
        /** The table whose column positions {@link #columnIndexes} holds, by name instance. */
        private CapturedTable columnsOf;
        private final Map<String, Integer> columnIndexes = new java.util.IdentityHashMap<>();
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
                silenceCaptureOf(r.table());
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

        void park(Change ch, String reason, Set<String> kind) throws SQLException {
            PendingStore.park(c, ch, reason);
            parked++;
            kind.add(reason);
        }

        /** Keeps a change for a table or column this replica dropped: archived, with one message per table or column. */
        void archive(Change ch, String reason) throws SQLException {
            PendingStore.archive(c, ch, reason);
            archived.add(reason);
        }

        void applyRow(List<Change> changes) throws SQLException {
            Change first = changes.get(0);
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
         * Marks the engine's writes to {@code t} as remote ones: {@code applying} holds the id of the table being
         * written, whose capture triggers stay silent. Writes that application triggers (or foreign-key actions) make
         * to other tables meanwhile are the replica's own, captured and synced like any other; triggers that should
         * not act on remote changes test {@code (SELECT applying FROM _syncsqlite_clock) = 0}.
         */
        private void silenceCaptureOf(CapturedTable t) throws SQLException {
            if (silenced == t.id()) return;
            PreparedStatement ps = statement("applying", () -> "UPDATE " + MetaTables.CLOCK + " SET applying = ?");
            ps.setInt(1, t.id());
            ps.executeUpdate();
            silenced = t.id();
        }

        /** Merges every row in order, then writes the new rows still waiting to be written together. */
        void applyRows(List<List<Change>> rows) throws SQLException {
            this.rows = rows;
            prefetch.clear(); // read for another transaction (an attempt rolled back, or rows never merged)
            for (current = 0; current < rows.size(); current++) applyRow(rows.get(current));
            writeNewRows();
        }

        private void merge(CapturedTable t, List<Object> pk, List<Change> changes) throws SQLException {
            RowPlan p = plan(t, pk, changes, version(t, pk));
            if (p == null) return; // everything already known: re-applying is a no-op
            if (p.newRow()) {
                if (!newRows.isEmpty() && (newRows.get(0).t().id() != t.id() || !newRows.get(0).won().equals(p.won()))) writeNewRows();
                newRows.add(p);
                if (newRows.size() == NewRowBatch.rowsPerStatement(t)) writeNewRows();
                return;
            }
            writeNewRows(); // in order: a row written on its own may settle a conflict with one of them
            write(p);
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
            return VersionRow.load(lookup(t), t, pk);
        }

        /**
         * {@link CapturedTable#indexOf}, remembered per name instance: a changeset's reader shares one instance per
         * name, so a run of rows asks for the same few strings over and over.
         */
        private int columnIndex(CapturedTable t, String column) {
            if (columnsOf != t) {
                columnsOf = t;
                columnIndexes.clear();
            }
            Integer i = columnIndexes.get(column);
            if (i == null) {
                i = t.indexOf(column);
                columnIndexes.put(column, i);
            }
            return i;
        }

        /** Decides, per cell, which incoming changes win over the stored versions {@code v}; {@code null} when none does. */
        private RowPlan plan(CapturedTable t, List<Object> pk, List<Change> changes, VersionRow v) throws SQLException {
            boolean known = v.cl > 0;
            long targetCl = v.cl;
            for (Change ch : changes) targetCl = Math.max(targetCl, ch.cl());
            boolean wasAlive = (v.cl & 1) == 1;
            boolean eraChanged = targetCl != v.cl;
            if (eraChanged) v.resetEra(targetCl, sites.indexOf(c, changes.get(0).site()));
            int n = t.columns().size();
            Object[] values = new Object[n];
            BitSet won = new BitSet(n);
            boolean rowVersionChanged = eraChanged;
            boolean rowCellWon = eraChanged;
            int wins = 0;
            for (Change ch : changes) {
                if (ch.cl() != targetCl) continue; // an older era of the row: superseded by a delete or re-insert
                if (ch.isRowChange()) {
                    if (v.rh == 0 || ch.compareVersion(targetCl, v.rh, sites.site(c, v.rs)) > 0) {
                        v.rh = ch.hlc();
                        v.rs = sites.indexOf(c, ch.site());
                        rowVersionChanged = true;
                        rowCellWon = true;
                        wins++;
                    }
                    continue;
                }
                int i = columnIndex(t, ch.column());
                if (v.h[i] == 0 || ch.beats(targetCl, v.h[i], sites.site(c, v.s[i]), () -> won.get(i) ? values[i] : storedValue(t, pk, i))) {
                    v.h[i] = ch.hlc();
                    v.s[i] = sites.indexOf(c, ch.site());
                    values[i] = ch.value();
                    won.set(i);
                    wins++;
                }
            }
            if (wins == 0 && !rowVersionChanged) return null;
            return new RowPlan(t, pk, changes, v, won, values, known, wasAlive, eraChanged, rowCellWon, wins);
        }

        /**
         * Writes the new rows waiting (all of one table, with the same columns) a few statements at a time: per statement
         * one INSERT and one version upsert. When an INSERT fails (SQLite undoes the whole statement) each of its rows
         * is written on its own, which settles or parks the one that conflicts exactly as before.
         */
        private void writeNewRows() throws SQLException {
            if (newRows.isEmpty()) return;
            List<RowPlan> waiting = List.copyOf(newRows);
            newRows.clear();
            silenceCaptureOf(waiting.get(0).t());
            for (List<RowPlan> batch : NewRowBatch.statementsOf(waiting)) {
                try {
                    NewRowBatch.insert(statements, batch);
                } catch (SQLException e) {
                    for (RowPlan p : batch) write(p);
                    continue;
                }
                NewRowBatch.storeVersions(statements, batch);
                for (RowPlan p : batch) counted(p);
            }
        }

        /** Writes one row's plan: its base row, then its versions; a conflict is settled or the row's changes parked. */
        private void write(RowPlan p) throws SQLException {
            CapturedTable t = p.t();
            List<Object> pk = p.pk();
            boolean alive = p.alive();
            try {
                silenceCaptureOf(t);
                if (alive) writeBase(t, pk, p.won(), p.values(), p.wasAlive());
                else if (p.wasAlive() || p.eraChanged()) delete(t, pk);
            } catch (SQLException e) {
                if (isMissingDefinition(e)) {
                    // not a conflict between replicas: this connection lacks a function or collation the schema uses
                    String reason = "configuration: applying to " + Sql.quote(t.name()) + " needs what the sync engine's connection lacks ("
                            + e.getMessage() + "); register it with SyncConnection.onEngineConnection(c -> …). Kept pending";
                    for (Change ch : p.changes()) park(ch, reason, problems);
                    return;
                }
                // settling writes the version rows of other rows than this one: versions read ahead are stale
                prefetch.clear();
                if (alive && settleUnique(t, pk, p.won(), p.values(), p.wasAlive(), p.v(), e)) {
                    counted(p);
                    return;
                }
                String reason = "constraint conflict in " + Sql.quote(t.name()) + " key " + pk + ": " + e.getMessage()
                        + "; incoming " + describe(t, p.won(), p.values());
                for (Change ch : p.changes()) park(ch, reason, conflicts);
                return;
            }
            if (p.known() && p.rowCellWon()) respell(t, pk, alive);
            p.v().store(upsertVersion(t), pk);
            counted(p);
        }

        private void counted(RowPlan p) {
            for (Change ch : p.changes()) maxHlc = Math.max(maxHlc, ch.hlc());
            applied += p.wins();
            changedRows.merge(p.t().name(), 1, Integer::sum);
        }

        /**
         * A key that compares case-insensitively ({@code COLLATE NOCASE}) may be spelt differently on two replicas
         * ('Alice' here, 'aLICE' there) while naming one row: the row takes the spelling of its winning existence
         * version, so replicas converge on one. Other keys match no row here (same spelling, or BINARY).
         */
        private void respell(CapturedTable t, List<Object> pk, boolean alive) throws SQLException {
            if (alive) {
                PreparedStatement base = statement("r" + t.id(), () -> respellSql(Sql.quote(t.name()), t.primaryKey().stream().map(Sql::quote).toList()));
                bindKey(base, pk, 1);
                base.executeUpdate();
            }
            List<String> versionKeys = new ArrayList<>();
            for (int i = 0; i < t.primaryKey().size(); i++) versionKeys.add("k" + i);
            PreparedStatement version = statement("R" + t.id(), () -> respellSql(Sql.quote(t.versionTable()), versionKeys));
            bindKey(version, pk, 1);
            version.executeUpdate();
        }

        /**
         * Settles UNIQUE conflicts of the incoming row {@code pk} with local rows the same way on every replica: the
         * row whose colliding cells were written later (by version) keeps the value; the other row is recorded in
         * {@code _syncsqlite_conflicts} and deleted with a tombstone of this replica's own, and a CONFLICT event names
         * both. Returns false when the failure is not one it settles (the changes are parked as before).
         */
        private boolean settleUnique(CapturedTable t, List<Object> pk, BitSet won, Object[] values, boolean exists, VersionRow v, SQLException failure)
                throws SQLException {
            SQLException e = failure;
            for (int attempt = 0; attempt < 8; attempt++) {
                int[] cols = UniqueConflicts.columns(e, t);
                if (cols == null) return false;
                for (int i : cols) if (!won.get(i)) return false; // the colliding value is not the incoming one
                List<Object> holder = UniqueConflicts.holder(c, t, cols, values);
                if (holder == null || sameKey(holder, pk)) return false;
                VersionRow other = VersionRow.load(lookup(t), t, holder);
                String what = "UNIQUE conflict in " + Sql.quote(t.name()) + " on " + names(t, cols) + ": ";
                if (newer(v, other, cols)) {
                    String reason = what + "row " + holder + " lost to the later write of row " + pk;
                    UniqueConflicts.record(c, t, holder, UniqueConflicts.values(c, t, holder), pk, reason);
                    UniqueConflicts.bury(c, t, holder);
                    conflicts.add(reason + " (recorded in " + UniqueConflicts.TABLE + ")");
                    try {
                        writeBase(t, pk, won, values, exists);
                        v.store(upsertVersion(t), pk);
                        return true;
                    } catch (SQLException next) {
                        e = next; // another UNIQUE constraint of the row collides too
                        continue;
                    }
                }
                String reason = what + "incoming row " + pk + " lost to the later write of row " + holder;
                Object[] incoming = exists ? UniqueConflicts.values(c, t, pk) : new Object[values.length];
                for (int i = won.nextSetBit(0); i >= 0; i = won.nextSetBit(i + 1)) incoming[i] = values[i];
                UniqueConflicts.record(c, t, pk, incoming, holder, reason);
                v.store(upsertVersion(t), pk);
                UniqueConflicts.bury(c, t, pk);
                conflicts.add(reason + " (recorded in " + UniqueConflicts.TABLE + ")");
                return true;
            }
            return false;
        }

        /** Whether the colliding cells of {@code mine} carry a greater {@code (hlc, site)} than those of {@code theirs}. */
        private boolean newer(VersionRow mine, VersionRow theirs, int[] cols) throws SQLException {
            int a = newest(mine, cols);
            int b = newest(theirs, cols);
            if (mine.h[a] != theirs.h[b]) return mine.h[a] > theirs.h[b];
            return sites.site(c, mine.s[a]).compareTo(sites.site(c, theirs.s[b])) > 0;
        }

        /** The position in {@code cols} of the cell with the greatest version (its hlc is what competes). */
        private int newest(VersionRow v, int[] cols) {
            int best = cols[0];
            for (int i : cols) if (v.h[i] > v.h[best]) best = i;
            return best;
        }

        private void writeBase(CapturedTable t, List<Object> pk, BitSet won, Object[] values, boolean exists) throws SQLException {
            if (won.isEmpty()) {
                if (exists) return;
                PreparedStatement ps = statement("k" + t.id(), () -> insertSql(t, won, true));
                bindKey(ps, pk, 1);
                ps.executeUpdate();
                return;
            }
            if (exists) {
                PreparedStatement ps = statement("u" + t.id() + won, () -> updateSql(t, won));
                int p = 1;
                for (int i = won.nextSetBit(0); i >= 0; i = won.nextSetBit(i + 1)) SqliteValues.bind(ps, p++, values[i]);
                bindKey(ps, pk, p);
                if (ps.executeUpdate() > 0) return;
            }
            PreparedStatement ps = statement("i" + t.id() + won, () -> insertSql(t, won, false));
            bindRow(ps, pk, won, values, 1);
            ps.executeUpdate();
        }

        /** The value the row holds in column {@code i} now (asked only when two versions of it tie exactly). */
        private Object storedValue(CapturedTable t, List<Object> pk, int i) throws SQLException {
            PreparedStatement ps = statement("c" + t.id() + "_" + i, () -> "SELECT " + Sql.quote(t.columns().get(i).name()) + " FROM "
                    + Sql.quote(t.name()) + " WHERE " + keyWhere(t));
            bindKey(ps, pk, 1);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? SqliteValues.read(rs, 1) : null;
            }
        }

        private void delete(CapturedTable t, List<Object> pk) throws SQLException {
            PreparedStatement ps = statement("d" + t.id(), () -> "DELETE FROM " + Sql.quote(t.name()) + " WHERE " + keyWhere(t));
            bindKey(ps, pk, 1);
            ps.executeUpdate();
        }

        private PreparedStatement lookup(CapturedTable t) throws SQLException {
            return statement("v" + t.id(), () -> VersionRow.lookupSql(t));
        }

        private PreparedStatement upsertVersion(CapturedTable t) throws SQLException {
            return statement("w" + t.id(), () -> VersionRow.upsertSql(t, 1));
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

    private static String names(CapturedTable t, int[] cols) {
        StringBuilder b = new StringBuilder("(");
        for (int i : cols) b.append(b.length() > 1 ? ", " : "").append(t.columns().get(i).name());
        return b.append(')').toString();
    }

    private static String describe(CapturedTable t, BitSet won, Object[] values) {
        StringBuilder b = new StringBuilder("{");
        for (int i = won.nextSetBit(0); i >= 0; i = won.nextSetBit(i + 1)) {
            Object v = values[i];
            b.append(b.length() > 1 ? ", " : "").append(t.columns().get(i).name()).append('=')
             .append(v instanceof byte[] bytes ? "<" + bytes.length + " bytes>" : v);
        }
        return b.append('}').toString();
    }

    /** {@code UPDATE table SET keys = ?… WHERE keys = ?… (by their collation) AND not byte-for-byte the same}. */
    private static String respellSql(String table, List<String> keys) {
        StringBuilder set = new StringBuilder();
        StringBuilder same = new StringBuilder();
        StringBuilder binary = new StringBuilder();
        for (int i = 0; i < keys.size(); i++) {
            String sep = i == 0 ? "" : ", ";
            set.append(sep).append(keys.get(i)).append(" = ?").append(i + 1);
            same.append(i == 0 ? "" : " AND ").append(keys.get(i)).append(" = ?").append(i + 1);
            binary.append(i == 0 ? "" : " AND ").append(keys.get(i)).append(" = ?").append(i + 1).append(" COLLATE BINARY");
        }
        return "UPDATE " + table + " SET " + set + " WHERE " + same + " AND NOT (" + binary + ")";
    }

    private static String updateSql(CapturedTable t, BitSet won) {
        StringBuilder b = new StringBuilder("UPDATE ").append(Sql.quote(t.name())).append(" SET ");
        boolean first = true;
        for (int i = won.nextSetBit(0); i >= 0; i = won.nextSetBit(i + 1)) {
            b.append(first ? "" : ", ").append(Sql.quote(t.columns().get(i).name())).append(" = ?");
            first = false;
        }
        return b.append(" WHERE ").append(keyWhere(t)).toString();
    }

    private static String insertSql(CapturedTable t, BitSet won, boolean ignoreExisting) {
        return insertSql(t, won, ignoreExisting, 1);
    }

    /** {@code INSERT INTO table(keys, won columns) VALUES (…)×rows}, binding each row's key, then its won values. */
    static String insertSql(CapturedTable t, BitSet won, boolean ignoreExisting, int rows) {
        StringBuilder cols = new StringBuilder();
        for (String k : t.primaryKey()) cols.append(cols.length() == 0 ? "" : ", ").append(Sql.quote(k));
        int count = t.primaryKey().size();
        for (int i = won.nextSetBit(0); i >= 0; i = won.nextSetBit(i + 1)) {
            cols.append(", ").append(Sql.quote(t.columns().get(i).name()));
            count++;
        }
        String row = "(?" + ", ?".repeat(count - 1) + ")";
        return "INSERT INTO " + Sql.quote(t.name()) + "(" + cols + ") VALUES " + row + (", " + row).repeat(rows - 1)
                + (ignoreExisting ? " ON CONFLICT DO NOTHING" : "");
    }

    private static String keyWhere(CapturedTable t) {
        StringBuilder b = new StringBuilder();
        for (String k : t.primaryKey()) b.append(b.length() == 0 ? "" : " AND ").append(Sql.quote(k)).append(" = ?");
        return b.toString();
    }

    /** Binds what {@link #insertSql} takes for one row: its key, then its won values; returns the next parameter. */
    static int bindRow(PreparedStatement ps, List<Object> pk, BitSet won, Object[] values, int from) throws SQLException {
        int p = bindKey(ps, pk, from);
        for (int i = won.nextSetBit(0); i >= 0; i = won.nextSetBit(i + 1)) SqliteValues.bind(ps, p++, values[i]);
        return p;
    }

    static int bindKey(PreparedStatement ps, List<Object> pk, int from) throws SQLException {
        int p = from;
        for (Object v : pk) SqliteValues.bind(ps, p++, v);
        return p;
    }

    private PreparedStatement statement(String key, StatementCache.SqlText sql) throws SQLException {
        return statements.get(key, sql);
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
