package io.syncsqlite.capture;

/** SQL text helpers: every identifier the driver writes goes through {@link #quote}. */
public final class Sql {
    /** Prefix of every table, index and trigger the driver owns. */
    public static final String PREFIX = "_syncsqlite_";

    /**
     * Orders identifiers as SQLite compares them: case-insensitively for ASCII letters only ({@code Users} is
     * {@code users}, but {@code É} is not {@code é}).
     */
    public static final java.util.Comparator<String> IDENTIFIER_ORDER = Sql::compareIdentifiers;

    private Sql() {
    }

    /** Whether two identifiers name the same table or column in SQLite. */
    public static boolean sameIdentifier(String a, String b) {
        return a.length() == b.length() && compareIdentifiers(a, b) == 0;
    }

    private static int compareIdentifiers(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            int d = foldAscii(a.charAt(i)) - foldAscii(b.charAt(i));
            if (d != 0) return d;
        }
        return a.length() - b.length();
    }

    private static char foldAscii(char ch) {
        return ch >= 'A' && ch <= 'Z' ? (char) (ch + ('a' - 'A')) : ch;
    }

    public static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    public static boolean isInternal(String name) {
        return name != null && name.regionMatches(true, 0, PREFIX, 0, PREFIX.length());
    }
}
