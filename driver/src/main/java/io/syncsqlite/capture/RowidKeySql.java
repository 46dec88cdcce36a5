package io.syncsqlite.capture;

/**
 * The SQL of a new key unique across replicas for a table keyed by a rowid alias, as {@link io.syncsqlite.keys.KeyScheme}
 * defines it: {@code seq * 2^20 + tag}. Shared by the driver's INSERT rewriting and the capture trigger that gives
 * such keys to rows other writers leave to SQLite.
 */
public final class RowidKeySql {
    public static final int TAG_BITS = 20;
    /** 2025-01-01T00:00:00Z: the time floor of {@code seq} counts seconds from here. */
    public static final long EPOCH_SECONDS = 1_735_689_600L;
    /**
     * Keys at or above 2^62 are left to the application: the scheme allocates below them, so one explicit key near
     * 2^63 does not push every later key past SQLite's integer range.
     */
    static final long CEILING = 1L << 62;
    /**
     * This replica's tag computed in SQL from its site id (the first 20 bits of its hex text), so a trigger always
     * uses the current one, also after the database became a new site.
     */
    static final String LOCAL_TAG;

    static {
        String site = "(SELECT site FROM " + MetaTables.SITES + " WHERE idx = 0)";
        StringBuilder tag = new StringBuilder("0");
        for (int i = 1; i <= TAG_BITS / 4; i++) tag.insert(0, "(").append(" * 16 + instr('0123456789abcdef', substr(").append(site).append(", ").append(i).append(", 1)) - 1)");
        LOCAL_TAG = tag.toString();
    }

    private static final long MULTIPLIER = 1L << TAG_BITS;

    private RowidKeySql() {
    }

    /**
     * SQL for a new key of {@code table}: {@code offsetSql} (0 for the first row of a statement, 1 for the next, …)
     * spreads the rows of one statement over consecutive sequence numbers; {@code tagSql} is the replica tag.
     */
    public static String newKey(CapturedTable table, String tagSql, String offsetSql) {
        String key = Sql.quote(table.primaryKey().get(0));
        String highest = "max((SELECT coalesce(max(" + key + "), 0) FROM " + Sql.quote(table.name()) + " WHERE " + key + " < " + CEILING + "), "
                + "(SELECT coalesce(max(k0), 0) FROM " + Sql.quote(table.versionTable()) + " WHERE k0 < " + CEILING + "))";
        String seq = "max(" + highest + " / " + MULTIPLIER + " + 1, unixepoch() - " + EPOCH_SECONDS + ")";
        return "((" + seq + " + " + offsetSql + ") * " + MULTIPLIER + " + " + tagSql + ")";
    }
}
