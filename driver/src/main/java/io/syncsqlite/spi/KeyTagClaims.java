package io.syncsqlite.spi;

import java.util.OptionalInt;

/** The order in which a coordinator hands out key block tags ({@link Transport#claimKeyTag}): the wish, then the lowest free. */
public final class KeyTagClaims {
    /** Tags are 1 … {@code LAST}: a key {@code tag * 2^20 + seq} stays below 2^31. */
    public static final int LAST = 2047;

    private KeyTagClaims() {
    }

    /** Tries to take one tag atomically for the claiming site: true when it is now (or already was) that site's. */
    @FunctionalInterface
    public interface Taker<E extends Exception> {
        boolean take(int tag) throws E;
    }

    /** The tag taken: {@code wish} if {@code taker} gets it (a wish outside 1 … {@link #LAST} is ignored), else the lowest it gets. */
    public static <E extends Exception> OptionalInt claim(int wish, Taker<E> taker) throws E {
        if (wish >= 1 && wish <= LAST && taker.take(wish)) return OptionalInt.of(wish);
        for (int tag = 1; tag <= LAST; tag++) if (tag != wish && taker.take(tag)) return OptionalInt.of(tag);
        return OptionalInt.empty();
    }
}
