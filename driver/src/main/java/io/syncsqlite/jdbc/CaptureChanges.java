package io.syncsqlite.jdbc;

import io.syncsqlite.capture.MetaTables;
import io.syncsqlite.capture.Transactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Pattern;

/**
 * Keeps xerial's {@code Statement.executeUpdate(String)} count what it is without capture. xerial answers it with
 * the difference of {@code total_changes()}, which also counts rows written by triggers: ours write exactly one
 * version row and one outbox row per captured change, so the outbox rows the statement added tell how many to take
 * off. Outside a transaction the statement runs inside {@code BEGIN IMMEDIATE … COMMIT} so no other connection
 * writes or trims the outbox in between (committing even after an error, as autocommit would have kept the
 * statements of a script that ran before the failing one).
 */
final class CaptureChanges {
    private static final Pattern TRANSACTION_CONTROL =
            Pattern.compile("\\b(?:begin|commit|end|rollback|savepoint|release)\\b", Pattern.CASE_INSENSITIVE);

    private CaptureChanges() {
    }

    /** Runs {@code update} (not DDL: that may run inside the driver's own transaction) and corrects its count. */
    static long excluded(Connection c, String sql, Transactions.SqlWork<Long> update) throws SQLException {
        // before the database has a table to sync there is no capture (and no outbox) to take off
        if (!MetaTables.exist(c)) return update.run();
        boolean own = c.getAutoCommit() && !TRANSACTION_CONTROL.matcher(sql).find();
        if (own) {
            try (Statement s = c.createStatement()) {
                s.execute("BEGIN IMMEDIATE");
            }
        }
        try {
            long before = last(c, MetaTables.OUTBOX, "seq");
            // INSERTs into tables with UNIQUE constraints note the rows they may replace: one row of ours per note
            long notesBefore = last(c, MetaTables.REPLACED, "id");
            long reported = update.run();
            return reported - 2 * addedSince(c, MetaTables.OUTBOX, "seq", before) - addedSince(c, MetaTables.REPLACED, "id", notesBefore);
        } finally {
            if (own) {
                try (Statement s = c.createStatement()) {
                    s.execute("COMMIT");
                }
            }
        }
    }

    /** The highest number in {@code column} of {@code table}: the outbox's seq, or the id of notes of rows an INSERT may replace. */
    private static long last(Connection c, String table, String column) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT coalesce(max(" + column + "), 0) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long addedSince(Connection c, String table, String column, long before) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + table + " WHERE " + column + " > ?")) {
            ps.setLong(1, before);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
