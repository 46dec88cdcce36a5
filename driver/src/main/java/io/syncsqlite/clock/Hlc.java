package io.syncsqlite.clock;

/**
 * Hybrid logical clock values: 48 bits of Unix milliseconds followed by a 16-bit counter, in one {@code long}.
 * Local writes are stamped inside the capture triggers with {@code max(now, floor, previous + 1)} (see
 * {@link #SQL_NOW}); receiving a remote version raises the stored floor past it.
 */
public final class Hlc {
    /** The current wall-clock HLC computed in plain SQL, so writes from any SQLite tool are stamped alike. */
    public static final String SQL_NOW = "(CAST((julianday() - 2440587.5) * 86400000.0 AS INTEGER) << 16)";

    private Hlc() {
    }

    public static long ofMillis(long millis) {
        return millis << 16;
    }

    public static long millis(long hlc) {
        return hlc >>> 16;
    }

    public static int counter(long hlc) {
        return (int) (hlc & 0xFFFF);
    }

    public static long now() {
        return ofMillis(System.currentTimeMillis());
    }

    public static String format(long hlc) {
        return java.time.Instant.ofEpochMilli(millis(hlc)) + "#" + counter(hlc);
    }
}
