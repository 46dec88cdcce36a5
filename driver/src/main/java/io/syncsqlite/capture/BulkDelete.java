package io.syncsqlite.capture;

import io.syncsqlite.clock.Hlc;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Captures an application's {@code DELETE FROM t} (every row, no {@code WHERE}) as one outbox entry instead of one per
 * row. SQLite deletes every row of a table at once (its truncate optimisation) only while no {@code DELETE} trigger is
 * on it, so inside the application's transaction, around that one statement, the table's capture delete trigger is
 * lifted and put back unchanged: other connections and tools never see the table without it. Before the statement, a
 * {@link VersionFold#DELETE_ALL} entry records that every row existing then is deleted; the engine folds it into
 * tombstones later, as it folds the entry of a single delete (docs/write-cost.md).
 *
 * <p>Taken only where the result is exactly that of deleting each row: a table keyed by one column, with no trigger
 * but the driver's (an application trigger could write the table while it is being emptied), not the parent of a
 * foreign key while they are enforced (an action could update its rows), not hidden by a temporary table of the same
 * name, and holding at least {@link #MIN_ROWS} rows (lifting the trigger changes the schema, which every connection
 * reads again: below that, capturing each row costs less).
 */
public final class BulkDelete {
    /** {@code DELETE FROM [main.]name}, nothing else but comments, white space and a final {@code ;}. */
    private static final Pattern DELETE_EVERY_ROW = Pattern.compile("^(?:\\s|--[^\\n]*(?:\\n|$)|/\\*.*?\\*/)*delete\\s+from\\s+(?:(\"main\"|main|\\[main]|`main`)\\s*\\.\\s*)?"
            + "(\"(?:[^\"]|\"\")*\"|\\[[^\\]]*]|`(?:[^`]|``)*`|[\\p{L}_][\\p{L}\\p{N}_$]*)(?:\\s|--[^\\n]*(?:\\n|$)|/\\*.*?\\*/)*;?(?:\\s|--[^\\n]*(?:\\n|$)|/\\*.*?\\*/)*$",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    /** Rows from which lifting the trigger costs less than capturing each row. */
    static final int MIN_ROWS = 1_000;
    private static final String SAVEPOINT = Sql.PREFIX + "delete_all";

    private final CapturedTable table;
    private final String trigger;

    private BulkDelete(CapturedTable table, String trigger) {
        this.table = table;
        this.trigger = trigger;
    }

    /** The table {@code sql} deletes every row of ({@code DELETE FROM t}, unquoted), or {@code null} for any other statement. */
    public static String deletesEveryRowOf(String sql) {
        if (sql == null || sql.length() > 1_000) return null;
        Matcher m = DELETE_EVERY_ROW.matcher(sql);
        return m.matches() ? SchemaChange.unquote(m.group(2)) : null;
    }

    /**
     * The bulk capture of a {@code DELETE} of every row of {@code t} on {@code c}, or {@code null} where each row is
     * captured by the trigger (see the class comment). Reads the schema: call inside the write transaction.
     */
    public static BulkDelete of(Connection c, CapturedTable t) throws SQLException {
        if (t.compositeKey()) return null;
        String name = Sql.PREFIX + "ad" + t.id();
        try (PreparedStatement ps = c.prepareStatement("SELECT (SELECT sql FROM main.sqlite_master WHERE type = 'trigger' AND name = ?1 AND tbl_name = ?2 COLLATE NOCASE),"
                + " EXISTS (SELECT 1 FROM main.sqlite_master WHERE type = 'trigger' AND tbl_name = ?2 COLLATE NOCASE AND substr(name, 1, ?3) <> ?4)"
                + " OR EXISTS (SELECT 1 FROM temp.sqlite_master WHERE (type = 'trigger' AND tbl_name = ?2 COLLATE NOCASE) OR (type = 'table' AND name = ?2 COLLATE NOCASE))"
                + " OR (SELECT foreign_keys FROM pragma_foreign_keys) AND EXISTS (SELECT 1 FROM main.sqlite_master m, pragma_foreign_key_list(m.name) f"
                + " WHERE m.type = 'table' AND f.\"table\" = ?2 COLLATE NOCASE),"
                + " (SELECT count(*) FROM (SELECT 1 FROM main." + Sql.quote(t.name()) + " LIMIT ?5))")) {
            ps.setString(1, name);
            ps.setString(2, t.name());
            ps.setInt(3, Sql.PREFIX.length());
            ps.setString(4, Sql.PREFIX);
            ps.setInt(5, MIN_ROWS);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return null;
                String sql = rs.getString(1);
                return sql == null || rs.getBoolean(2) || rs.getInt(3) < MIN_ROWS ? null : new BulkDelete(t, sql);
            }
        }
    }

    /**
     * Runs {@code statement} (the application's {@code DELETE}) with the table's rows captured as one entry, inside a
     * savepoint of the caller's write transaction: when the statement fails, the entry and the trigger's absence go
     * with it. {@code beforeStatement} runs after the driver's writes and before the statement.
     */
    public <T> T run(Connection c, Transactions.SqlWork<Void> beforeStatement, Transactions.SqlWork<T> statement) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SAVEPOINT " + SAVEPOINT);
            try {
                // written first: whatever the statement's own writes capture (an INSERT a cascade makes) comes after it
                s.executeUpdate("INSERT INTO " + MetaTables.OUTBOX + "(tbl, k, slot, h) VALUES (" + table.id() + ", NULL, " + VersionFold.DELETE_ALL
                        + ", " + Hlc.SQL_NOW + ")");
                if (table.rowidKey()) {
                    // the greatest keys used, until the fold leaves their tombstones: a new key continues after them
                    s.executeUpdate("INSERT INTO " + MetaTables.OUTBOX + "(tbl, k, slot) SELECT " + table.id() + ", k, " + VersionFold.DELETE + " FROM (SELECT DISTINCT k FROM ("
                            + RowidKeySql.usedMarks("main." + Sql.quote(table.name()), Sql.quote(table.primaryKey().get(0))) + ")) WHERE k IS NOT NULL");
                }
                s.execute("DROP TRIGGER " + Sql.quote(Sql.PREFIX + "ad" + table.id()));
                beforeStatement.run();
                T result = statement.run();
                s.execute(trigger);
                s.execute("RELEASE " + SAVEPOINT);
                return result;
            } catch (SQLException | RuntimeException e) {
                try {
                    s.execute("ROLLBACK TO " + SAVEPOINT);
                    s.execute("RELEASE " + SAVEPOINT);
                } catch (SQLException again) {
                    e.addSuppressed(again);
                }
                throw e;
            }
        }
    }
}
