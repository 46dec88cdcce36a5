package io.syncsqlite.hub;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The statements a push runs on {@code hub_rows}, prepared once on the store's writer connection: stored rows are
 * looked up many keys per statement, and each row that won something is written with one statement.
 */
final class StoredRows implements AutoCloseable {
    /**
     * Keys per lookup statement, one statement per size: a chunk takes the smallest that holds it, repeating its last
     * key (IN ignores repeats), so a push of one row binds one key, not 256.
     */
    private static final int[] LOOKUP_KEYS = {1, 16, 256};

    /** A row as stored: the sequence of the push that last won any of its cells, and its cells ({@link StoredRow}). */
    record Stored(long seq, byte[] cells) {
    }

    private final PreparedStatement[] lookups = new PreparedStatement[LOOKUP_KEYS.length];
    private final PreparedStatement insert;
    private final PreparedStatement update;

    StoredRows(Connection writer) throws SQLException {
        for (int n = 0; n < LOOKUP_KEYS.length; n++) {
            StringBuilder in = new StringBuilder("?3");
            for (int i = 1; i < LOOKUP_KEYS[n]; i++) in.append(", ?").append(i + 3);
            // without statistics the planner would rather scan the namespace in sequence order than probe the key index
            lookups[n] = writer.prepareStatement("SELECT pk, seq, cells FROM hub_rows INDEXED BY hub_rows_key WHERE ns = ?1 AND tbl = ?2 AND pk IN (" + in + ")");
        }
        insert = writer.prepareStatement("INSERT INTO hub_rows(ns, seq, tbl, pk, n, cells) VALUES (?, ?, ?, ?, ?, ?)");
        update = writer.prepareStatement("UPDATE hub_rows SET seq = ?, n = ?, cells = ? WHERE ns = ? AND seq = ? AND tbl = ? AND pk = ?");
    }

    /** The stored versions of those of {@code rows} that {@code ns} holds. */
    Map<PushedRow, Stored> read(String ns, List<PushedRow> rows) throws SQLException {
        Map<String, List<PushedRow>> byTable = new LinkedHashMap<>();
        for (PushedRow r : rows) byTable.computeIfAbsent(r.table(), t -> new ArrayList<>()).add(r);
        Map<PushedRow, Stored> out = new HashMap<>();
        for (Map.Entry<String, List<PushedRow>> e : byTable.entrySet()) {
            List<PushedRow> all = e.getValue();
            int most = LOOKUP_KEYS[LOOKUP_KEYS.length - 1];
            for (int from = 0; from < all.size(); from += most) {
                List<PushedRow> chunk = all.subList(from, Math.min(all.size(), from + most));
                Map<String, PushedRow> byPk = new HashMap<>();
                for (PushedRow r : chunk) byPk.put(r.pk(), r);
                int size = 0;
                while (LOOKUP_KEYS[size] < chunk.size()) size++;
                PreparedStatement lookup = lookups[size];
                lookup.setString(1, ns);
                lookup.setString(2, e.getKey());
                for (int i = 0; i < LOOKUP_KEYS[size]; i++) lookup.setString(i + 3, chunk.get(Math.min(i, chunk.size() - 1)).pk());
                try (ResultSet rs = lookup.executeQuery()) {
                    while (rs.next()) out.put(byPk.get(rs.getString(1)), new Stored(rs.getLong(2), rs.getBytes(3)));
                }
            }
        }
        return out;
    }

    /** Stores a row {@code ns} does not hold yet; {@code pk} as {@link PushedRow#pk()}. */
    void insert(String ns, String table, String pk, long seq, List<StoredRow.Cell> cells) throws SQLException {
        insert.setString(1, ns);
        insert.setLong(2, seq);
        insert.setString(3, table);
        insert.setString(4, pk);
        insert.setInt(5, cells.size());
        insert.setBytes(6, StoredRow.encode(cells));
        insert.executeUpdate();
    }

    /** Moves the row stored at {@code oldSeq} to {@code seq} with its merged {@code cells}. */
    void update(String ns, PushedRow row, long oldSeq, long seq, List<StoredRow.Cell> cells) throws SQLException {
        update.setLong(1, seq);
        update.setInt(2, cells.size());
        update.setBytes(3, StoredRow.encode(cells));
        update.setString(4, ns);
        update.setLong(5, oldSeq);
        update.setString(6, row.table());
        update.setString(7, row.pk());
        if (update.executeUpdate() != 1) throw new SQLException("hub store row " + row.table() + " " + row.pk() + " moved during a push", "XX001");
    }

    @Override
    public void close() throws SQLException {
        for (PreparedStatement lookup : lookups) lookup.close();
        insert.close();
        update.close();
    }
}
