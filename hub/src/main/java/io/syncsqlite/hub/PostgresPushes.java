package io.syncsqlite.hub;

import io.syncsqlite.change.Change;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Stores pushes in an open PostgreSQL transaction in two round trips, however many pushes there are (pgjdbc sends
 * the statements of one query string together, with one sync). The first, for every push in order: creates and
 * locks its namespace's row (held to commit: sequences are allocated under it, see {@link PostgresHubStore}), records
 * its batch id (nothing recorded: a retry), reads the stored versions of its rows and allocates a sequence for each of
 * them. The merge runs here; the second writes every push's rows that won (new ones in one INSERT, moved ones in one
 * UPDATE over arrays of the rows, {@code unnest}) and its namespace's head. A later push of the same namespace
 * follows the earlier ones: it merges over what they wrote and its sequences come after theirs. Numbers allocated for
 * rows that win nothing stay unused (cursors only need to grow). Any failure fails them all: the caller rolls back.
 */
final class PostgresPushes {
    private static final String START = "INSERT INTO hub_namespaces(ns, head) VALUES (?, 0) ON CONFLICT (ns) DO NOTHING;"
            + " SELECT head FROM hub_namespaces WHERE ns = ? FOR UPDATE;"
            + " INSERT INTO hub_batches(ns, site, batch, n) SELECT ns, ?, ?, head + 1 FROM hub_namespaces WHERE ns = ? ON CONFLICT DO NOTHING;"
            + " SELECT r.tbl, r.pk, r.seq, r.cells FROM unnest(?::text[], ?::text[]) AS k(tbl, pk) JOIN hub_rows r ON r.ns = ? AND r.tbl = k.tbl AND r.pk = k.pk;"
            + " SELECT nextval('hub_seq') FROM generate_series(1, ?);";
    private static final String WRITE = "INSERT INTO hub_rows(ns, seq, tbl, pk, n, cells)"
            + " SELECT ?, u.seq, u.tbl, u.pk, u.n, u.cells FROM unnest(?::bigint[], ?::text[], ?::text[], ?::integer[], ?::bytea[]) AS u(seq, tbl, pk, n, cells);"
            + " UPDATE hub_rows r SET seq = u.seq, n = u.n, cells = u.cells"
            + " FROM unnest(?::bigint[], ?::text[], ?::text[], ?::integer[], ?::bytea[], ?::bigint[]) AS u(seq, tbl, pk, n, cells, old_seq)"
            + " WHERE r.ns = ? AND r.seq = u.old_seq AND r.tbl = u.tbl AND r.pk = u.pk;"
            + " UPDATE hub_namespaces SET head = ? WHERE ns = ?;";

    /** What the first round trip found for one push. */
    private record Found(long head, boolean duplicate, Map<List<String>, StoredRows.Stored> stored, long[] seqs) {
    }

    /** One push's rows to write. */
    private record Rows(String ns, RowArrays inserts, RowArrays updates, long head) {
    }

    private PostgresPushes() {
    }

    /** Stores {@code pushes}, in order, in {@code c}'s open transaction; their outcomes in the same order. */
    static List<HubStore.PushOutcome> store(Connection c, List<HubStore.Push> pushes) throws SQLException {
        List<List<PushedRow>> rows = new ArrayList<>(pushes.size());
        for (HubStore.Push p : pushes) rows.add(PushedRow.group(p.changes().changes()));
        List<Found> found = find(c, pushes, rows);
        List<HubStore.PushOutcome> out = new ArrayList<>(pushes.size());
        List<Rows> writes = new ArrayList<>();
        Map<String, Long> heads = new HashMap<>();
        // rows written by earlier pushes of this group: a later one merges over them, and moves them from there
        Map<List<String>, StoredRows.Stored> written = new HashMap<>();
        for (int i = 0; i < pushes.size(); i++) {
            HubStore.Push p = pushes.get(i);
            Found f = found.get(i);
            long previous = heads.getOrDefault(p.ns(), f.head());
            if (f.duplicate()) {
                out.add(new HubStore.PushOutcome(true, p.changes().size(), 0, previous, previous, List.of()));
                continue;
            }
            Map<PushedRow, StoredRows.Stored> stored = new HashMap<>();
            for (PushedRow r : rows.get(i)) {
                List<String> key = List.of(p.ns(), r.table(), r.pk());
                StoredRows.Stored s = written.containsKey(key) ? written.get(key) : f.stored().get(key);
                if (s != null) stored.put(r, s);
            }
            List<Change> accepted = new ArrayList<>();
            List<RowWrites.Write> won = RowWrites.merge(rows.get(i), stored, accepted);
            long seq = previous;
            if (!won.isEmpty()) {
                RowArrays inserts = new RowArrays(won.size());
                RowArrays updates = new RowArrays(won.size());
                for (int w = 0; w < won.size(); w++) {
                    RowWrites.Write write = won.get(w);
                    long at = f.seqs()[w];
                    byte[] cells = (write.oldSeq() == null ? inserts : updates).add(write, at);
                    written.put(List.of(p.ns(), write.row().table(), write.row().pk()), new StoredRows.Stored(at, cells));
                }
                seq = f.seqs()[won.size() - 1];
                heads.put(p.ns(), seq);
                writes.add(new Rows(p.ns(), inserts, updates, seq));
            }
            out.add(new HubStore.PushOutcome(false, p.changes().size(), accepted.size(), seq, previous, accepted));
        }
        write(c, writes);
        return out;
    }

    /** The first round trip: every push's lock, batch id, stored rows and sequences. */
    private static List<Found> find(Connection c, List<HubStore.Push> pushes, List<List<PushedRow>> rows) throws SQLException {
        List<Found> out = new ArrayList<>(pushes.size());
        try (PreparedStatement ps = c.prepareStatement(START.repeat(pushes.size()))) {
            int at = 1;
            for (int i = 0; i < pushes.size(); i++) {
                HubStore.Push p = pushes.get(i);
                List<PushedRow> pushed = rows.get(i);
                String[] tables = new String[pushed.size()];
                String[] pks = new String[pushed.size()];
                for (int r = 0; r < pushed.size(); r++) {
                    tables[r] = pushed.get(r).table();
                    pks[r] = pushed.get(r).pk();
                }
                ps.setString(at++, p.ns());
                ps.setString(at++, p.ns());
                ps.setString(at++, p.changes().origin());
                ps.setString(at++, p.batchId());
                ps.setString(at++, p.ns());
                ps.setArray(at++, c.createArrayOf("text", tables));
                ps.setArray(at++, c.createArrayOf("text", pks));
                ps.setString(at++, p.ns());
                ps.setInt(at++, pushed.size());
            }
            ps.execute();
            for (int i = 0; i < pushes.size(); i++) {
                if (i > 0) ps.getMoreResults(); // the namespace's row
                ps.getMoreResults();
                long head;
                try (ResultSet rs = ps.getResultSet()) {
                    rs.next();
                    head = rs.getLong(1);
                }
                ps.getMoreResults();
                boolean duplicate = ps.getUpdateCount() == 0;
                ps.getMoreResults();
                Map<List<String>, StoredRows.Stored> stored = new HashMap<>();
                try (ResultSet rs = ps.getResultSet()) {
                    while (rs.next()) stored.put(List.of(pushes.get(i).ns(), rs.getString(1), rs.getString(2)), new StoredRows.Stored(rs.getLong(3), rs.getBytes(4)));
                }
                ps.getMoreResults();
                long[] seqs = new long[rows.get(i).size()];
                try (ResultSet rs = ps.getResultSet()) {
                    for (int s = 0; s < seqs.length && rs.next(); s++) seqs[s] = rs.getLong(1);
                }
                Arrays.sort(seqs);
                out.add(new Found(head, duplicate, stored, seqs));
            }
        }
        return out;
    }

    /** The second round trip: every push's rows and head, in push order. */
    private static void write(Connection c, List<Rows> writes) throws SQLException {
        if (writes.isEmpty()) return;
        try (PreparedStatement ps = c.prepareStatement(WRITE.repeat(writes.size()))) {
            int at = 1;
            for (Rows w : writes) {
                ps.setString(at++, w.ns());
                at = w.inserts().bind(c, ps, at);
                at = w.updates().bind(c, ps, at);
                ps.setArray(at++, c.createArrayOf("bigint", Arrays.copyOf(w.updates().oldSeqs, w.updates().size)));
                ps.setString(at++, w.ns());
                ps.setLong(at++, w.head());
                ps.setString(at++, w.ns());
            }
            ps.execute();
            for (int i = 0; i < writes.size(); i++) {
                if (i > 0) ps.getMoreResults(); // the inserts
                ps.getMoreResults();
                if (ps.getUpdateCount() != writes.get(i).updates().size) {
                    throw new SQLException("a hub store row moved during a push in namespace " + writes.get(i).ns(), "XX001");
                }
                ps.getMoreResults(); // the head
            }
        }
    }

    /** The columns of rows to write, as arrays bound to one statement. */
    static final class RowArrays {
        final Long[] seqs;
        final String[] tables;
        final String[] pks;
        final Integer[] counts;
        final byte[][] cells;
        final Long[] oldSeqs;
        int size;

        RowArrays(int capacity) {
            seqs = new Long[capacity];
            tables = new String[capacity];
            pks = new String[capacity];
            counts = new Integer[capacity];
            cells = new byte[capacity][];
            oldSeqs = new Long[capacity];
        }

        /** Adds {@code w} to be written at {@code seq}; returns its cells as stored. */
        byte[] add(RowWrites.Write w, long seq) {
            seqs[size] = seq;
            tables[size] = w.row().table();
            pks[size] = w.row().pk();
            counts[size] = w.cells().size();
            cells[size] = StoredRow.encode(w.cells());
            oldSeqs[size] = w.oldSeq();
            return cells[size++];
        }

        /** Binds seq, tbl, pk, n and cells from parameter {@code first} on; returns the next parameter. */
        int bind(Connection c, PreparedStatement ps, int first) throws SQLException {
            ps.setArray(first, c.createArrayOf("bigint", Arrays.copyOf(seqs, size)));
            ps.setArray(first + 1, c.createArrayOf("text", Arrays.copyOf(tables, size)));
            ps.setArray(first + 2, c.createArrayOf("text", Arrays.copyOf(pks, size)));
            ps.setArray(first + 3, c.createArrayOf("integer", Arrays.copyOf(counts, size)));
            ps.setArray(first + 4, c.createArrayOf("bytea", Arrays.copyOf(cells, size)));
            return first + 5;
        }
    }
}
