package io.syncsqlite.capture;

/**
 * The SQL of a new key unique across replicas for a table keyed by a rowid alias, as {@link io.syncsqlite.keys.KeyScheme}
 * defines it: by default a key of this replica's block ({@code tag * 2^20 + seq}, below 2^31), with {@code sync.keys=wide}
 * {@code seq * 2^20 + siteTag}. Shared by the driver's INSERT rewriting and the capture trigger that gives such keys to
 * rows other writers leave to SQLite.
 */
public final class RowidKeySql {
    public static final int TAG_BITS = 20;
    /** 2025-01-01T00:00:00Z: the time floor of a wide key's {@code seq} counts seconds from here. */
    public static final long EPOCH_SECONDS = 1_735_689_600L;
    /** Rows per replica block: a block key is {@code tag * BLOCK + seq}, {@code 0 < seq < BLOCK}. */
    public static final long BLOCK = 1L << 20;
    /** Block tags are {@code 1 ..< TAGS}; {@code TAGS * BLOCK} is 2^31. */
    public static final int TAGS = 1 << 11;
    /** A replica's keys past its block: {@code (TAGS + tag) * SPILL + seq}, between 2^43 and 2^44, far below 2^53. */
    public static final long SPILL = 1L << 32;
    /**
     * Keys at or above 2^62 are left to the application: the wide scheme allocates below them, so one explicit key near
     * 2^63 does not push every later key past SQLite's integer range.
     */
    static final long CEILING = 1L << 62;
    /**
     * Keeps SQLite from flattening the subquery in FROM it ends: a flattened subquery is copied into every use of its
     * columns, and the size of a statement's or trigger's program is paid by each execution (see {@link #compactKey}).
     */
    private static final String ONCE = " LIMIT 1 OFFSET 0";
    private static final String LOCAL_SITE = "(SELECT site FROM " + MetaTables.SITES + " WHERE idx = 0)";
    /**
     * This replica's wide tag computed in SQL from its site id (the first 20 bits of its hex text), so a trigger always
     * uses the current one, also after the database became a new site.
     */
    static final String LOCAL_WIDE_TAG = hexBits(5, LOCAL_SITE);
    /**
     * This replica's block tag as a one-row table {@code (tag)}: the tag the transport coordinated for the current site
     * id, else its provisional tag (derived from the site id, see {@link io.syncsqlite.keys.KeyScheme#provisionalTag}).
     * Read in SQL by every statement (two b-tree lookups), so every connection and process on the file uses the tag
     * as soon as it is stored.
     */
    static final String LOCAL_BLOCK_TAG_ROW = "(SELECT coalesce((SELECT tag FROM " + MetaTables.KEY_TAGS + " WHERE site = s.site), ("
            + hexBits(3, "s.site") + " / 2) % " + (TAGS - 1) + " + 1) AS tag FROM " + MetaTables.SITES + " AS s WHERE s.idx = 0" + ONCE + ")";

    private static final long MULTIPLIER = 1L << TAG_BITS;
    /**
     * The names the key's block and spill range starts go by inside the statement: the lookups of the highest key used
     * are correlated subqueries over the user table, where a plain name such as {@code b} would be the table's column.
     */
    private static final String B = Sql.PREFIX + "block";
    private static final String P = Sql.PREFIX + "spill";

    private RowidKeySql() {
    }

    /** The value of the first {@code digits} hex digits of {@code site} (hex text), in SQL. */
    private static String hexBits(int digits, String site) {
        StringBuilder value = new StringBuilder("0");
        for (int i = 1; i <= digits; i++) {
            value.insert(0, "(").append(" * 16 + instr('0123456789abcdef', substr(").append(site).append(", ").append(i).append(", 1)) - 1)");
        }
        return value.toString();
    }

    /**
     * SQL for a new key of {@code table} in this replica's block: {@code offsetSql} (0 for the first row of a statement,
     * 1 for the next, …) spreads the rows of one statement over consecutive sequence numbers. The sequence continues
     * after the highest key of the block among the rows and the tombstones of deleted rows (the version table), so a
     * key is never reused ({@code AUTOINCREMENT} semantics); once the block is full it continues in the replica's spill
     * range. Each lookup is one b-tree descent.
     */
    public static String newKey(CapturedTable table) {
        return newKey(table, "0", 0);
    }

    /**
     * As {@link #newKey(CapturedTable)}, for the row at {@code offsetSql} of a statement inserting several. A literal
     * offset (the rows of a VALUES list) gets one subquery that reads the tag once and computes the key; an offset
     * computed per row ({@code row_number()} of an INSERT … SELECT) cannot go inside a subquery, so the highest used
     * sequence number and the tag are read by subqueries of their own (each once per statement).
     *
     * @param tag the replica's coordinated block tag when the caller knows it (it never changes for a site), saving
     *            its lookup; 0 to read it in SQL (coordinated or provisional)
     */
    public static String newKey(CapturedTable table, String offsetSql, int tag) {
        String tagRow = tag > 0 ? "(SELECT " + tag + " AS tag)" : LOCAL_BLOCK_TAG_ROW;
        if (offsetSql.matches("-?\\d+")) return compactKey(table, tagRow, offsetSql);
        String blocks = "(SELECT tag * " + BLOCK + " AS " + B + ", (tag + " + TAGS + ") * " + SPILL + " AS " + P + " FROM " + tagRow + ")";
        // the spill range is only looked at once the block is full (SQLite evaluates CASE branches lazily)
        String narrow = used(table, B, BLOCK);
        String used = "CASE WHEN " + narrow + " < " + (BLOCK - 1) + " THEN " + narrow + " ELSE max(" + narrow + ", " + used(table, P, SPILL) + ") END";
        String s = "((SELECT " + used + " FROM " + blocks + ") + 1 + " + offsetSql + ")";
        String t = "(SELECT tag FROM " + tagRow + ")";
        return "(CASE WHEN " + s + " < " + BLOCK + " THEN " + t + " * " + BLOCK + " ELSE (" + t + " + " + TAGS + ") * " + SPILL + " END + " + s + ")";
    }

    /**
     * The key for a literal offset, with each lookup and the tag written once. A subquery in FROM that SQLite flattens
     * is copied into every use of its columns, which multiplied the lookups and the tag's hex arithmetic; and the size of
     * the program is paid by every execution, also where {@code coalesce(?, key)} never evaluates the key: SQLite
     * allocates, zeroes and releases the registers of a trigger's whole program each time a statement fires it (even
     * when its {@code WHEN} is false), and releases a statement's registers each time it is reset (see
     * docs/write-cost.md). {@link #ONCE} keeps each level from being flattened.
     */
    private static String compactKey(CapturedTable table, String tagRow, String offsetSql) {
        String n = Sql.PREFIX + "n";
        String s = Sql.PREFIX + "s";
        String blocks = "(SELECT tag * " + BLOCK + " AS " + B + ", (tag + " + TAGS + ") * " + SPILL + " AS " + P + " FROM " + tagRow + ")";
        String narrow = "(SELECT " + B + ", " + P + ", " + used(table, B, BLOCK) + " AS " + n + " FROM " + blocks + ONCE + ")";
        String next = "(SELECT " + B + ", " + P + ", CASE WHEN " + n + " < " + (BLOCK - 1) + " THEN " + n + " ELSE max(" + n + ", " + used(table, P, SPILL)
                + ") END + 1 + " + offsetSql + " AS " + s + " FROM " + narrow + ONCE + ")";
        return "(SELECT CASE WHEN " + s + " < " + BLOCK + " THEN " + B + " ELSE " + P + " END + " + s + " FROM " + next + ")";
    }

    /**
     * The highest sequence number used in {@code (start, start + size)} by the table's rows, its tombstones or its
     * deletes not yet folded into them (outbox entries, see {@link VersionFold}); 0 for none. {@code ORDER BY … DESC
     * LIMIT 1}, not {@code max()}: with bounds that are not constants SQLite scans the whole range of a rowid table for
     * {@code max()}, while the ordered form reads one row.
     */
    private static String used(CapturedTable table, String start, long size) {
        return "max(coalesce(" + highest(Sql.quote(table.primaryKey().get(0)), Sql.quote(table.name()), "", start, size) + ", " + start + "), coalesce("
                + highest("k0", Sql.quote(table.versionTable()), "", start, size) + ", " + start + "), coalesce("
                + highest("k", MetaTables.OUTBOX, gone(table), start, size) + ", " + start + ")) - " + start;
    }

    /**
     * A query of the version-table keys that mark how far this replica's key ranges are used — the greatest in its
     * block, in its spill range, and below {@link #CEILING} (wide keys) — one column {@code k}, NULL where a range is unused.
     * Collecting tombstones keeps these, so a new key never reuses a deleted one (see {@link TombstoneCollector}).
     */
    static String usedMarks(CapturedTable table) {
        return usedMarks(Sql.quote(table.versionTable()), "k0");
    }

    /** As {@link #usedMarks(CapturedTable)}, over the keys {@code key} (quoted) of {@code from} (quoted). */
    static String usedMarks(String from, String key) {
        String blocks = "(SELECT tag * " + BLOCK + " AS " + B + ", (tag + " + TAGS + ") * " + SPILL + " AS " + P + " FROM " + LOCAL_BLOCK_TAG_ROW + ")";
        return "SELECT " + highest(key, from, "", B, BLOCK) + " AS k FROM " + blocks + " UNION ALL SELECT " + highest(key, from, "", P, SPILL) + " FROM "
                + blocks + " UNION ALL SELECT (SELECT " + key + " FROM " + from + " WHERE " + key + " < " + CEILING + " ORDER BY " + key + " DESC LIMIT 1)";
    }

    /** The terms that pick a table's deleted keys out of the outbox through its partial index. */
    private static String gone(CapturedTable table) {
        return "tbl = " + table.id() + " AND slot < 0 AND ";
    }

    private static String highest(String key, String table, String where, String start, long size) {
        return "(SELECT " + key + " FROM " + table + " WHERE " + where + key + " > " + start + " AND " + key + " < " + start + " + " + size
                + " ORDER BY " + key + " DESC LIMIT 1)";
    }

    /**
     * SQL for a new wide key of {@code table} ({@code sync.keys=wide}): {@code tagSql} is the replica's wide tag
     * ({@code null}: computed from the local site id in SQL); see {@link #newKey(CapturedTable, String)} for the offset.
     */
    public static String newWideKey(CapturedTable table, String tagSql, String offsetSql) {
        String key = Sql.quote(table.primaryKey().get(0));
        String highest = "max((SELECT coalesce(max(" + key + "), 0) FROM " + Sql.quote(table.name()) + " WHERE " + key + " < " + CEILING + "), "
                + "(SELECT coalesce(max(k0), 0) FROM " + Sql.quote(table.versionTable()) + " WHERE k0 < " + CEILING + "), "
                + "(SELECT coalesce(max(k), 0) FROM " + MetaTables.OUTBOX + " WHERE " + gone(table) + "k < " + CEILING + "))";
        String seq = "max(" + highest + " / " + MULTIPLIER + " + 1, unixepoch() - " + EPOCH_SECONDS + ")";
        return "((" + seq + " + " + offsetSql + ") * " + MULTIPLIER + " + " + (tagSql == null ? LOCAL_WIDE_TAG : tagSql) + ")";
    }
}
