package io.syncsqlite.tck;

import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/** BLOBs and large TEXT: sizes from empty to several MB, bytes, streams, Blob/Clob objects, and SQL functions on them. */
class LobsTck extends TckSuite {
    static Stream<Case> cases() {
        List<Case> cases = new ArrayList<>();
        for (int size : new int[] {0, 1, 255, 4096, 65537, 1 << 20, 5 << 20}) {
            cases.add(Case.of("blob of " + size + " bytes via setBytes", (c, t) -> {
                byte[] data = pattern(size);
                exec(c, "CREATE TABLE lob(id TEXT PRIMARY KEY, b BLOB, s TEXT)");
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO lob(id, b) VALUES ('k', ?)")) {
                    ps.setBytes(1, data);
                    t.add("insert", ps::executeUpdate);
                }
                try (PreparedStatement ps = c.prepareStatement("SELECT b, length(b), typeof(b) FROM lob"); ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    t.add("bytes digest", () -> digest(rs.getBytes(1)));
                    t.add("equal", () -> Arrays.equals(data, rs.getBytes(1)));
                    t.add("stream digest", () -> rs.getBinaryStream(1) == null ? null : digest(rs.getBinaryStream(1).readAllBytes()));
                    t.add("length", () -> rs.getLong(2));
                    t.add("typeof", () -> rs.getString(3));
                    t.add("getBlob", () -> rs.getBlob(1));
                }
            }));
            cases.add(Case.of("text of " + size + " chars via setString", (c, t) -> {
                String text = "ü☃a".repeat(size / 3 + 1).substring(0, size);
                exec(c, "CREATE TABLE lob(id TEXT PRIMARY KEY, b BLOB, s TEXT)");
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO lob(id, s) VALUES ('k', ?)")) {
                    ps.setString(1, text);
                    t.add("insert", ps::executeUpdate);
                }
                try (PreparedStatement ps = c.prepareStatement("SELECT s, length(s), length(CAST(s AS BLOB)) FROM lob"); ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    t.add("equal", () -> text.equals(rs.getString(1)));
                    t.add("digest", () -> digest(rs.getString(1).getBytes(StandardCharsets.UTF_8)));
                    t.add("chars", () -> rs.getLong(2));
                    t.add("bytes", () -> rs.getLong(3));
                    t.add("getClob", () -> rs.getClob(1));
                }
            }));
        }
        cases.add(Case.of("blob via streams of known and unknown length", (c, t) -> {
            exec(c, "CREATE TABLE lob(id TEXT PRIMARY KEY, b BLOB, s TEXT)");
            byte[] data = pattern(100_000);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO lob(id, b) VALUES (?, ?)")) {
                ps.setString(1, "a");
                t.run("stream", () -> ps.setBinaryStream(2, new ByteArrayInputStream(data)));
                t.add("insert", ps::executeUpdate);
                ps.setString(1, "b");
                t.run("stream len", () -> ps.setBinaryStream(2, new ByteArrayInputStream(data), 1000));
                t.add("insert", ps::executeUpdate);
                ps.setString(1, "c");
                t.run("stream long len", () -> ps.setBinaryStream(2, new ByteArrayInputStream(data), 10L));
                t.add("insert", ps::executeUpdate);
                ps.setString(1, "d");
                t.run("setBlob stream", () -> ps.setBlob(2, new ByteArrayInputStream(data)));
                t.add("insert", ps::executeUpdate);
            }
            t.query(c, "SELECT id, length(b) FROM lob ORDER BY id");
        }));
        cases.add(Case.of("text via readers", (c, t) -> {
            exec(c, "CREATE TABLE lob(id TEXT PRIMARY KEY, b BLOB, s TEXT)");
            String text = "reader ☃ ".repeat(10_000);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO lob(id, s) VALUES (?, ?)")) {
                ps.setString(1, "a");
                t.run("reader", () -> ps.setCharacterStream(2, new StringReader(text)));
                t.add("insert", ps::executeUpdate);
                ps.setString(1, "b");
                t.run("reader len", () -> ps.setCharacterStream(2, new StringReader(text), 6));
                t.add("insert", ps::executeUpdate);
                ps.setString(1, "c");
                t.run("setClob reader", () -> ps.setClob(2, new StringReader(text)));
                t.add("insert", ps::executeUpdate);
            }
            t.query(c, "SELECT id, length(s) FROM lob ORDER BY id");
        }));
        cases.add(Case.of("blob functions and comparisons", (c, t) -> {
            exec(c, "CREATE TABLE lob(id TEXT PRIMARY KEY, b BLOB, s TEXT)", "INSERT INTO lob VALUES ('a', x'0102ff', 'x'), ('b', zeroblob(10), 'y')");
            t.query(c, "SELECT id, hex(b), length(b), b = x'0102ff', substr(b, 2, 1) FROM lob ORDER BY id");
            exec(c, "UPDATE lob SET b = b || x'00' WHERE id = 'a'");
            t.query(c, "SELECT hex(b) FROM lob WHERE id = 'a'");
        }));
        cases.add(Case.of("updating a large blob in place", (c, t) -> {
            exec(c, "CREATE TABLE lob(id TEXT PRIMARY KEY, b BLOB, s TEXT)");
            try (PreparedStatement ps = c.prepareStatement("INSERT OR REPLACE INTO lob(id, b) VALUES ('k', ?)")) {
                ps.setBytes(1, pattern(2 << 20));
                t.add("first", ps::executeUpdate);
                ps.setBytes(1, pattern(3 << 20));
                t.add("replace", ps::executeUpdate);
            }
            t.query(c, "SELECT length(b) FROM lob");
        }));
        return cases.stream();
    }

    static byte[] pattern(int size) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) b[i] = (byte) (i * 31 + (i >> 8));
        return b;
    }

    static String digest(byte[] data) throws Exception {
        return data == null ? null : HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }
}
