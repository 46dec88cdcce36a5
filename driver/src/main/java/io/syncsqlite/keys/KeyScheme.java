package io.syncsqlite.keys;

import io.syncsqlite.capture.RowidKeySql;

/**
 * How the driver picks {@code INTEGER PRIMARY KEY} values that are unique across replicas (see
 * {@code docs/keys-and-gate.md}).
 *
 * <p><b>Block keys</b> (the default, {@code sync.keys=int}): every replica owns a block of 2^20 keys,
 * {@code tag * 2^20 + seq}, where {@code tag} (1 … 2047) is its <em>block tag</em> and {@code seq} (1 … 2^20 − 1) counts
 * up per table: one more than the highest key of the block among the table's rows and tombstones, so a key is never
 * reused ({@code AUTOINCREMENT} semantics). Every key is below 2^31, so it fits Java's {@code int}: 2047 replicas can
 * each insert 1,048,575 rows into every table. A replica that fills its block in a table goes on in its spill range
 * {@code (2048 + tag) * 2^32 + seq} (beyond {@code int}, still unique and below 2^53); the engine reports an
 * {@code ERROR} event and a log warning once the block is three quarters full ({@link KeyBlocks}).
 * <ul>
 *   <li>The block tag is coordinated through the transport ({@code Transport.claimKeyTag}): the hub hands out the
 *       tags of a namespace, a shared folder hands them out by an atomic create of one file per tag. Two replicas of a
 *       namespace never get the same tag.</li>
 *   <li>Until it has one (never online yet, or a transport that cannot coordinate), a replica uses its
 *       <em>provisional</em> tag: 11 bits of its random site id ({@link #provisionalTag}). It asks for that very tag
 *       first when it coordinates, and keeps it when no other replica has it, so its offline rows need no change. Only
 *       when two replicas chose the same provisional tag and both inserted into the same table before either
 *       coordinated can two rows get one key: for n replicas inserting before their first sync, the chance that two
 *       share a provisional tag is about n²/4094.</li>
 * </ul>
 *
 * <p><b>Wide keys</b> ({@code sync.keys=wide}, the scheme of databases from before block keys): a key is
 * {@code seq * 2^20 + tag}, a positive integer below 2^53 while {@code seq < 2^33}: {@code tag} is the first 20 bits of
 * the random site id; {@code seq} is {@code max(highest seq in the table + 1, seconds since 2025-01-01)}. No
 * coordination, but keys are about 6.4e13 and do not fit {@code int}; replicas sharing a 20-bit tag can collide when
 * they insert within the same seconds (P(some tag shared) ≈ n²/2^21 for n replicas). Keys of both schemes never meet:
 * wide keys are above 2^45, block and spill keys below 2^44, so switching keeps every existing key.
 *
 * <p>Either way the key is computed by SQL inside the INSERT itself ({@link RowidKeySql}), while SQLite holds the write
 * lock, so every connection and process on the file sees the rows inserted before it; the state survives restarts
 * because it <em>is</em> the data. Keys given explicitly by the application are kept as given and are its own
 * responsibility. The driver rewrites INSERTs that leave the key to SQLite ({@code InsertRewriter}), so
 * {@code getGeneratedKeys()} and update counts stay exact; every other insert that leaves it to SQLite (a plain
 * {@code jdbc:sqlite:} connection, the {@code sqlite3} shell, a statement the rewriter cannot parse) meets a capture
 * trigger that inserts the row with a scheme key instead ({@code TriggerSql}).
 */
public final class KeyScheme {
    public static final int TAG_BITS = RowidKeySql.TAG_BITS;
    public static final long TAG_MASK = (1L << TAG_BITS) - 1;
    /** 2025-01-01T00:00:00Z: the time floor of a wide key's {@code seq} counts seconds from here. */
    public static final long EPOCH_SECONDS = RowidKeySql.EPOCH_SECONDS;

    private KeyScheme() {
    }

    /** The wide tag of a site id (hex, as stored in {@code _syncsqlite_sites}). */
    public static long tag(String siteId) {
        return Long.parseLong(siteId.substring(0, 6), 16) >>> 4;
    }

    /** The sequence number of a wide key. */
    public static long seq(long key) {
        return key >>> TAG_BITS;
    }

    /** The wide tag of a wide key. */
    public static long tagOf(long key) {
        return key & TAG_MASK;
    }

    /** The provisional block tag of a site id: 11 bits of it, 1 … 2047 (the same value {@link RowidKeySql#LOCAL_BLOCK_TAG_ROW} computes). */
    public static int provisionalTag(String siteId) {
        return (Integer.parseInt(siteId.substring(0, 3), 16) / 2) % (RowidKeySql.TAGS - 1) + 1;
    }

    /** The block tag of a block key, or of a spill key; -1 for a key of neither kind. */
    public static int blockTagOf(long key) {
        if (key > 0 && key < RowidKeySql.TAGS * RowidKeySql.BLOCK) return (int) (key / RowidKeySql.BLOCK);
        long spillTag = key / RowidKeySql.SPILL - RowidKeySql.TAGS;
        return spillTag > 0 && spillTag < RowidKeySql.TAGS ? (int) spillTag : -1;
    }
}
