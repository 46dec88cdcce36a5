package io.syncsqlite.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.SplittableRandom;

/** The write and read workloads, each with the target ratio of issue 7. */
final class Workloads {
    static final String ITEM_TABLE = "CREATE TABLE IF NOT EXISTS item(id INTEGER PRIMARY KEY, name TEXT, qty INTEGER, price REAL, note TEXT, category INTEGER)";
    static final String INSERT_ITEM = "INSERT INTO item(id, name, qty, price, note, category) VALUES (?, ?, ?, ?, ?, ?)";
    static final int CATEGORIES = 1_000;
    static final double AUTOCOMMIT_TARGET = 1.3;
    static final double BULK_TARGET = 1.5;
    static final double READ_TARGET = 1.05;
    /** SQLite empties a table without triggers at once; capture adds one entry and lifts its delete trigger meanwhile. */
    static final double DELETE_ALL_TARGET = 2.0;
    /** A migration's rebuild carries the versions over (snapshot, compare, discard the copy's capture): a few passes. */
    static final double REBUILD_TARGET = 4.0;
    private static final int WIDE_COLUMNS = 20;
    /** Keeps results observable so the JIT cannot drop the reads. */
    private static volatile long sink;

    private Workloads() {
    }

    static void bindItem(PreparedStatement ps, long id) throws SQLException {
        ps.setLong(1, id);
        ps.setString(2, "item " + id);
        ps.setLong(3, id % 97);
        ps.setDouble(4, id * 0.25);
        ps.setString(5, "note for item number " + id);
        ps.setLong(6, id % CATEGORIES);
    }

    static List<PairedCase> writes(Sizes s) {
        int n = s.autocommitRows();
        int total = s.warmup() + s.rounds();
        PairedCase.Step itemTable = c -> Databases.exec(c, ITEM_TABLE);
        return List.of(
                new PairedCase("autocommit INSERT (1 row)", AUTOCOMMIT_TARGET, n, itemTable, (c, r) -> {
                    try (PreparedStatement ps = c.prepareStatement(INSERT_ITEM)) {
                        for (long id = (long) r * n; id < (long) (r + 1) * n; id++) {
                            bindItem(ps, id);
                            ps.executeUpdate();
                        }
                    }
                }),
                new PairedCase("autocommit UPDATE (1 row, 1 column)", AUTOCOMMIT_TARGET, n, c -> {
                    itemTable.run(c);
                    Databases.insertItems(c, 0, n);
                }, (c, r) -> {
                    try (PreparedStatement ps = c.prepareStatement("UPDATE item SET qty = ? WHERE id = ?")) {
                        for (int id = 0; id < n; id++) {
                            ps.setLong(1, r * 1000L + id);
                            ps.setLong(2, id);
                            ps.executeUpdate();
                        }
                    }
                }),
                new PairedCase("autocommit DELETE (1 row)", AUTOCOMMIT_TARGET, n, c -> {
                    itemTable.run(c);
                    Databases.insertItems(c, 0, n * total);
                }, (c, r) -> {
                    try (PreparedStatement ps = c.prepareStatement("DELETE FROM item WHERE id = ?")) {
                        for (long id = (long) r * n; id < (long) (r + 1) * n; id++) {
                            ps.setLong(1, id);
                            ps.executeUpdate();
                        }
                    }
                }),
                new PairedCase(s.txRows() / 1000 + "k INSERTs in one transaction", BULK_TARGET, s.txRows(), itemTable, (c, r) -> {
                    c.setAutoCommit(false);
                    try (PreparedStatement ps = c.prepareStatement(INSERT_ITEM)) {
                        for (long id = (long) r * s.txRows(); id < (long) (r + 1) * s.txRows(); id++) {
                            bindItem(ps, id);
                            ps.executeUpdate();
                        }
                    }
                    c.commit();
                    c.setAutoCommit(true);
                }),
                new PairedCase("batched INSERT (executeBatch of 1000, " + s.txRows() / 1000 + "k rows, one tx)", BULK_TARGET, s.txRows(), itemTable,
                        (c, r) -> Databases.insertItems(c, (long) r * s.txRows(), s.txRows())),
                new PairedCase("20-column rows: UPDATE 1 column (" + s.wideRows() / 1000 + "k rows, one tx)", BULK_TARGET, s.wideRows(), c -> seedWide(c, s.wideRows()),
                        (c, r) -> {
                            c.setAutoCommit(false);
                            try (PreparedStatement ps = c.prepareStatement("UPDATE wide SET c7 = ? WHERE id = ?")) {
                                for (int id = 0; id < s.wideRows(); id++) {
                                    ps.setLong(1, r * 1_000_000L + id);
                                    ps.setLong(2, id);
                                    ps.executeUpdate();
                                }
                            }
                            c.commit();
                            c.setAutoCommit(true);
                        }),
                new PairedCase("autocommit Statement.executeUpdate(String) UPDATE (1 row)", AUTOCOMMIT_TARGET, n, c -> {
                    itemTable.run(c);
                    Databases.insertItems(c, 0, n);
                }, (c, r) -> {
                    // the plain-Statement path: xerial counts total_changes() here, so the driver must take its own trigger writes off
                    try (Statement st = c.createStatement()) {
                        for (int id = 0; id < n; id++) st.executeUpdate("UPDATE item SET qty = " + (r * 1000L + id) + " WHERE id = " + id);
                    }
                }),
                new PairedCase("DELETE FROM t of every row (" + s.rebuildRows() / 1000 + "k rows, one statement)", DELETE_ALL_TARGET, s.rebuildRows(), itemTable,
                        (c, r) -> Databases.insertItems(c, 0, s.rebuildRows()), (c, r) -> {
                            try (Statement st = c.createStatement()) {
                                if (st.executeUpdate("DELETE FROM item") != s.rebuildRows()) throw new IllegalStateException("DELETE FROM item: wrong count");
                            }
                        }));
    }

    static List<PairedCase> reads(Sizes s) {
        int rows = s.readRows();
        PairedCase.Step seed = c -> {
            Databases.exec(c, ITEM_TABLE, "CREATE TABLE IF NOT EXISTS category(id INTEGER PRIMARY KEY, name TEXT)");
            Databases.insertItems(c, 0, rows);
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO category(id, name) VALUES (?, ?)")) {
                for (int id = 0; id < CATEGORIES; id++) {
                    ps.setInt(1, id);
                    ps.setString(2, "category " + id);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            c.commit();
            c.setAutoCommit(true);
        };
        int points = 20_000;
        int scans = 200;
        int joins = 100;
        return List.of(
                new PairedCase("point SELECT by key", READ_TARGET, points, seed, (c, r) -> {
                    SplittableRandom random = new SplittableRandom(r);
                    long sum = 0;
                    try (PreparedStatement ps = c.prepareStatement("SELECT name, qty, price, note FROM item WHERE id = ?")) {
                        for (int i = 0; i < points; i++) {
                            ps.setLong(1, random.nextInt(rows));
                            try (ResultSet rs = ps.executeQuery()) {
                                if (rs.next()) sum += rs.getLong(2) + rs.getString(1).length();
                            }
                        }
                    }
                    consume(sum);
                }),
                new PairedCase("range scan (1000 rows)", READ_TARGET, scans, seed, (c, r) -> {
                    SplittableRandom random = new SplittableRandom(r);
                    long sum = 0;
                    try (PreparedStatement ps = c.prepareStatement("SELECT id, name, qty, price, note FROM item WHERE id BETWEEN ? AND ?")) {
                        for (int i = 0; i < scans; i++) {
                            long from = random.nextInt(rows - 1000);
                            ps.setLong(1, from);
                            ps.setLong(2, from + 999);
                            try (ResultSet rs = ps.executeQuery()) {
                                while (rs.next()) sum += rs.getLong(1) + rs.getLong(3) + rs.getString(2).length() + rs.getString(5).length();
                            }
                        }
                    }
                    consume(sum);
                }),
                new PairedCase("join + GROUP BY (5000 rows x 1000 categories)", READ_TARGET, joins, seed, (c, r) -> {
                    SplittableRandom random = new SplittableRandom(r);
                    double sum = 0;
                    try (PreparedStatement ps = c.prepareStatement("SELECT c.name, count(*), sum(i.price) FROM item i JOIN category c ON c.id = i.category"
                            + " WHERE i.id BETWEEN ? AND ? GROUP BY c.id")) {
                        for (int i = 0; i < joins; i++) {
                            long from = random.nextInt(rows - 5000);
                            ps.setLong(1, from);
                            ps.setLong(2, from + 4999);
                            try (ResultSet rs = ps.executeQuery()) {
                                while (rs.next()) sum += rs.getLong(2) + rs.getDouble(3) + rs.getString(1).length();
                            }
                        }
                    }
                    consume((long) sum);
                }));
    }

    private static void seedWide(Connection c, int rows) throws SQLException {
        StringBuilder ddl = new StringBuilder("CREATE TABLE wide(id INTEGER PRIMARY KEY");
        StringBuilder insert = new StringBuilder("INSERT INTO wide VALUES (?");
        for (int i = 1; i <= WIDE_COLUMNS; i++) {
            ddl.append(", c").append(i).append(i % 2 == 0 ? " TEXT" : " INTEGER");
            insert.append(", ?");
        }
        Databases.exec(c, ddl.append(")").toString());
        c.setAutoCommit(false);
        try (PreparedStatement ps = c.prepareStatement(insert.append(")").toString())) {
            for (int id = 0; id < rows; id++) {
                ps.setInt(1, id);
                for (int i = 1; i <= WIDE_COLUMNS; i++) {
                    if (i % 2 == 0) ps.setString(i + 1, "value " + i + " of row " + id);
                    else ps.setLong(i + 1, (long) id * i);
                }
                ps.addBatch();
            }
            ps.executeBatch();
        }
        c.commit();
        c.setAutoCommit(true);
    }

    private static void consume(long value) {
        sink += value;
    }

    /**
     * A table rebuild as migration tools emit it on SQLite (create new, copy, drop old, rename; one transaction) over
     * {@code rows} rows: the driver snapshots the old table and carries every row's versions over. Each round leaves
     * the table as it found it, ready for the next.
     */
    static List<PairedCase> schema(Sizes s) {
        int n = s.rebuildRows();
        return List.of(new PairedCase("table rebuild (" + n + " rows, one transaction)", REBUILD_TARGET, n, c -> {
            Databases.exec(c, ITEM_TABLE);
            Databases.insertItems(c, 0, n);
        }, (c, r) -> {
            c.setAutoCommit(false);
            Databases.exec(c, "CREATE TABLE item_new(id INTEGER PRIMARY KEY, name TEXT, qty INTEGER, price REAL, note TEXT, category INTEGER)");
            Databases.exec(c, "INSERT INTO item_new SELECT id, name, qty, price, note, category FROM item");
            Databases.exec(c, "DROP TABLE item");
            Databases.exec(c, "ALTER TABLE item_new RENAME TO item");
            c.commit();
            c.setAutoCommit(true);
        }));
    }
}
