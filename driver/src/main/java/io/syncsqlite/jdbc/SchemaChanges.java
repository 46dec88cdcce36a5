package io.syncsqlite.jdbc;

import java.util.regex.Pattern;

/**
 * Tells, from SQL text alone and without parsing, whether a statement may change the schema. A hit only makes the
 * driver compare {@code PRAGMA schema_version} afterwards, so false positives cost little and reads cost nothing.
 */
final class SchemaChanges {
    private static final Pattern DDL = Pattern.compile("\\b(?:create|alter|drop)\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern DROP_COLUMN = Pattern.compile("\\balter\\s+table\\b.*?\\bdrop\\b", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    private SchemaChanges() {
    }

    static boolean mayChangeSchema(String sql) {
        return sql != null && DDL.matcher(sql).find();
    }

    /** {@code ALTER TABLE … DROP [COLUMN]}: SQLite refuses it while a trigger names the column. */
    static boolean mayDropColumn(String sql) {
        return sql != null && DROP_COLUMN.matcher(sql).find();
    }
}
