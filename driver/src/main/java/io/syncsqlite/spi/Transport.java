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
