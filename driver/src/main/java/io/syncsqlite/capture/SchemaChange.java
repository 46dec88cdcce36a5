package io.syncsqlite.capture;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a statement, script or batch may do to the schema, told from its text before it runs (comments and string
 * literals ignored). A hit only makes the driver look closer ({@code PRAGMA schema_version} after the statement), so
 * false positives cost little and reads cost nothing; what the text hides, the schema version still catches.
 * DDL of the connection's temporary schema only ({@code CREATE TEMP …}, objects qualified {@code temp.}) is no
 * change: nothing there is synced, and looking closer would read the main database, which inside a deferred
 * transaction that has not touched it yet would start a read snapshot the application never asked for (its first
 * write would then fail with {@code SQLITE_BUSY} at once instead of waiting for another process's lock).
 *
 * @param mayChangeSchema it may create, alter or drop something in the main database
 * @param dropsColumn     {@code ALTER TABLE … DROP [COLUMN]}: SQLite refuses it while a trigger names the column
 * @param droppedTables   tables a {@code DROP TABLE} names (their rows are snapshotted first, so a rebuild can tell
 *                        which values it changed)
 * @param renamedTables   tables an {@code ALTER TABLE … RENAME TO} names
 */
public record SchemaChange(boolean mayChangeSchema, boolean dropsColumn, Set<String> droppedTables, Set<String> renamedTables) {
    /** A statement that changes no schema. */
    public static final SchemaChange NONE = new SchemaChange(false, false, Set.of(), Set.of());

    private static final Pattern DDL = Pattern.compile("\\b(?:create|alter|drop)\\b", Pattern.CASE_INSENSITIVE);
    /** DDL of the temporary schema only: each match stands for one {@link #DDL} keyword that changes nothing synced. */
    private static final Pattern TEMP_DDL = Pattern.compile("\\bcreate\\s+(?:temp|temporary)\\b"
            + "|\\b(?:create|drop|alter)\\s+(?:unique\\s+|virtual\\s+)?(?:table|view|index|trigger)\\s+(?:if\\s+(?:not\\s+)?exists\\s+)?temp\\s*\\.",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern IGNORED = Pattern.compile("--[^\\n]*|/\\*.*?(?:\\*/|\\z)|'(?:[^']|'')*'", Pattern.DOTALL);
    private static final String IDENT = "(\"(?:[^\"]|\"\")*\"|\\[[^\\]]*\\]|`(?:[^`]|``)*`|[\\p{L}_][\\p{L}\\p{N}_$]*)";
    private static final Pattern DROP_COLUMN = Pattern.compile("\\balter\\s+table\\b[^;]*?\\bdrop\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern DROP_TABLE = Pattern.compile("\\bdrop\\s+table\\s+(?:if\\s+exists\\s+)?(?:" + IDENT + "\\s*\\.\\s*)?" + IDENT,
            Pattern.CASE_INSENSITIVE);
    private static final Pattern RENAME_TABLE = Pattern.compile("\\balter\\s+table\\s+(?:" + IDENT + "\\s*\\.\\s*)?" + IDENT + "\\s+rename\\s+to\\b",
            Pattern.CASE_INSENSITIVE);

    public SchemaChange {
        droppedTables = Set.copyOf(droppedTables);
        renamedTables = Set.copyOf(renamedTables);
    }

    /** Classifies one statement or script. */
    public static SchemaChange of(String sql) {
        if (sql == null || !DDL.matcher(sql).find()) return NONE;
        String code = IGNORED.matcher(sql).replaceAll(" ");
        return new SchemaChange(count(DDL, code) > count(TEMP_DDL, code), DROP_COLUMN.matcher(code).find(), names(DROP_TABLE, code), names(RENAME_TABLE, code));
    }

    /** The union of two classifications (the statements of one batch). */
    public SchemaChange and(SchemaChange other) {
        if (other == NONE) return this;
        if (this == NONE) return other;
        Set<String> dropped = new LinkedHashSet<>(droppedTables);
        dropped.addAll(other.droppedTables);
        Set<String> renamed = new LinkedHashSet<>(renamedTables);
        renamed.addAll(other.renamedTables);
        return new SchemaChange(mayChangeSchema || other.mayChangeSchema, dropsColumn || other.dropsColumn, dropped, renamed);
    }

    /** Whether rows must be snapshotted before it runs: it drops a table (maybe one a script renamed first). */
    public boolean dropsTable() {
        return !droppedTables.isEmpty();
    }

    private static long count(Pattern p, String code) {
        return p.matcher(code).results().count();
    }

    private static Set<String> names(Pattern p, String code) {
        Set<String> out = new LinkedHashSet<>();
        Matcher m = p.matcher(code);
        while (m.find()) {
            String schema = m.group(1);
            if (schema != null && !unquote(schema).toLowerCase(Locale.ROOT).equals("main")) continue; // temp or attached
            out.add(unquote(m.group(2)));
        }
        return out;
    }

    static String unquote(String ident) {
        char first = ident.charAt(0);
        if (first == '"') return ident.substring(1, ident.length() - 1).replace("\"\"", "\"");
        if (first == '`') return ident.substring(1, ident.length() - 1).replace("``", "`");
        if (first == '[') return ident.substring(1, ident.length() - 1);
        return ident;
    }
}
