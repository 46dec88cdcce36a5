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

    /**
     * {@code PRAGMA [schema.]name = …} (or {@code (…)}) for a per-connection setting that changes what SQL on the file
     * does, which the sync engine must follow ({@link io.syncsqlite.engine.FollowedPragmas}).
     */
    private static final Pattern SETS_FOLLOWED_PRAGMA = Pattern.compile("\\bpragma\\s+(?:\\w+\\s*\\.\\s*)?(?:"
            + String.join("|", io.syncsqlite.engine.FollowedPragmas.NAMES) + ")\\s*[=(]", Pattern.CASE_INSENSITIVE);

    /** A statement that writes to the database file (a data change, DDL, VACUUM …), by its first keyword. */
    private static final Pattern WRITES = Pattern.compile("^(?:\\s|--[^\\n]*\\n|/\\*.*?\\*/)*(?:insert|update|delete|replace|create|drop|alter|vacuum|reindex|analyze)\\b"
            + "|^(?:\\s|--[^\\n]*\\n|/\\*.*?\\*/)*with\\b.*\\b(?:insert|update|delete|replace)\\b", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    /** A query: SELECT or VALUES, or WITH followed by one (see {@link #onlyReads}). */
    private static final Pattern QUERY = Pattern.compile("^(?:\\s|--[^\\n]*\\n|/\\*.*?\\*/)*(?:select|values|with)\\b", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    /** {@code PRAGMA [schema.]journal_mode = …} (or {@code (…)}). */
    private static final Pattern SETS_JOURNAL_MODE = Pattern.compile("\\bpragma\\s+(?:\\w+\\s*\\.\\s*)?journal_mode\\s*[=(]", Pattern.CASE_INSENSITIVE);

    /** Comments, string literals and quoted names: where a {@code ;} ends no statement. */
    private static final Pattern NOT_CODE = Pattern.compile("--[^\\n]*|/\\*.*?(?:\\*/|\\z)|'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|`(?:[^`]|``)*`|\\[[^\\]]*\\]",
            Pattern.DOTALL);
    /** A {@code ;} with more code after it. */
    private static final Pattern SECOND_STATEMENT = Pattern.compile(";[\\s;]*[^\\s;]");

    private StatementText() {
    }

    /** Whether {@code sql} sets a setting the sync engine's connection then follows ({@code foreign_keys}, …). */
    static boolean setsFollowedPragma(String sql) {
        return sql != null && SETS_FOLLOWED_PRAGMA.matcher(sql).find();
    }

    /** Whether {@code sql} may write to the database file (read-only statements never do). */
    static boolean mayWrite(String sql) {
        return sql != null && WRITES.matcher(sql).find();
    }

    /**
     * Whether {@code sql} is a query that writes nothing ({@code SELECT}, {@code VALUES}, a {@code WITH} query): it need
     * not wait for the sync engine's running slice. A statement taken for a query wrongly still cannot fail: the
     * engine's commit gives way to it (see {@link io.syncsqlite.engine.WriteGate}). {@code mayWrite} is what
     * {@link #mayWrite} says of {@code sql}.
     */
    static boolean onlyReads(String sql, boolean mayWrite) {
        return !mayWrite && sql != null && QUERY.matcher(sql).find();
    }

    /**
     * Whether {@code sql} is one statement: nothing but comments and blanks after its first {@code ;} outside string
     * literals, quoted names and comments. (xerial's {@code executeUpdate(String)} runs every statement of a script.)
     */
    static boolean singleStatement(String sql) {
        if (sql == null || sql.indexOf(';') < 0) return true;
        return !SECOND_STATEMENT.matcher(NOT_CODE.matcher(sql).replaceAll(" ")).find();
    }

    /** Whether {@code sql} switches the journal mode. */
    static boolean setsJournalMode(String sql) {
        return sql != null && SETS_JOURNAL_MODE.matcher(sql).find();
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
