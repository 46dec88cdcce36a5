package io.syncsqlite.capture;

/** SQL text helpers: every identifier the driver writes goes through {@link #quote}. */
public final class Sql {
    /** Prefix of every table, index and trigger the driver owns. */
    public static final String PREFIX = "_syncsqlite_";

    private Sql() {
    }

    public static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    public static boolean isInternal(String name) {
        return name != null && name.regionMatches(true, 0, PREFIX, 0, PREFIX.length());
    }
}
