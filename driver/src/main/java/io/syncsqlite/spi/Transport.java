package io.syncsqlite.spi;

/**
 * Moves changesets between this replica and others. The engine calls {@link #sync} on its own thread, one round at
 * a time; a transport may also receive changes on threads of its own and hand them to {@link SyncSession#apply}.
 */
public interface Transport extends AutoCloseable {
    /**
     * One round: publish what {@link SyncSession#nextLocalBatch()} returns (then {@link SyncSession#published}), and
     * apply what others published. Throwing fails the round; the engine retries it with backoff.
     */
    void sync(SyncSession session) throws Exception;

    /**
     * Grants {@code site} a key block tag, 1 … 2047, that no other site of the namespace holds ({@code KeyScheme}):
     * the tag the site holds already if it has one, else {@code wish} when it is free, else another free one. The
     * engine calls it after each round until a tag is granted (wishing for the site's provisional tag), then once per
     * engine start and after {@link SyncSession#keyTagMayBeLost} (wishing for the tag it holds, which a coordinator that
     * lost its record grants again when it is still free). Empty when the transport cannot coordinate (e.g. a hub too
     * old to grant tags; the replica keeps its tag) or every tag is taken. Throwing fails the round.
     */
    default java.util.OptionalInt claimKeyTag(String site, int wish) throws Exception {
        return java.util.OptionalInt.empty();
    }

    /**
     * True when {@link #claimKeyTag} is local work that never waits on a network (a shared folder, an in-JVM log): the
     * driver then claims a replica's tag as it first needs one, before it keys any row, instead of keying rows with the
     * provisional tag until a round has run. Such a transport is also opened just for that claim.
     */
    default boolean claimsKeyTagsLocally() {
        return false;
    }

    /**
     * Checks, before the replica keys its first row, that the database is not behind what its own {@code site} already
     * published through this transport, reading what the database recorded of that through {@code stored} (the
     * cursors {@link SyncSession#saveCursor} saved). When the shared folder or log holds more of {@code site} than the
     * database knows of, the database is a restored copy of an older state of its site and this throws
     * {@code io.syncsqlite.identity.RestoredCopyException}: the driver makes it a new site before any key is chosen, so
     * no row it inserts takes a key the old site already used. Only asked of transports whose work is local
     * ({@link #claimsKeyTagsLocally}); the engine's first round finds a restore on every transport in any case.
     */
    default void checkNotRestored(String site, StoredCursors stored) throws Exception {
    }

    /** The transport cursors the database holds ({@link SyncSession#cursor}), read before its engine runs. */
    @FunctionalInterface
    interface StoredCursors {
        java.util.Optional<String> cursor(String key) throws java.sql.SQLException;
    }

    /**
     * True when every site this transport knows has seen every change this replica holds now (published or received),
     * and nothing any of them wrote before seeing those changes can still reach this replica. The tombstones of the rows
     * deleted so far are then no longer needed and the engine collects them (see docs/write-cost.md). Called on the
     * engine's thread between rounds, while nothing is published or applied. False (the default) when the transport
     * cannot tell: tombstones are then kept.
     */
    default boolean seenByAll(SyncSession session) throws Exception {
        return false;
    }

    /** Called once when the engine starts, before the first round; live transports start listening here. */
    default void start(SyncSession session) {
    }

    /** True when a local commit should start a round (after {@link #commitDelay()}) rather than wait for the next interval. */
    default boolean pushesOnCommit() {
        return false;
    }

    /**
     * How long after a local commit the round it starts waits, so that a burst of commits goes out in one round (the
     * first commit of a burst is published at most this late). Zero for live transports.
     */
    default java.time.Duration commitDelay() {
        return java.time.Duration.ZERO;
    }

    @Override
    void close();
}
