package io.syncsqlite.jdbc;

import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an application statement's text tells the connection before or after it runs, besides schema changes
 * ({@link io.syncsqlite.capture.SchemaChange}): names it may not create, and settings the sync engine must follow.
 */
final class StatementText {
    /** A CREATE (table, view, index, trigger) or a RENAME TO whose new name has the driver's reserved prefix. */
    private static final Pattern RESERVED_NAME = Pattern.compile(
            "\\b(?:create\\s+(?:temp(?:orary)?\\s+)?(?:unique\\s+)?(?:virtual\\s+)?(?:table|view|index|trigger)\\s+(?:if\\s+not\\s+exists\\s+)?"
            + "|alter\\s+table\\s+.+?\\s+rename\\s+to\\s+)(?:[`\"\\[]?\\w+[`\"\\]]?\\s*\\.\\s*)?[`\"\\[]?(_syncsqlite_[^`\"\\]\\s(]*)",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern PREFIX = Pattern.compile(Pattern.quote(io.syncsqlite.capture.Sql.PREFIX), Pattern.CASE_INSENSITIVE);

    /** {@code PRAGMA [schema.]foreign_keys = …} (or {@code (…)}): a per-connection setting the engine must follow. */
    private static final Pattern SETS_FOREIGN_KEYS = Pattern.compile("\\bpragma\\s+(?:\\w+\\s*\\.\\s*)?foreign_keys\\s*[=(]", Pattern.CASE_INSENSITIVE);

    private StatementText() {
    }

    /** Whether {@code sql} sets {@code foreign_keys}, which the sync engine's connection then follows. */
    static boolean setsForeignKeys(String sql) {
        return sql != null && SETS_FOREIGN_KEYS.matcher(sql).find();
    }

    /**
     * Refuses SQL that would create an object named with the driver's reserved {@code _syncsqlite_} prefix (any case):
     * the driver would take it for its own, hide it and never sync it, and its own names could collide with it.
     */
    static void refuseReservedNames(String sql) throws SQLException {
        if (sql == null || !PREFIX.matcher(sql).find()) return;
        Matcher m = RESERVED_NAME.matcher(sql);
        if (m.find()) {
            throw new SQLException("The name " + m.group(1) + " is reserved: names starting with " + io.syncsqlite.capture.Sql.PREFIX
                    + " (in any case) belong to the syncsqlite driver's own tables, indexes and triggers. Choose another name.", "42000");
        }
    }
}
