package io.syncsqlite.capture;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Creates the driver's metadata tables, once and idempotently. All live under the {@code _syncsqlite_} prefix. */
public final class MetaTables {
    public static final String SITES = Sql.PREFIX + "sites";
    public static final String CLOCK = Sql.PREFIX + "clock";
    public static final String TABLES = Sql.PREFIX + "tables";
    public static final String COLUMNS = Sql.PREFIX + "columns";
    public static final String OUTBOX = Sql.PREFIX + "outbox";
    /** The outbox's index of deleted keys (see {@code RowidKeySql}). */
    static final String OUTBOX_GONE = Sql.PREFIX + "outbox_gone";
    public static final String CURSORS = Sql.PREFIX + "cursors";
    public static final String PENDING = Sql.PREFIX + "pending";
    public static final String CONFLICTS = Sql.PREFIX + "conflicts";
    public static final String REPLACED = Sql.PREFIX + "replaced";
    /** Tables this replica dropped: their id, last name and column registry are kept to route late changes. */
    public static final String DROPPED = Sql.PREFIX + "dropped";
    /** Former names of renamed tables, so a peer still on the old name keeps syncing. */
    public static final String TABLE_ALIASES = Sql.PREFIX + "table_aliases";
    /** Former names of renamed columns (to the column's version slot). */
    public static final String COLUMN_ALIASES = Sql.PREFIX + "column_aliases";
    /** Remote changes for tables or columns this replica dropped: kept for inspection, never retried. */
    public static final String ARCHIVED = Sql.PREFIX + "archived";
    public static final String DEAD_LETTERS = Sql.PREFIX + "deadletters";
    /**
     * The block tag the transport coordinated for a site id of this file (see {@code KeyScheme}); a row only counts for
     * the current local site, so a copied file, which becomes a new site, does not share its original's block.
     */
    public static final String KEY_TAGS = Sql.PREFIX + "keytags";

    private static final String DEAD_LETTERS_DDL = "CREATE TABLE IF NOT EXISTS " + DEAD_LETTERS + "(id INTEGER PRIMARY KEY, tbl TEXT NOT NULL,"
            + " pk TEXT NOT NULL, col TEXT NOT NULL, val, hlc INTEGER NOT NULL, site TEXT NOT NULL, cl INTEGER NOT NULL, reason TEXT NOT NULL,"
            + " refuser TEXT NOT NULL, limits TEXT NOT NULL, retry INTEGER NOT NULL DEFAULT 0, at INTEGER)";

    private static final String SITES_DDL = "CREATE TABLE IF NOT EXISTS " + SITES + "(idx INTEGER PRIMARY KEY, site TEXT NOT NULL)";

    private static final String TABLES_DDL = "CREATE TABLE IF NOT EXISTS " + TABLES + "(id INTEGER PRIMARY KEY, name TEXT NOT NULL,"
            + " gone_cl INTEGER NOT NULL DEFAULT 0)";

    private static final String CONFLICTS_DDL = "CREATE TABLE IF NOT EXISTS " + CONFLICTS + "(id INTEGER PRIMARY KEY, tbl TEXT NOT NULL,"
            + " pk TEXT NOT NULL, columns TEXT NOT NULL, row TEXT NOT NULL, winner TEXT NOT NULL, reason TEXT NOT NULL, at INTEGER NOT NULL)";

    private static final String[] DDL = {
        // idx 0 is this replica; remote sites get small local indexes so version rows stay narrow
        SITES_DDL,
        // floor: no local write is stamped below it (raised past every remote version received);
        // applying: inside the engine's apply transaction, the id of the table it writes remote changes into (whose
        // capture triggers stay silent); 0 otherwise. Application triggers may test it to skip remote changes
        // folded: the last outbox entry folded into the version tables (see VersionFold)
        // collected: the greatest stamp among this replica's own tombstones it collected (see TombstoneCollector)
        "CREATE TABLE IF NOT EXISTS " + CLOCK + "(id INTEGER PRIMARY KEY CHECK (id = 0), floor INTEGER NOT NULL, applying INTEGER NOT NULL,"
                + " folded INTEGER NOT NULL DEFAULT 0, collected INTEGER NOT NULL DEFAULT 0)",
        // gone_cl: the greatest causal length among the table's collected tombstones (see TombstoneCollector): a row
        // inserted here under a key without versions starts above it, so it also beats a tombstone of that key that
        // another replica has not collected yet
        TABLES_DDL,
        "CREATE TABLE IF NOT EXISTS " + COLUMNS + "(tbl INTEGER NOT NULL, name TEXT NOT NULL, key_pos INTEGER, slot INTEGER,"
                + " PRIMARY KEY (tbl, name)) WITHOUT ROWID",
        // append-only list of rows changed locally and not yet published (slot: the one column an UPDATE changed,
        // NULL for a whole row: an insert, or a negative VersionFold kind); h: the stamp of a write whose versions are
        // still to be folded in (NULL: written with them); trimmed once published
        "CREATE TABLE IF NOT EXISTS " + OUTBOX + "(seq INTEGER PRIMARY KEY, tbl INTEGER NOT NULL, k, slot INTEGER, h INTEGER)",
        // keys deleted and not yet published: a key SQLite would choose continues after them before they are folded too
        "CREATE INDEX IF NOT EXISTS " + OUTBOX_GONE + " ON " + OUTBOX + "(tbl, k) WHERE slot < 0",
        "CREATE TABLE IF NOT EXISTS " + CURSORS + "(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
        // remote changes that cannot be applied yet (unknown table/column, constraint, clock drift): kept, retried
        "CREATE TABLE IF NOT EXISTS " + PENDING + "(id INTEGER PRIMARY KEY, tbl TEXT NOT NULL, pk TEXT NOT NULL, col TEXT, val,"
                + " hlc INTEGER NOT NULL, site TEXT NOT NULL, cl INTEGER NOT NULL, reason TEXT NOT NULL, at INTEGER)",
        // a row's pending pieces are found together (they apply as one row)
        "CREATE INDEX IF NOT EXISTS " + PENDING + "_row ON " + PENDING + "(tbl, pk)",
        "CREATE TABLE IF NOT EXISTS " + DROPPED + "(id INTEGER PRIMARY KEY, name TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS " + TABLE_ALIASES + "(name TEXT PRIMARY KEY, tbl INTEGER NOT NULL) WITHOUT ROWID",
        "CREATE TABLE IF NOT EXISTS " + COLUMN_ALIASES + "(tbl INTEGER NOT NULL, name TEXT NOT NULL, slot INTEGER NOT NULL,"
                + " PRIMARY KEY (tbl, name)) WITHOUT ROWID",
        "CREATE TABLE IF NOT EXISTS " + ARCHIVED + "(id INTEGER PRIMARY KEY, tbl TEXT NOT NULL, pk TEXT NOT NULL, col TEXT, val,"
                + " hlc INTEGER NOT NULL, site TEXT NOT NULL, cl INTEGER NOT NULL, reason TEXT NOT NULL, at INTEGER)",
        // rows that lost a UNIQUE conflict (two replicas claimed one value), with their values, for the application
        CONFLICTS_DDL,
        // rows an INSERT is about to collide with on a UNIQUE column; those INSERT OR REPLACE deleted get tombstones.
        // Notes are only read by the statement that made them; the engine clears them when it publishes
        "CREATE TABLE IF NOT EXISTS " + REPLACED + "(id INTEGER PRIMARY KEY, tbl INTEGER NOT NULL, k)",
        // local changes a peer or this driver refused to carry (value or name over a limit, a hub's rule): kept with the
        // reason and the limits that refused them, offered again once those limits change (retry = 1)
        DEAD_LETTERS_DDL,
        "CREATE TABLE IF NOT EXISTS " + KEY_TAGS + "(site TEXT PRIMARY KEY, tag INTEGER NOT NULL) WITHOUT ROWID",
        "INSERT OR IGNORE INTO " + CLOCK + "(id, floor, applying) VALUES (0, 0, 0)",
    };

    /**
     * The metadata's UNIQUE keys (table, its key, its DDL), as named indexes: a UNIQUE constraint would add an
     * {@code sqlite_autoindex_…} that the application sees in sqlite_master. Tables an earlier version made with the
     * constraint are rebuilt without it ({@link #rebuiltWithoutAutoindex}).
     */
    private static final String[][] UNIQUE_KEYS = {{SITES, "site", SITES_DDL}, {TABLES, "name", TABLES_DDL},
        {DEAD_LETTERS, "tbl, pk, col", DEAD_LETTERS_DDL}};

    private MetaTables() {
    }

    static void create(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            // metadata made by an earlier version: the stores gain the time each entry was kept ("since when")
            for (String table : new String[] {PENDING, ARCHIVED, DEAD_LETTERS}) {
                if (tableExists(c, table) && !hasColumn(c, table, "at")) s.execute("ALTER TABLE " + table + " ADD COLUMN at INTEGER");
            }
            // capture that folds versions later: every entry made before was written with its versions (h NULL)
            if (tableExists(c, OUTBOX) && !hasColumn(c, OUTBOX, "h")) s.execute("ALTER TABLE " + OUTBOX + " ADD COLUMN h INTEGER");
            if (tableExists(c, CLOCK) && !hasColumn(c, CLOCK, "folded")) s.execute("ALTER TABLE " + CLOCK + " ADD COLUMN folded INTEGER NOT NULL DEFAULT 0");
            // collecting tombstones: nothing was collected before
            if (tableExists(c, CLOCK) && !hasColumn(c, CLOCK, "collected")) s.execute("ALTER TABLE " + CLOCK + " ADD COLUMN collected INTEGER NOT NULL DEFAULT 0");
            if (tableExists(c, TABLES) && !hasColumn(c, TABLES, "gone_cl")) s.execute("ALTER TABLE " + TABLES + " ADD COLUMN gone_cl INTEGER NOT NULL DEFAULT 0");
            for (String sql : DDL) s.execute(sql);
            for (String[] key : UNIQUE_KEYS) {
                if (indexExists(c, autoindex(key[0]))) rebuiltWithoutAutoindex(c, key[0], key[2]);
                s.execute("CREATE UNIQUE INDEX IF NOT EXISTS " + key[0] + "_key ON " + key[0] + "(" + key[1] + ")");
            }
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT OR IGNORE INTO " + SITES + "(idx, site) VALUES (0, ?)")) {
            ps.setString(1, newSiteId());
            ps.executeUpdate();
        }
    }

    /**
     * False when metadata made by an earlier version lacks a table that {@link #create} adds, or still has a key as a
     * UNIQUE constraint (its autoindex).
     */
    static boolean isCurrent(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FILTER (WHERE type = 'table' AND name IN (?, ?)),"
                + " count(*) FILTER (WHERE type = 'index' AND name IN (?, ?, ?)) FROM sqlite_master")) {
            ps.setString(1, CONFLICTS);
            ps.setString(2, REPLACED);
            for (int i = 0; i < UNIQUE_KEYS.length; i++) ps.setString(3 + i, autoindex(UNIQUE_KEYS[i][0]));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getInt(1) == 2 && rs.getInt(2) == 0;
            }
        }
    }

    /** The index SQLite made for the first UNIQUE constraint of {@code table}. */
    private static String autoindex(String table) {
        return "sqlite_autoindex_" + table + "_1";
    }

    /**
     * Rebuilds {@code table} (made by an earlier version with a UNIQUE constraint) as {@code ddl} declares it, rows
     * unchanged, so its autoindex goes; {@link #create} then adds the named index that keeps the key. SQLite's
     * table rebuild: a new table, the rows copied, the old one dropped, the new one renamed. The capture triggers name
     * the table in their bodies: the rename runs with {@code legacy_alter_table} on, which does not check them against
     * the schema while the table is gone (they name it again once renamed); the connection's setting is restored.
     */
    private static void rebuiltWithoutAutoindex(Connection c, String table, String ddl) throws SQLException {
        String rebuilt = table + "_rebuilt";
        try (Statement s = c.createStatement()) {
            s.execute(ddl.replace("IF NOT EXISTS " + table + "(", rebuilt + "("));
            String columns = String.join(", ", columnNames(c, rebuilt));
            s.execute("INSERT INTO " + rebuilt + "(" + columns + ") SELECT " + columns + " FROM " + table);
            boolean legacy;
            try (ResultSet rs = s.executeQuery("PRAGMA legacy_alter_table")) {
                legacy = rs.next() && rs.getInt(1) == 1;
            }
            s.execute("PRAGMA legacy_alter_table = ON");
            try {
                s.execute("DROP TABLE " + table);
                s.execute("ALTER TABLE " + rebuilt + " RENAME TO " + table);
            } finally {
                s.execute("PRAGMA legacy_alter_table = " + (legacy ? "ON" : "OFF"));
            }
        }
    }

    private static List<String> columnNames(Connection c, String table) throws SQLException {
        List<String> names = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT name FROM pragma_table_info(?) ORDER BY cid")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) names.add(Sql.quote(rs.getString(1)));
            }
        }
        return names;
    }

    /** Whether {@code table} is a version table ({@code _syncsqlite_v<id>}, see {@link CapturedTable}). */
    public static boolean isVersionTable(String table) {
        return table.startsWith(Sql.PREFIX + "v") && table.length() > Sql.PREFIX.length() + 1
                && table.chars().skip(Sql.PREFIX.length() + 1).allMatch(Character::isDigit);
    }

    public static boolean exist(Connection c) throws SQLException {
        return tableExists(c, CLOCK);
    }

    /** Whether the metadata has every table this version of the driver uses (older databases gain the new ones). */
    static boolean current(Connection c) throws SQLException {
        return tableExists(c, ARCHIVED) && tableExists(c, DEAD_LETTERS) && tableExists(c, KEY_TAGS) && hasColumn(c, PENDING, "at")
                && hasColumn(c, OUTBOX, "h") && hasColumn(c, CLOCK, "collected") && hasColumn(c, TABLES, "gone_cl");
    }

    private static boolean hasColumn(Connection c, String table, String column) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pragma_table_info(?) WHERE name = ?")) {
            ps.setString(1, table);
            ps.setString(2, column);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    static boolean tableExists(Connection c, String name) throws SQLException {
        return exists(c, "table", name);
    }

    private static boolean indexExists(Connection c, String name) throws SQLException {
        return exists(c, "index", name);
    }

    private static boolean exists(Connection c, String type, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM sqlite_master WHERE type = ? AND name = ?")) {
            ps.setString(1, type);
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    public static String localSiteId(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT site FROM " + SITES + " WHERE idx = 0")) {
            if (!rs.next()) throw new SQLException("syncsqlite metadata is missing the local site id", "XX000");
            return rs.getString(1);
        }
    }

    /** A new random 128-bit site id, in hex. */
    public static String newSiteId() {
        byte[] b = new byte[16];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
