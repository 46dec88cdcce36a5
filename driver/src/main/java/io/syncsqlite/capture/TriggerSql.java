package io.syncsqlite.capture;

import io.syncsqlite.clock.Hlc;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Generates the capture SQL of one table: its version table, the AFTER INSERT/UPDATE/DELETE triggers and the
 * backfill of rows that existed before capture began. Triggers are plain SQL, so writes from any SQLite tool are
 * captured. For a table keyed by one column a trigger only appends an outbox entry stamped with the time of the write,
 * which {@link VersionFold} folds into the version table later (docs/write-cost.md); with a composite key it also
 * writes the version row, each cell stamped {@code max(now, floor, old + 1)}.
 */
final class TriggerSql {
    private static final String CLOCK = MetaTables.CLOCK;
    /** A one-row subquery naming the stamp {@code c.h} for the write being captured. */
    private static final String STAMP = "(SELECT max(" + Hlc.SQL_NOW + ", floor) AS h FROM " + CLOCK + ") AS c";

    private final CapturedTable t;
    private final List<List<String>> uniqueKeys;
    private final String table;
    private final String versions;

    private final boolean wideKeys;

    TriggerSql(CapturedTable table) {
        this(table, List.of(), false);
    }

    /**
     * @param uniqueKeys the column sets of the table's UNIQUE constraints besides its key (see {@link #replaceTrigger})
     * @param wideKeys   keys SQLite would choose become wide keys ({@code sync.keys=wide}), not keys of this replica's block
     */
    TriggerSql(CapturedTable table, List<List<String>> uniqueKeys, boolean wideKeys) {
        this.uniqueKeys = uniqueKeys;
        this.wideKeys = wideKeys;
        this.t = table;
        this.table = Sql.quote(table.name());
        this.versions = Sql.quote(table.versionTable());
    }

    /**
     * True unless the sync engine is writing remote changes into this table ({@code applying} holds the id of the
     * table it writes); writes to other tables during an apply, by application triggers, are captured.
     */
    private String notApplying() {
        return "(SELECT applying FROM " + CLOCK + ") <> " + t.id();
    }

    /**
     * @param collations per key column, the collation the user table's key compares with ({@code null}: BINARY): a
     *                   version row must match the row a {@code COLLATE NOCASE} key finds, or 'Alice' and 'aLICE' from
     *                   two replicas would be two rows here and one row in the table
     */
    String createVersionTable(List<String> collations) {
        StringBuilder b = new StringBuilder("CREATE TABLE ").append(versions).append('(');
        for (int i = 0; i < t.primaryKey().size(); i++) {
            b.append('k').append(i).append(collations.get(i) == null ? "" : " COLLATE " + collations.get(i)).append(", ");
        }
        b.append("cl INTEGER NOT NULL, rh INTEGER NOT NULL, rs INTEGER NOT NULL");
        for (CapturedTable.Slot s : t.columns()) b.append(", ").append(slotColumns(s.slot()));
        if (t.compositeKey()) return b.append(", UNIQUE (").append(keyColumns()).append("))").toString();
        return b.append(", PRIMARY KEY (k0)) WITHOUT ROWID").toString();
    }

    static String slotColumns(int slot) {
        return "h" + slot + " INTEGER NOT NULL DEFAULT 0, s" + slot + " INTEGER NOT NULL DEFAULT 0";
    }

    /** Trigger name (unquoted) to its full CREATE statement. */
    Map<String, String> triggers() {
        Map<String, String> out = new LinkedHashMap<>();
        if (!uniqueKeys.isEmpty()) out.put(Sql.PREFIX + "bi" + t.id(), replaceTrigger());
        out.put(Sql.PREFIX + "ai" + t.id(), insertTrigger());
        out.put(Sql.PREFIX + "ak" + t.id(), keyUpdateTrigger());
        for (CapturedTable.Slot s : t.columns()) out.put(Sql.PREFIX + "au" + t.id() + "_" + s.slot(), columnUpdateTrigger(s));
        out.put(Sql.PREFIX + "ad" + t.id(), deleteTrigger());
        if (t.rowidKey()) out.put(Sql.PREFIX + "ka" + t.id(), crossReplicaKeyTrigger());
        return out;
    }

    /**
     * Gives a cross-replica key ({@link RowidKeySql}) to a row whose key a writer other than the driver's rewriter left
     * to SQLite: another tool, an {@code INSTEAD OF} trigger of a view, a statement the rewriter cannot parse. SQLite's
     * own choice (largest key + 1) would be the same on two replicas, so one row would replace the other. Before SQLite
     * picks a key, {@code NEW.key} reads -1 in a BEFORE trigger: the row is inserted again with a scheme key and the
     * original insert skipped. (That statement's {@code changes()} and {@code last_insert_rowid()} then do not count the
     * row; an explicit key of -1 is taken for "none".) An in-memory database never syncs and keeps SQLite's keys.
     */
    private String crossReplicaKeyTrigger() {
        String key = Sql.quote(t.primaryKey().get(0));
        StringBuilder cols = new StringBuilder(key);
        StringBuilder vals = new StringBuilder(wideKeys ? RowidKeySql.newWideKey(t, null, "0") : RowidKeySql.newKey(t));
        for (CapturedTable.Slot s : t.columns()) {
            cols.append(", ").append(Sql.quote(s.name()));
            vals.append(", NEW.").append(Sql.quote(s.name()));
        }
        return "CREATE TRIGGER " + name("ka") + " BEFORE INSERT ON " + table + " WHEN NEW." + key + " = -1 AND " + notApplying()
                + " AND (SELECT file FROM pragma_database_list WHERE name = 'main') <> '' BEGIN "
                + "INSERT INTO " + table + "(" + cols + ") VALUES (" + vals + "); SELECT RAISE(IGNORE); END";
    }

    /** Versions and outbox entries for rows present when capture starts, so they reach the other replicas too. */
    List<String> backfill() {
        List<String> sql = new ArrayList<>();
        StringBuilder cols = new StringBuilder(keyColumns()).append(", cl, rh, rs");
        StringBuilder vals = new StringBuilder(join(t.primaryKey(), Sql::quote)).append(", 1, c.h, 0");
        for (CapturedTable.Slot s : t.columns()) {
            cols.append(", h").append(s.slot()).append(", s").append(s.slot());
            vals.append(", c.h, 0");
        }
        sql.add("INSERT INTO " + versions + "(" + cols + ") SELECT " + vals + " FROM " + table + ", " + STAMP
                + " WHERE " + notNull(Sql::quote) + " ON CONFLICT DO NOTHING");
        sql.add("INSERT INTO " + MetaTables.OUTBOX + "(tbl, k) SELECT " + t.id() + ", " + (t.compositeKey() ? "rowid" : "k0")
                + " FROM " + versions);
        return sql;
    }

    private String name(String kind) {
        return Sql.quote(Sql.PREFIX + kind + t.id());
    }

    /**
     * One trigger per value column, fired only when an UPDATE names the column and changes it: an update of one
     * column rewrites one version cell instead of the whole version row (measured: 20k one-column updates, 966M → 654M
     * instructions against 287M for plain SQLite).
     */
    private String columnUpdateTrigger(CapturedTable.Slot s) {
        String col = Sql.quote(s.name());
        String h = "h" + s.slot();
        String head = "CREATE TRIGGER " + Sql.quote(Sql.PREFIX + "au" + t.id() + "_" + s.slot()) + " AFTER UPDATE OF " + col + " ON " + table
                + " WHEN OLD." + col + " IS NOT NEW." + col + " AND " + notNull(c -> "NEW." + Sql.quote(c)) + " AND " + notApplying() + " BEGIN ";
        if (folded()) return head + entry("NEW", Integer.toString(s.slot()), null) + " END";
        return head + "UPDATE " + versions + " SET " + h + " = max((SELECT max(" + Hlc.SQL_NOW + ", floor) FROM " + CLOCK + "), " + h + " + 1), s"
                + s.slot() + " = 0 WHERE " + keyMatch(c -> "NEW." + Sql.quote(c)) + "; "
                + outboxInsert("NEW", null, Integer.toString(s.slot())) + " END";
    }

    private String insertTrigger() {
        return "CREATE TRIGGER " + name("ai") + " AFTER INSERT ON " + table
                + " WHEN " + notNull(c -> "NEW." + Sql.quote(c)) + " AND " + notApplying() + " BEGIN "
                + (folded() ? entry("NEW", "NULL", null) : upsertAll("NEW") + outboxInsert("NEW", null))
                + (uniqueKeys.isEmpty() ? "" : " " + buryReplaced()) + " END";
    }

    /**
     * Whether the triggers only append outbox entries for {@link VersionFold} (a key of one column, which the entry
     * holds); a composite key is referred to by its version row, so its triggers write that row themselves.
     */
    private boolean folded() {
        return !t.compositeKey();
    }

    /**
     * The one write a folded trigger makes: an outbox entry of {@code kind} (a slot, {@code NULL} for an insert, or a
     * negative {@link VersionFold} kind) for the key of {@code row}, stamped with the time of the write.
     */
    private String entry(String row, String kind, String condition) {
        String values = t.id() + ", " + row + "." + Sql.quote(t.primaryKey().get(0)) + ", " + kind + ", " + Hlc.SQL_NOW;
        // VALUES where nothing is to be tested: in a trigger, INSERT … SELECT costs about 350 more instructions a row
        return "INSERT INTO " + MetaTables.OUTBOX + "(tbl, k, slot, h) " + (condition == null ? "VALUES (" + values + ")" : "SELECT " + values + " WHERE " + condition) + ";";
    }

    /**
     * {@code INSERT OR REPLACE} deletes rows that hold the new row's value of a UNIQUE column without firing delete
     * triggers (SQLite's {@code recursive_triggers} is off, and the driver leaves your triggers' semantics alone).
     * Before each insert into a table with such constraints, the rows that hold one of the new values are noted in
     * {@code _syncsqlite_replaced}; after it, those that are gone get tombstones like any delete ({@link #buryReplaced}).
     * A plain INSERT that collides fails and takes the note with it; a note of one that is ignored or becomes an
     * upsert names a row that is still there, which nothing buries.
     */
    private String replaceTrigger() {
        String holds = join(uniqueKeys, cols -> "(" + join(cols, col -> "t." + Sql.quote(col) + " = NEW." + Sql.quote(col), " AND ") + ")", " OR ");
        if (folded()) {
            return "CREATE TRIGGER " + name("bi") + " BEFORE INSERT ON " + table + " WHEN " + notApplying() + " BEGIN "
                    + "INSERT INTO " + MetaTables.REPLACED + "(tbl, k) SELECT " + t.id() + ", t." + Sql.quote(t.primaryKey().get(0)) + " FROM " + table
                    + " t WHERE " + holds + "; END";
        }
        return "CREATE TRIGGER " + name("bi") + " BEFORE INSERT ON " + table + " WHEN " + notApplying() + " BEGIN "
                + "INSERT INTO " + MetaTables.REPLACED + "(tbl, k) SELECT " + t.id() + ", v." + outboxKey() + " FROM " + table + " t JOIN " + versions
                + " v ON " + join(t.primaryKey(), c -> "v.k" + t.primaryKey().indexOf(c) + " = t." + Sql.quote(c), " AND ") + " WHERE " + holds + "; END";
    }

    /**
     * Tombstones and publishes the rows noted by {@link #replaceTrigger} that the insert deleted. Notes stay until the
     * engine publishes (a row already tombstoned is not buried twice): a trigger that deleted them would add to the
     * statement's change count, which the driver corrects by the notes a statement added.
     */
    private String buryReplaced() {
        if (folded()) {
            // the notes go at once: a later insert must not bury them again (their deletes count as capture writes)
            String key = Sql.quote(t.primaryKey().get(0));
            return "INSERT INTO " + MetaTables.OUTBOX + "(tbl, k, slot, h) SELECT " + t.id() + ", r.k, " + VersionFold.REPLACED + ", " + Hlc.SQL_NOW
                    + " FROM " + MetaTables.REPLACED + " r WHERE r.tbl = " + t.id() + " AND NOT EXISTS (SELECT 1 FROM " + table + " b WHERE b." + key
                    + " = r.k); DELETE FROM " + MetaTables.REPLACED + " WHERE tbl = " + t.id() + ";";
        }
        String noted = outboxKey() + " IN (SELECT k FROM " + MetaTables.REPLACED + " WHERE tbl = " + t.id() + ")";
        String gone = "NOT EXISTS (SELECT 1 FROM " + table + " b WHERE " + join(t.primaryKey(), c -> "b." + Sql.quote(c) + " = " + versions + ".k"
                + t.primaryKey().indexOf(c), " AND ") + ")";
        return "INSERT INTO " + MetaTables.OUTBOX + "(tbl, k, slot) SELECT " + t.id() + ", " + outboxKey() + ", NULL FROM " + versions
                + " WHERE " + noted + " AND " + gone + " AND (cl & 1) = 1; "
                + "UPDATE " + versions + " SET cl = cl + 1, rh = max((SELECT max(" + Hlc.SQL_NOW + ", floor) FROM " + CLOCK + "), rh + 1), rs = 0"
                + " WHERE " + noted + " AND " + gone + " AND (cl & 1) = 1;";
    }

    /** How the outbox names a row of this table: its version table's key, or rowid for composite keys. */
    private String outboxKey() {
        return t.compositeKey() ? "rowid" : "k0";
    }

    /** Stamps the row's existence and every column: a new row, or one that comes back after a delete. */
    private String upsertAll(String row) {
        return upsertRows(join(t.primaryKey(), c -> row + "." + Sql.quote(c)), "c.h", STAMP) + "; ";
    }

    /**
     * Stamps {@code stamp} on the existence and every column of the rows keyed {@code keyValues} selected from
     * {@code from}: new rows, or rows that come back after a delete (their causal length moves to the next odd value).
     */
    String upsertRows(String keyValues, String stamp, String from) {
        return upsertRows(keyValues, stamp, from, "true", false);
    }

    /**
     * As {@link #upsertRows(String, String, String)}, for rows a migration added: a key without versions starts above
     * the table's collected tombstones, as the fold starts it (see {@link TombstoneCollector}).
     */
    String upsertAddedRows(String keyValues, String stamp, String from) {
        return upsertRows(keyValues, stamp, from, "true", false, "(SELECT gone_cl + 1 FROM " + MetaTables.TABLES + " WHERE id = " + t.id() + ")");
    }

    /** With {@code respell}, an existing version row also takes the key's spelling in {@code keyValues} (see {@link #keyUpdateTrigger}). */
    private String upsertRows(String keyValues, String stamp, String from, String where, boolean respell) {
        return upsertRows(keyValues, stamp, from, where, respell, "1");
    }

    private String upsertRows(String keyValues, String stamp, String from, String where, boolean respell, String newCl) {
        StringBuilder cols = new StringBuilder(keyColumns()).append(", cl, rh, rs");
        StringBuilder vals = new StringBuilder(keyValues).append(", ").append(newCl).append(", ").append(stamp).append(", 0");
        StringBuilder set = new StringBuilder("cl = cl + 1 - (cl & 1), rh = max(excluded.rh, rh + 1), rs = 0");
        if (respell) for (int i = 0; i < t.primaryKey().size(); i++) set.append(", k").append(i).append(" = excluded.k").append(i);
        for (CapturedTable.Slot s : t.columns()) {
            cols.append(", h").append(s.slot()).append(", s").append(s.slot());
            vals.append(", ").append(stamp).append(", 0");
            set.append(", h").append(s.slot()).append(" = max(excluded.h").append(s.slot()).append(", h").append(s.slot())
               .append(" + 1), s").append(s.slot()).append(" = 0");
        }
        return "INSERT INTO " + versions + "(" + cols + ") SELECT " + vals + " FROM " + from + " WHERE " + where
                + " ON CONFLICT(" + keyColumns() + ") DO UPDATE SET " + set;
    }

    /**
     * A changed key deletes the old key and inserts the new one, with every cell stamped; a key respelt under its own
     * collation (the same row) is stamped with its new spelling, which wins on every replica. A key set to NULL (SQLite
     * allows it for a non-INTEGER key of a rowid table) still deletes the old key everywhere; the row itself cannot
     * be synced and stays local (reported by the engine, see {@code NullKeyRows}).
     */
    private String keyUpdateTrigger() {
        // byte for byte: a key respelt under its own collation ('alice' to 'ALICE' under NOCASE) is a change too
        String respelt = "(" + join(t.primaryKey(), c -> "OLD." + Sql.quote(c) + " IS NOT NEW." + Sql.quote(c) + " COLLATE BINARY", " OR ") + ")";
        // under the key's collation: only a key that names another row deletes the old one
        String moved = "(" + join(t.primaryKey(), c -> "OLD." + Sql.quote(c) + " IS NOT NEW." + Sql.quote(c), " OR ") + ")";
        String keys = join(t.primaryKey(), Sql::quote);
        String oldKept = notNull(c -> "OLD." + Sql.quote(c)) + " AND " + moved;
        String head = "CREATE TRIGGER " + name("ak") + " AFTER UPDATE OF " + keys + " ON " + table + " WHEN " + respelt + " AND " + notApplying() + " BEGIN ";
        if (folded()) {
            return head + entry("NEW", Integer.toString(VersionFold.MOVED_IN), notNull(c -> "NEW." + Sql.quote(c))) + " "
                    + entry("OLD", Integer.toString(VersionFold.DELETE), oldKept) + " END";
        }
        return head + upsertRows(join(t.primaryKey(), c -> "NEW." + Sql.quote(c)), "c.h", STAMP, notNull(c -> "NEW." + Sql.quote(c)), true) + "; "
                + outboxInsert("NEW", notNull(c -> "NEW." + Sql.quote(c))) + " "
                + tombstone("OLD", oldKept) + outboxInsert("OLD", oldKept) + " END";
    }

    private String deleteTrigger() {
        return "CREATE TRIGGER " + name("ad") + " AFTER DELETE ON " + table
                + " WHEN " + notNull(c -> "OLD." + Sql.quote(c)) + " AND " + notApplying() + " BEGIN "
                + (folded() ? entry("OLD", Integer.toString(VersionFold.DELETE), null) : tombstone("OLD", "true") + outboxInsert("OLD", null)) + " END";
    }

    private String tombstone(String row, String condition) {
        return "INSERT INTO " + versions + "(" + keyColumns() + ", cl, rh, rs) SELECT "
                + join(t.primaryKey(), c -> row + "." + Sql.quote(c)) + ", 2, c.h, 0 FROM " + STAMP + " WHERE " + condition
                + " ON CONFLICT(" + keyColumns() + ") DO UPDATE SET cl = cl + (cl & 1), rh = max(excluded.rh, rh + 1), rs = 0; ";
    }

    private String outboxInsert(String row, String condition) {
        return outboxInsert(row, condition, "NULL");
    }

    /**
     * Lists a row of a composite key in the outbox, by its version row's rowid (written just before); {@code slot} names
     * the one changed column, NULL for the whole row.
     */
    private String outboxInsert(String row, String condition, String slot) {
        String match = keyMatch(c -> row + "." + Sql.quote(c));
        return "INSERT INTO " + MetaTables.OUTBOX + "(tbl, k, slot) SELECT " + t.id() + ", rowid, " + slot + " FROM " + versions + " WHERE " + match
                + (condition == null ? "" : " AND " + condition) + ";";
    }

    String keyColumns() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < t.primaryKey().size(); i++) b.append(i == 0 ? "" : ", ").append('k').append(i);
        return b.toString();
    }

    /**
     * {@code k0 = +NEW."id" AND …}: the unary plus strips the user column's affinity from the value, which SQLite would
     * otherwise apply to the untyped {@code k} column, turning the primary-key search into a scan of the whole version
     * table (measured: a one-column UPDATE of a 10k-row table went from ~1 ms to microseconds).
     */
    private String keyMatch(Function<String, String> value) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < t.primaryKey().size(); i++) {
            b.append(i == 0 ? "" : " AND ").append('k').append(i).append(" = +").append(value.apply(t.primaryKey().get(i)));
        }
        return b.toString();
    }

    private String notNull(Function<String, String> value) {
        return join(t.primaryKey(), c -> value.apply(c) + " IS NOT NULL", " AND ");
    }

    private static String join(List<String> items, Function<String, String> f) {
        return join(items, f, ", ");
    }

    private static <T> String join(List<T> items, Function<T, String> f, String sep) {
        StringBuilder b = new StringBuilder();
        for (T s : items) b.append(b.length() == 0 ? "" : sep).append(f.apply(s));
        return b.toString();
    }
}
