package io.syncsqlite;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DDL inside an application's transaction through jdbc:sqlite: and jdbc:syncsqlite: twins: the same outcomes, schema,
 * rows and {@code changes()}. Around a dropped table or column the driver snapshots rows and lifts its triggers inside
 * that transaction; for a transaction begun in SQL ({@code BEGIN}, {@code SAVEPOINT}, where xerial's auto-commit flag
 * stays on) it once began one of its own instead and failed with "cannot start a transaction within a transaction".
 */
class SchemaChangesInTransactionsDifferentialTest {
    private static final String[] SCHEMA = {
        "CREATE TABLE t(id TEXT PRIMARY KEY, v)",
        "CREATE TABLE u(id TEXT PRIMARY KEY, keep, gone)",
        "INSERT INTO t VALUES ('a', 1)",
        "INSERT INTO u VALUES ('b', 2, 3)",
    };
    private static final String[] CHANGES = {
        "INSERT INTO t VALUES ('c', 4)",
        "DROP TABLE t",
        "ALTER TABLE u DROP COLUMN gone",
        "CREATE TABLE n(id TEXT PRIMARY KEY, v)",
        "INSERT INTO n VALUES ('x', 'y')",
        "CREATE TEMP TABLE scratch(x)",
    };

    @TempDir
    Path dir;

    @Test
    void dropsAndCreatesInATransactionBegunInSql() throws Exception {
        Twins.same(dir, (c, d) -> {
            StringBuilder out = run(c, SCHEMA);
            out.append(run(c, "BEGIN")).append(run(c, CHANGES)).append(run(c, "COMMIT"));
            out.append(run(c, "SAVEPOINT sp", "ALTER TABLE n ADD COLUMN w", "DROP TABLE u", "UPDATE n SET w = 1", "RELEASE sp"));
            return out + state(c);
        });
    }

    @Test
    void dropsAndCreatesInAJdbcTransaction() throws Exception {
        Twins.same(dir, (c, d) -> {
            StringBuilder out = run(c, SCHEMA);
            c.setAutoCommit(false);
            out.append(run(c, CHANGES));
            c.commit();
            c.setAutoCommit(true);
            return out + state(c);
        });
    }

    @Test
    void countsOfManyRowsBeforeDdlReadTheSameAfterIt() throws Exception {
        Twins.same(dir, (c, d) -> {
            StringBuilder out = run(c, SCHEMA);
            c.setAutoCommit(false);
            // the driver's own writes around the DDL move changes(): it puts back 3, then 2, then the larger 40
            out.append(run(c, "INSERT INTO t VALUES ('d', 1), ('e', 2), ('f', 3)", "CREATE TABLE m(id TEXT PRIMARY KEY, v)"));
            out.append(Twins.query(c, "SELECT changes(), last_insert_rowid()"));
            out.append(run(c, "UPDATE t SET v = v + 1 WHERE v < 3", "ALTER TABLE u DROP COLUMN gone"));
            out.append(Twins.query(c, "SELECT changes(), last_insert_rowid()"));
            out.append(run(c, "INSERT INTO m WITH RECURSIVE i(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM i WHERE x < 40) SELECT 'k' || x, x FROM i",
                    "DROP TABLE t"));
            out.append(Twins.query(c, "SELECT changes(), last_insert_rowid()"));
            c.commit();
            c.setAutoCommit(true);
            return out + state(c);
        });
    }

    private static StringBuilder run(Connection c, String... sql) {
        StringBuilder out = new StringBuilder();
        for (String q : sql) {
            try (Statement s = c.createStatement()) {
                out.append(q).append(" -> ").append(s.execute(q)).append(" changes=").append(s.getUpdateCount()).append('\n');
            } catch (SQLException e) {
                out.append(q).append(" -> ").append(Twins.describe(e)).append('\n');
            }
        }
        return out;
    }

    private static String state(Connection c) {
        return Twins.query(c, "SELECT type, name FROM sqlite_master WHERE name NOT LIKE '%syncsqlite%' ORDER BY name")
                + Twins.query(c, "SELECT * FROM n ORDER BY id")
                + Twins.query(c, "SELECT * FROM u ORDER BY id")
                + Twins.query(c, "SELECT changes(), total_changes() > 0");
    }
}
