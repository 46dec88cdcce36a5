package io.syncsqlite.keys;

import io.syncsqlite.capture.RowidKeySql;

/**
 * How the driver picks {@code INTEGER PRIMARY KEY} values that are unique across replicas without coordination.
 *
 * <p>A key is {@code seq * 2^20 + tag}, a positive integer below 2^53 (exact in JavaScript numbers) while
 * {@code seq < 2^33}:
 * <ul>
 *   <li>{@code tag} (20 bits) is the replica's tag, the first 20 bits of its random 128-bit site id. Two replicas with
 *       different tags can never produce the same key.</li>
 *   <li>{@code seq} (33 bits) is, for every new row, {@code max(highest seq in the table + 1, seconds since
 *       2025-01-01)}. "Highest" covers the live rows and the tombstones of deleted rows (the table's version table),
 *       so a key is never reused, even after the newest row is deleted ({@code AUTOINCREMENT} semantics). Keys
 *       therefore increase on every replica, and roughly follow wall-clock time across replicas.</li>
 * </ul>
 * The value is computed by SQL inside the INSERT itself (see {@link #keySql}), while SQLite holds the write lock, so
 * every connection and every process on the file sees the rows inserted before it: no allocator row to bump, no
 * extra write, and the state survives restarts because it <em>is</em> the data. Lookups are two {@code max()} over
 * b-tree keys, O(log n).
 *
 * <p>Limits: about 8.6e9 sequence values per table; time consumes one per second (2^33 s lasts until the year 2297),
 * inserts consume one each, and a replica catches up with every higher seq it syncs, so the budget is shared by all
 * replicas' inserts. Past it keys stay unique and positive but exceed 2^53 (the scheme holds up to 2^63).
 *
 * <p>Collisions: only replicas sharing a tag can collide. For {@code n} replicas inserting into the same table,
 * P(some tag shared) ≈ 1 − exp(−n(n−1)/2^21): 4e-5 for 10 replicas, 0.12 % for 50, 0.5 % for 100, 38 % for 1000.
 * Even then two rows collide only when both replicas allocate the same seq, i.e. insert within the same seconds
 * (or overlapping bursts) while not yet synced with each other; once synced each continues above the other's keys.
 * Keys given explicitly by the application are kept as given and are the application's responsibility; keys at or
 * above 2^62 are never counted as "highest", so an explicit key near 2^63 does not push later keys out of range.
 *
 * <p>Who picks the key: the driver rewrites INSERTs that leave the key to SQLite ({@code InsertRewriter}), so the
 * application's {@code getGeneratedKeys()} and update counts stay exact; every other insert that leaves it to SQLite
 * (a plain {@code jdbc:sqlite:} connection, the {@code sqlite3} shell, an {@code INSTEAD OF} trigger on a view, a
 * statement the rewriter cannot parse) meets a capture trigger that inserts the row with a scheme key instead (see
 * {@code TriggerSql}). The SQL of a key is {@link RowidKeySql#newKey}.
 */
public final class KeyScheme {
    public static final int TAG_BITS = RowidKeySql.TAG_BITS;
    public static final long TAG_MASK = (1L << TAG_BITS) - 1;
    /** 2025-01-01T00:00:00Z: the time floor of {@code seq} counts seconds from here. */
    public static final long EPOCH_SECONDS = RowidKeySql.EPOCH_SECONDS;

    private KeyScheme() {
    }

    /** The replica tag of a site id (hex, as stored in {@code _syncsqlite_sites}). */
    public static long tag(String siteId) {
        return Long.parseLong(siteId.substring(0, 6), 16) >>> 4;
    }

    public static long seq(long key) {
        return key >>> TAG_BITS;
    }

    public static long tagOf(long key) {
        return key & TAG_MASK;
    }
}
