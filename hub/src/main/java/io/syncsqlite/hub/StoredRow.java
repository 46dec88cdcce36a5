package io.syncsqlite.hub;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The winning cell versions of one row as the hub stores them: one compact byte string per row (the {@code cells} of
 * {@code hub_rows}), so a push reads and writes a row with one statement each and a pull reads it in sequence order
 * without a lookup per cell. SQLite's storage classes survive exactly: INTEGER, REAL, TEXT, BLOB and NULL are tagged.
 * Layout: the row's distinct sites (count, then each), then the cells (count, then per cell: column, site index, hlc,
 * causal length, tagged value); counts, indexes, lengths and causal lengths are unsigned varints.
 */
final class StoredRow {
    /** The column name of the row's existence cell (a change with no column). */
    static final String ROW_CELL = "";

    private static final int NULL = 0;
    private static final int INTEGER = 1;
    private static final int REAL = 2;
    private static final int TEXT = 3;
    private static final int BLOB = 4;

    /** One stored cell version; {@code column} is {@link #ROW_CELL} for the row's existence. */
    record Cell(String column, Object value, long hlc, String site, long cl) {
    }

    private StoredRow() {
    }

    static byte[] encode(List<Cell> cells) {
        Out out = new Out();
        List<String> sites = new ArrayList<>(2);
        for (Cell c : cells) {
            if (!sites.contains(c.site())) sites.add(c.site());
        }
        out.varint(sites.size());
        for (String s : sites) out.text(s);
        out.varint(cells.size());
        for (Cell c : cells) {
            out.text(c.column());
            out.varint(sites.indexOf(c.site()));
            out.fixed64(c.hlc());
            out.varint(c.cl());
            out.value(c.value());
        }
        return out.toByteArray();
    }

    static List<Cell> decode(byte[] bytes) {
        In in = new In(bytes);
        String[] sites = new String[(int) in.varint()];
        for (int i = 0; i < sites.length; i++) sites[i] = in.text();
        int n = (int) in.varint();
        List<Cell> cells = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String column = in.text();
            String site = sites[(int) in.varint()];
            long hlc = in.fixed64();
            long cl = in.varint();
            cells.add(new Cell(column, in.value(), hlc, site, cl));
        }
        return cells;
    }

    /** A growable byte buffer (ByteArrayOutputStream synchronizes every write, which shows at millions of cells). */
    private static final class Out {
        private byte[] buf = new byte[256];
        private int count;

        void write(int b) {
            if (count == buf.length) buf = Arrays.copyOf(buf, buf.length * 2);
            buf[count++] = (byte) b;
        }

        void write(byte[] b, int off, int len) {
            if (count + len > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, count + len));
            System.arraycopy(b, off, buf, count, len);
            count += len;
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buf, count);
        }

        void varint(long v) {
            while ((v & ~0x7FL) != 0) {
                write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            write((int) v);
        }

        void fixed64(long v) {
            for (int shift = 56; shift >= 0; shift -= 8) write((int) (v >>> shift));
        }

        void bytes(byte[] b) {
            varint(b.length);
            write(b, 0, b.length);
        }

        void text(String s) {
            bytes(s.getBytes(StandardCharsets.UTF_8));
        }

        void value(Object v) {
            if (v == null) write(NULL);
            else if (v instanceof Long n) {
                write(INTEGER);
                fixed64(n);
            } else if (v instanceof Double d) {
                write(REAL);
                fixed64(Double.doubleToRawLongBits(d));
            } else if (v instanceof String s) {
                write(TEXT);
                text(s);
            } else if (v instanceof byte[] b) {
                write(BLOB);
                bytes(b);
            } else throw new IllegalArgumentException("not an SQLite value: " + v.getClass().getName());
        }
    }

    private static final class In {
        private final byte[] b;
        private int at;

        In(byte[] b) {
            this.b = b;
        }

        long varint() {
            long v = 0;
            for (int shift = 0; ; shift += 7) {
                int x = b[at++];
                v |= (long) (x & 0x7F) << shift;
                if ((x & 0x80) == 0) return v;
            }
        }

        long fixed64() {
            long v = 0;
            for (int i = 0; i < 8; i++) v = (v << 8) | (b[at++] & 0xFF);
            return v;
        }

        byte[] bytes() {
            int n = (int) varint();
            byte[] out = Arrays.copyOfRange(b, at, at + n);
            at += n;
            return out;
        }

        String text() {
            int n = (int) varint();
            String s = new String(b, at, n, StandardCharsets.UTF_8);
            at += n;
            return s;
        }

        Object value() {
            int tag = b[at++];
            return switch (tag) {
                case NULL -> null;
                case INTEGER -> fixed64();
                case REAL -> Double.longBitsToDouble(fixed64());
                case TEXT -> text();
                case BLOB -> bytes();
                default -> throw new IllegalStateException("hub store row holds an unknown value tag " + tag);
            };
        }
    }
}
