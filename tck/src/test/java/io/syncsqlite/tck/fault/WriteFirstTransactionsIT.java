package io.syncsqlite.tck.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Invisible across processes: while another process holds the write lock of the file, a deferred transaction whose
 * first statement writes waits on the busy handler and commits once the lock is free, on plain {@code jdbc:sqlite:}
 * and through the driver alike. Had the driver read anything inside the transaction before the application's first
 * statement (a schema check, a count of the outbox, a look at SQLite's state), the transaction would hold a read
 * snapshot, and SQLite fails a write from a snapshot at once with {@code SQLITE_BUSY}, never calling the busy handler.
 * <p>
 * Both sides are separate JVMs ({@link WriteFirstProcess}): the holder and the writer, each syncing through the driver
 * (the holder holds the sync lease, so its engine is the one that writes the file). The writer's busy handler prints
 * {@code WAITING} when SQLite first asks it to wait; only then does the holder commit. One statement kind per case:
 * plain, prepared inside the transaction (an INSERT the driver gives a cross-replica key), a batch, DDL the driver
 * instruments or works around (temporary tables, new tables and columns, dropped tables and columns), and transactions
 * begun in SQL (after which the driver asks SQLite whether a transaction is open).
 */
class WriteFirstTransactionsIT {
    private static final List<String> SCHEMA = List.of(
            "CREATE TABLE item(id TEXT PRIMARY KEY, writer TEXT, n INTEGER)",
            "CREATE TABLE counter(id INTEGER PRIMARY KEY, name TEXT)",
            "CREATE TABLE dropme(id TEXT PRIMARY KEY, v TEXT)",
            "INSERT INTO dropme VALUES ('r', 'v')",
            "CREATE TABLE wide(id TEXT PRIMARY KEY, keep TEXT, gone TEXT)",
            "CREATE TABLE dropped_in_sql(id TEXT PRIMARY KEY, v TEXT)",
            "INSERT INTO dropped_in_sql VALUES ('r', 'v')");

    /**
     * The writer's transactions, statements separated by tabs ({@code ?} prepared, {@code +} a batch split at
     * {@code ;;}); those starting with {@code SQL } are begun and ended in SQL, the others with {@code setAutoCommit}.
     */
    private static final List<String> TRANSACTIONS = List.of(
            "INSERT INTO item(id, writer, n) VALUES ('a', 'w', 1)\tUPDATE item SET n = n + 1 WHERE id = 'a'",
            "UPDATE item SET n = n + 1",
            "DELETE FROM item WHERE id = 'a'",
            "?INSERT INTO counter(name) VALUES ('prepared')",
            "+INSERT INTO item(id, writer, n) VALUES ('b', 'w', 1);;INSERT INTO counter(name) VALUES ('batch')",
            "CREATE TEMP TABLE scratch(x)\tINSERT INTO item(id, writer, n) VALUES ('t', 'w', 1)",
            "CREATE TABLE added(id TEXT PRIMARY KEY, v TEXT)\tINSERT INTO added VALUES ('x', 'y')",
            "ALTER TABLE item ADD COLUMN note TEXT\tINSERT INTO item(id, writer, n, note) VALUES ('c', 'w', 1, 'z')",
            "DROP TABLE dropme\tINSERT INTO item(id, writer, n) VALUES ('d', 'w', 1)",
            "ALTER TABLE wide DROP COLUMN gone\tINSERT INTO wide VALUES ('e', 'k')",
            "SQL BEGIN\tINSERT INTO item(id, writer, n) VALUES ('s', 'w', 1)\tCOMMIT",
            "SQL SAVEPOINT sp\tDROP TABLE dropped_in_sql\tINSERT INTO item(id, writer, n) VALUES ('u', 'w', 1)\tRELEASE sp");

    @TempDir
    Path dir;

    @Test
    void aWriteFirstTransactionWaitsForAnotherProcessAsOnPlainSqlite() throws Exception {
        Path plainFile = dir.resolve("plain.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + plainFile); Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode = WAL"); // the driver's default, so both runs meet the same locking
            for (String sql : SCHEMA) s.execute(sql);
        }
        List<String> reference = run("jdbc:sqlite:" + plainFile, plainFile, false);

        Path file = dir.resolve("synced.db");
        try (Connection c = DriverManager.getConnection("jdbc:syncsqlite:" + file); Statement s = c.createStatement()) {
            for (String sql : SCHEMA) s.execute(sql);
        }
        Path share = Files.createDirectories(dir.resolve("share"));
        String url = "jdbc:syncsqlite:" + file + "?sync.transport=nas&sync.dir=" + share + "&sync.namespace=wf&sync.interval=100ms";
        assertEquals(reference, run(url, file, true));
    }

    /** Runs every transaction while the other process holds the write lock; returns what the writer answered. */
    private List<String> run(String url, Path file, boolean syncing) throws Exception {
        List<String> answers = new ArrayList<>();
        try (ChildReplica holder = new ChildReplica(WriteFirstProcess.class, "holder-" + file.getFileName(), url, file, dir)) {
            if (syncing) holder.call("SYNC"); // the holder takes the sync lease first: its engine writes, the writer's stands by
            try (ChildReplica writer = new ChildReplica(WriteFirstProcess.class, "writer-" + file.getFileName(), url, file, dir)) {
                for (int i = 0; i < TRANSACTIONS.size(); i++) {
                    String tx = TRANSACTIONS.get(i).startsWith("SQL ") ? TRANSACTIONS.get(i) : "TX " + TRANSACTIONS.get(i);
                    holder.call("HOLD INSERT INTO item(id, writer, n) VALUES ('h" + i + "', 'holder', " + i + ")");
                    writer.send(tx);
                    String first = writer.nextLine(tx);
                    assertEquals("WAITING", first, url + ": the writer did not wait for the holder's lock in " + tx);
                    holder.call("RELEASE");
                    answers.add(TRANSACTIONS.get(i) + " -> " + writer.nextLine(tx));
                }
            }
        }
        assertEquals(TRANSACTIONS.size(), answers.stream().filter(a -> a.endsWith("-> OK committed")).count(), url + ": " + answers);
        return answers;
    }
}
