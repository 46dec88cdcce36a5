package io.syncsqlite.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Opens benchmark databases: plain xerial and the syncsqlite wrapper, always with the same pragmas. */
final class Databases {
    /** Both drivers get exactly these xerial parameters, so the comparison is like for like. */
    static final String PRAGMAS = "journal_mode=WAL&synchronous=NORMAL";

    /** Which driver a connection goes through. */
    enum Kind {
        PLAIN("jdbc:sqlite:"), SYNC("jdbc:syncsqlite:");

        final String prefix;

        Kind(String prefix) {
            this.prefix = prefix;
        }
    }

    private Databases() {
    }

    /** {@code extra} is appended to the URL parameters ({@code &sync.transport=...}); empty for capture only. */
    static Connection open(Kind kind, Path file, String extra) throws SQLException {
        return DriverManager.getConnection(kind.prefix + file + "?" + PRAGMAS + extra);
    }

    static void exec(Connection c, String... sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String q : sql) s.execute(q);
        }
    }

    static long count(Connection c, String table) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The pragmas a connection actually runs with, e.g. {@code wal/1} (1 = NORMAL). */
    static String pragmas(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            String journal;
            try (ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
                rs.next();
                journal = rs.getString(1);
            }
            try (ResultSet rs = s.executeQuery("PRAGMA synchronous")) {
                rs.next();
                return journal + "/" + rs.getInt(1);
            }
        }
    }

    /** Inserts rows {@code first .. first+count-1} of the 5-value-column {@code item} table in one transaction. */
    static void insertItems(Connection c, long first, int count) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try (PreparedStatement ps = c.prepareStatement(Workloads.INSERT_ITEM)) {
            for (long id = first; id < first + count; id++) {
                Workloads.bindItem(ps, id);
                ps.addBatch();
                if ((id - first) % 1000 == 999) ps.executeBatch();
            }
            ps.executeBatch();
            c.commit();
        } finally {
            c.setAutoCommit(auto);
        }
    }
}
