package io.syncsqlite.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** What applications do with ids held in int, for the key tests of every module. */
public final class IntIds {
    private IntIds() {
    }

    /** Runs {@link #insertThroughInts} on every connection at once, as writer {@code r<index>}. */
    public static void insertConcurrently(List<Connection> conns, int rows) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(conns.size());
        try {
            List<Callable<Void>> writers = new ArrayList<>();
            for (int r = 0; r < conns.size(); r++) {
                Connection c = conns.get(r);
                String who = "r" + r;
                writers.add(() -> {
                    insertThroughInts(c, who, rows);
                    return null;
                });
            }
            for (Future<Void> f : pool.invokeAll(writers)) f.get();
        } finally {
            pool.shutdown();
        }
    }

    /**
     * Inserts {@code rows} rows named {@code who-i} into {@code item(id INTEGER PRIMARY KEY, name)}, each id read with
     * {@code getGeneratedKeys().getInt} (asserted equal to {@code getLong}) and its row found again with {@code setInt}.
     */
    public static void insertThroughInts(Connection c, String who, int rows) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO item(name) VALUES (?)", Statement.RETURN_GENERATED_KEYS);
             PreparedStatement find = c.prepareStatement("SELECT name FROM item WHERE id = ?")) {
            for (int i = 0; i < rows; i++) {
                insert.setString(1, who + "-" + i);
                insert.executeUpdate();
                int id;
                try (ResultSet keys = insert.getGeneratedKeys()) {
                    keys.next();
                    id = keys.getInt(1);
                    assertEquals(keys.getLong(1), id, "the key fits an int");
                }
                find.setInt(1, id);
                try (ResultSet rs = find.executeQuery()) {
                    assertTrue(rs.next(), "setInt finds the row just inserted");
                    assertEquals(who + "-" + i, rs.getString(1));
                }
            }
        }
    }

    /** Runs each statement of {@code sql}. */
    public static void exec(Connection c, String... sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String q : sql) s.execute(q);
        }
    }

    /** The first column of the first row of {@code sql}. */
    public static long scalar(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
