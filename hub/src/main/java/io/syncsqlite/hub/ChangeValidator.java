package io.syncsqlite.hub;

import io.syncsqlite.change.Change;
import io.syncsqlite.change.Changeset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The hub's admission policy for pushed changes, checked for the whole batch before anything is stored: identifiers of
 * a plain shape (letters, digits, {@code _ $ -} and spaces, starting with a letter or {@code _}, at most 128
 * characters, not an SQLite or syncsqlite internal table), and value and key sizes within the caps.
 */
final class ChangeValidator {
    static final int MAX_IDENTIFIER = 128;
    private static final Pattern IDENTIFIER = Pattern.compile("[\\p{L}_][\\p{L}\\p{N}_$ -]{0," + (MAX_IDENTIFIER - 1) + "}");
    private static final int MAX_KEY_BYTES = 4096;

    private final int maxChanges;
    private final int maxValueBytes;

    ChangeValidator(int maxChanges, int maxValueBytes) {
        this.maxChanges = maxChanges;
        this.maxValueBytes = maxValueBytes;
    }

    void check(Changeset cs) throws HttpError {
        if (cs.size() > maxChanges) {
            throw new HttpError(413, "batch holds " + cs.size() + " changes; this hub accepts at most " + maxChanges + " per push");
        }
        int i = 0;
        for (Change c : cs.changes()) {
            identifier(i, "table", c.table());
            if (c.column() != null) identifier(i, "column", c.column());
            int keyBytes = 0;
            for (Object v : c.pk()) {
                if (v == null) throw new HttpError(422, "change " + i + " of table '" + c.table() + "': a primary-key value is NULL");
                keyBytes += size(v);
            }
            if (keyBytes > MAX_KEY_BYTES) {
                throw new HttpError(422, "change " + i + " of table '" + c.table() + "': primary key of " + keyBytes + " bytes exceeds " + MAX_KEY_BYTES);
            }
            if (size(c.value()) > maxValueBytes) {
                throw new HttpError(413, "change " + i + " (" + c.table() + "." + c.column() + "): value of " + size(c.value())
                        + " bytes exceeds this hub's cap of " + maxValueBytes);
            }
            i++;
        }
    }

    private static void identifier(int index, String what, String name) throws HttpError {
        String lower = name.toLowerCase(Locale.ROOT);
        if (!IDENTIFIER.matcher(name).matches() || lower.startsWith("sqlite_") || lower.startsWith("_syncsqlite_")) {
            throw new HttpError(422, "change " + index + ": " + what + " name '" + printable(name) + "' is not accepted (letters, digits, '_', '$', '-' and"
                    + " spaces, starting with a letter or '_', at most " + MAX_IDENTIFIER + " characters, not an internal sqlite_/_syncsqlite_ table)");
        }
    }

    private static int size(Object v) {
        if (v instanceof String s) return s.getBytes(StandardCharsets.UTF_8).length;
        if (v instanceof byte[] b) return b.length;
        return 8;
    }

    /** The name as a log- and message-safe excerpt: control characters escaped, cut at 64 characters. */
    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && i < 64; i++) {
            char ch = s.charAt(i);
            if (ch < 0x20 || ch == 0x7f) b.append(String.format("\\u%04x", (int) ch));
            else b.append(ch);
        }
        return s.length() > 64 ? b + "…" : b.toString();
    }
}
