package io.syncsqlite.tck;

import java.sql.BatchUpdateException;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/** Batches: update counts, failures part-way ({@link BatchUpdateException} counts), clearing, DDL in batches. */
class BatchesTck extends TckSuite {
    private static final String SETUP = "CREATE TABLE bt(id TEXT PRIMARY KEY, v INTEGER)";

    static Stream<Case> cases() {
        return Stream.of(
                Case.of("statement batch counts", (c, t) -> {
                    exec(c, SETUP);
                    try (Statement s = c.createStatement()) {
                        s.addBatch("INSERT INTO bt VALUES ('a', 1)");
                        s.addBatch("INSERT INTO bt VALUES ('b', 2), ('c', 3)");
                        s.addBatch("UPDATE bt SET v = v + 1");
                        s.addBatch("DELETE FROM bt WHERE id = 'zz'");
                        t.add("batch", s::executeBatch);
                        t.add("empty batch", s::executeBatch);
                    }
                    t.query(c, "SELECT * FROM bt ORDER BY id");
                }),
                Case.of("statement large batch", (c, t) -> {
                    exec(c, SETUP);
                    try (Statement s = c.createStatement()) {
                        s.addBatch("INSERT INTO bt VALUES ('a', 1)");
                        s.addBatch("UPDATE bt SET v = 5");
                        t.add("large", s::executeLargeBatch);
                    }
                }),
                Case.of("prepared batch counts", (c, t) -> {
                    exec(c, SETUP);
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO bt VALUES (?, ?)")) {
                        for (int i = 0; i < 5; i++) {
                            ps.setString(1, "k" + i);
                            ps.setInt(2, i);
                            ps.addBatch();
                        }
                        t.add("batch", ps::executeBatch);
                    }
                    try (PreparedStatement ps = c.prepareStatement("UPDATE bt SET v = v * 2 WHERE v >= ?")) {
                        ps.setInt(1, 0);
                        ps.addBatch();
                        ps.setInt(1, 3);
                        ps.addBatch();
                        t.add("update batch", ps::executeBatch);
                    }
                    t.query(c, "SELECT * FROM bt ORDER BY id");
                }),
                Case.of("statement batch failing in the middle", (c, t) -> {
                    exec(c, SETUP);
                    try (Statement s = c.createStatement()) {
                        s.addBatch("INSERT INTO bt VALUES ('a', 1)");
                        s.addBatch("INSERT INTO bt VALUES ('a', 2)");
                        s.addBatch("INSERT INTO bt VALUES ('b', 3)");
                        t.add("batch", () -> counts(s::executeBatch));
                        t.add("batch after failure", s::executeBatch);
                    }
                    t.query(c, "SELECT * FROM bt ORDER BY id");
                }),
                Case.of("prepared batch failing in the middle", (c, t) -> {
                    exec(c, SETUP);
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO bt VALUES (?, ?)")) {
                        for (String id : List.of("a", "b", "a", "c")) {
                            ps.setString(1, id);
                            ps.setInt(2, 1);
                            ps.addBatch();
                        }
                        t.add("batch", () -> counts(ps::executeBatch));
                    }
                    t.query(c, "SELECT * FROM bt ORDER BY id");
                }),
                Case.of("batch in a transaction rolled back", (c, t) -> {
                    exec(c, SETUP);
                    c.setAutoCommit(false);
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO bt VALUES (?, 1)")) {
                        ps.setString(1, "a");
                        ps.addBatch();
                        ps.setString(1, "b");
                        ps.addBatch();
                        t.add("batch", ps::executeBatch);
                    }
                    c.rollback();
                    t.query(c, "SELECT count(*) FROM bt");
                }),
                Case.of("clearBatch", (c, t) -> {
                    exec(c, SETUP);
                    try (Statement s = c.createStatement()) {
                        s.addBatch("INSERT INTO bt VALUES ('a', 1)");
                        t.run("clear", s::clearBatch);
                        t.add("batch", s::executeBatch);
                    }
                    t.query(c, "SELECT count(*) FROM bt");
                }),
                Case.of("query in a batch", (c, t) -> {
                    try (Statement s = c.createStatement()) {
                        s.addBatch("SELECT 1");
                        t.add("batch", () -> counts(s::executeBatch));
                    }
                }),
                Case.of("DDL and DML in one batch", (c, t) -> {
                    try (Statement s = c.createStatement()) {
                        s.addBatch(SETUP);
                        s.addBatch("INSERT INTO bt VALUES ('a', 1)");
                        s.addBatch("ALTER TABLE bt ADD COLUMN w TEXT");
                        s.addBatch("UPDATE bt SET w = 'x'");
                        s.addBatch("CREATE TABLE bt2(id TEXT PRIMARY KEY)");
                        t.add("batch", s::executeBatch);
                    }
                    t.query(c, "SELECT * FROM bt");
                }),
                Case.of("prepared batch without parameters set", (c, t) -> {
                    exec(c, SETUP);
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO bt VALUES (?, ?)")) {
                        t.run("addBatch", ps::addBatch);
                        t.add("batch", () -> counts(ps::executeBatch));
                    }
                }),
                Case.of("prepared batch of DDL", (c, t) -> {
                    try (PreparedStatement ps = c.prepareStatement("CREATE TABLE IF NOT EXISTS pb(id TEXT PRIMARY KEY)")) {
                        ps.addBatch();
                        ps.addBatch();
                        t.add("batch", ps::executeBatch);
                    }
                    t.query(c, "SELECT count(*) FROM pb");
                }),
                Case.of("large prepared batch (1000 rows)", (c, t) -> {
                    exec(c, SETUP);
                    c.setAutoCommit(false);
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO bt VALUES (?, ?)")) {
                        for (int i = 0; i < 1000; i++) {
                            ps.setString(1, "k" + i);
                            ps.setInt(2, i);
                            ps.addBatch();
                        }
                        t.add("sum of counts", () -> Arrays.stream(ps.executeBatch()).sum());
                    }
                    c.commit();
                    t.query(c, "SELECT count(*), sum(v) FROM bt");
                }));
    }

    /** The counts, or the failure with the counts a {@link BatchUpdateException} carries. */
    private static Object counts(Trace.Step batch) throws Exception {
        try {
            return batch.get();
        } catch (BatchUpdateException e) {
            return "BatchUpdateException " + e.getMessage() + " counts=" + Arrays.toString(e.getUpdateCounts())
                    + " large=" + Arrays.toString(e.getLargeUpdateCounts());
        }
    }
}
