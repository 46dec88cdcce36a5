package io.syncsqlite;

/**
 * Something the sync engine reports to listeners.
 *
 * @param type    what happened
 * @param message a human-readable description naming what is involved (file, table, key, site)
 * @param result  the round's result for {@link Type#COMPLETED}, else {@code null}
 * @param error   the cause for {@link Type#FAILED} and {@link Type#ERROR}, else {@code null}
 */
public record SyncEvent(Type type, String message, SyncResult result, Throwable error) {
    /** The message is made printable: names in it may come from files or peers. */
    public SyncEvent {
        message = ErrorText.printable(message);
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
        /** A problem inside an otherwise working round (corrupt segment, refused change, …); nothing is lost. */
        ERROR
    }

    public static SyncEvent progress(String message) {
        return new SyncEvent(Type.PROGRESS, message, null, null);
    }

    public static SyncEvent error(String message, Throwable error) {
        return new SyncEvent(Type.ERROR, message, null, error);
    }
}
