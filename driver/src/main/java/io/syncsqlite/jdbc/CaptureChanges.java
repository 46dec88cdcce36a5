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
            long before = lastSeq(c);
            long reported = update.run();
            return reported - 2 * added(c, before);
        } finally {
            if (own) {
                try (Statement s = c.createStatement()) {
                    s.execute("COMMIT");
                }
            }
        }
    }

    private static long lastSeq(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT coalesce(max(seq), 0) FROM " + MetaTables.OUTBOX)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long added(Connection c, long before) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + MetaTables.OUTBOX + " WHERE seq > ?")) {
            ps.setLong(1, before);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
