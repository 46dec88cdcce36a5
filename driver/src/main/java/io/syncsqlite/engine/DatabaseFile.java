package io.syncsqlite.engine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;

/**
 * The file SQLite actually opens for a URL's database part, so every spelling of one file — a relative path, a
 * symlink, {@code file:}, {@code file://localhost/…} and percent-encoded URIs — maps to one replica and one engine.
 */
final class DatabaseFile {
    private DatabaseFile() {
    }

    /** The canonical path of {@code target} (a path or an SQLite {@code file:} URI), symlinks resolved. */
    static Path of(String target) throws SQLException {
        String path = target;
        if (path.regionMatches(true, 0, "file:", 0, 5)) path = uriPath(path.substring(5), target);
        return real(Path.of(path).toAbsolutePath().normalize());
    }

    /** SQLite's URI rules: query and fragment dropped, authority empty or {@code localhost}, %XX decoded. */
    private static String uriPath(String rest, String target) throws SQLException {
        int end = rest.length();
        for (char stop : new char[] {'?', '#'}) {
            int i = rest.indexOf(stop);
            if (i >= 0 && i < end) end = i;
        }
        String path = rest.substring(0, end);
        if (path.startsWith("//")) {
            int slash = path.indexOf('/', 2);
            String authority = slash < 0 ? path.substring(2) : path.substring(2, slash);
            if (!authority.isEmpty() && !authority.equalsIgnoreCase("localhost")) {
                throw new SQLException("invalid uri authority '" + authority + "' in " + target + ": SQLite accepts only an empty one or localhost", "08001");
            }
            path = slash < 0 ? "" : path.substring(slash);
        }
        return percentDecode(path, target);
    }

    private static String percentDecode(String s, String target) throws SQLException {
        if (s.indexOf('%') < 0) return s;
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '%' && i + 2 < bytes.length) {
                int hi = Character.digit(bytes[i + 1], 16);
                int lo = Character.digit(bytes[i + 2], 16);
                if (hi < 0 || lo < 0) throw new SQLException("Malformed percent-encoding in " + target, "08001");
                out.write(hi * 16 + lo);
                i += 2;
            } else {
                out.write(bytes[i]);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Resolves symlinks in the file, or in its folder while the file does not exist yet. */
    private static Path real(Path p) throws SQLException {
        try {
            if (Files.exists(p)) return p.toRealPath();
            Path parent = p.getParent();
            if (parent != null && Files.isDirectory(parent)) return parent.toRealPath().resolve(p.getFileName());
            return p;
        } catch (IOException e) {
            throw new SQLException("Cannot resolve the database file " + p + ": " + e.getMessage(), "08001", e);
        }
    }
}
