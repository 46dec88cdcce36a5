package io.syncsqlite;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Something the sync engine reports to listeners.
 *
 * @param type    what happened
 * @param message a human-readable description naming what is involved (file, table, key, site)
 * @param result  the round's result for {@link Type#COMPLETED}, else {@code null}
 * @param error   the cause for {@link Type#FAILED} and {@link Type#ERROR}, else {@code null}
 * @param tables  for {@link Type#CHANGED}: rows written per table name; else empty
 */
public record SyncEvent(Type type, String message, SyncResult result, Throwable error, Map<String, Integer> tables) {
    /** The message is made printable: names in it may come from files or peers. */
    public SyncEvent {
        message = ErrorText.printable(message);
        tables = Collections.unmodifiableMap(new TreeMap<>(tables));
    }

    /** An event that names no changed tables. */
    public SyncEvent(Type type, String message, SyncResult result, Throwable error) {
        this(type, message, result, error, Map.of());
    }

    /** Event kinds. */
    public enum Type {
        STARTED,
        COMPLETED,
        /** A round failed as a whole; it is retried. */
        FAILED,
        /** A remote change violates a local constraint; it is kept pending. */
        CONFLICT,
        PROGRESS,
        /**
         * Remote changes were written to the database (committed, visible to the application's connections):
         * {@link SyncEvent#tables()} says which tables and how many rows each, so an application can refresh what it
         * shows. Sent for every applied batch: by rounds and, with a live transport, as changes arrive.
         */
        CHANGED,
        /** A problem inside an otherwise working round (corrupt segment, refused change, …); nothing is lost. */
        ERROR
    }

    public static SyncEvent progress(String message) {
        return new SyncEvent(Type.PROGRESS, message, null, null);
    }

    /** {@link Type#CHANGED}: {@code tables} (rows written per table) from {@code source}. */
    public static SyncEvent changed(Map<String, Integer> tables, String source) {
        StringBuilder m = new StringBuilder("remote changes written from ").append(source).append(':');
        tables.forEach((t, n) -> m.append(' ').append(t).append(" (").append(n).append(n == 1 ? " row)" : " rows)"));
        return new SyncEvent(Type.CHANGED, m.toString(), null, null, tables);
    }

    public static SyncEvent error(String message, Throwable error) {
        return new SyncEvent(Type.ERROR, message, null, error);
    }
}
