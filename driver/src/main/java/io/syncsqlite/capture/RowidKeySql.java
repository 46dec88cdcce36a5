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
    private static final String LOCAL_SITE = "(SELECT site FROM " + MetaTables.SITES + " WHERE idx = 0)";
    /**
     * This replica's wide tag computed in SQL from its site id (the first 20 bits of its hex text), so a trigger always
     * uses the current one, also after the database became a new site.
     */
    static final String LOCAL_WIDE_TAG = hexBits(5);
    /**
     * This replica's block tag: the one the transport coordinated for the current site id, else its provisional tag
     * (derived from the site id, see {@link io.syncsqlite.keys.KeyScheme#provisionalTag}). Read in SQL on every
     * statement, so every connection and process on the file uses the tag as soon as it is stored.
     */
    public static final String LOCAL_BLOCK_TAG = "coalesce((SELECT tag FROM " + MetaTables.KEY_TAGS + " WHERE site = " + LOCAL_SITE + "), "
            + "(" + hexBits(3) + " / 2) % " + (TAGS - 1) + " + 1)";

    private static final long MULTIPLIER = 1L << TAG_BITS;

    private RowidKeySql() {
    }

    /** The value of the first {@code digits} hex digits of the local site id, in SQL. */
    private static String hexBits(int digits) {
        StringBuilder value = new StringBuilder("0");
        for (int i = 1; i <= digits; i++) {
            value.insert(0, "(").append(" * 16 + instr('0123456789abcdef', substr(").append(LOCAL_SITE).append(", ").append(i).append(", 1)) - 1)");
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
        return newKey(table, "0");
    }

    /** As {@link #newKey(CapturedTable)}, for the row at {@code offsetSql} of a statement inserting several. */
    public static String newKey(CapturedTable table, String offsetSql) {
        String tag = "(" + LOCAL_BLOCK_TAG + ")";
        String base = "(" + tag + " * " + BLOCK + ")";
        String spill = "((" + tag + " + " + TAGS + ") * " + SPILL + ")";
        // the same text twice: SQLite evaluates each uncorrelated subquery once per statement, and a derived table
        // would cut an INSERT … SELECT's row_number() offset off from its rows
        String seq = "(max(" + used(table, base, BLOCK) + ", " + used(table, spill, SPILL) + ") + 1 + " + offsetSql + ")";
        return "(CASE WHEN " + seq + " < " + BLOCK + " THEN " + base + " ELSE " + spill + " END + " + seq + ")";
    }

    /** The highest sequence number used in {@code (start, start + size)} by the table's rows or tombstones; 0 for none. */
    private static String used(CapturedTable table, String start, long size) {
        String key = Sql.quote(table.primaryKey().get(0));
        return "max(coalesce((SELECT max(" + key + ") FROM " + Sql.quote(table.name()) + " WHERE " + key + " > " + start + " AND " + key + " < "
                + start + " + " + size + "), " + start + "), coalesce((SELECT max(k0) FROM " + Sql.quote(table.versionTable()) + " WHERE k0 > "
                + start + " AND k0 < " + start + " + " + size + "), " + start + ")) - " + start;
    }

    /**
     * SQL for a new wide key of {@code table} ({@code sync.keys=wide}): {@code tagSql} is the replica's wide tag
     * ({@code null}: computed from the local site id in SQL); see {@link #newKey(CapturedTable, String)} for the offset.
     */
    public static String newWideKey(CapturedTable table, String tagSql, String offsetSql) {
        String key = Sql.quote(table.primaryKey().get(0));
        String highest = "max((SELECT coalesce(max(" + key + "), 0) FROM " + Sql.quote(table.name()) + " WHERE " + key + " < " + CEILING + "), "
                + "(SELECT coalesce(max(k0), 0) FROM " + Sql.quote(table.versionTable()) + " WHERE k0 < " + CEILING + "))";
        String seq = "max(" + highest + " / " + MULTIPLIER + " + 1, unixepoch() - " + EPOCH_SECONDS + ")";
        return "((" + seq + " + " + offsetSql + ") * " + MULTIPLIER + " + " + (tagSql == null ? LOCAL_WIDE_TAG : tagSql) + ")";
    }
}
