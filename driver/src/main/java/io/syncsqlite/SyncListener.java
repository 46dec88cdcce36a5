package io.syncsqlite;

/**
 * Receives {@link SyncEvent}s on the sync engine's thread (or, for changes a live transport receives between rounds,
 * on that transport's receiving thread) — never on an application thread, and never inside a transaction: a listener
 * may query the database, e.g. to refresh a view on {@link SyncEvent.Type#CHANGED}.
 */
@FunctionalInterface
public interface SyncListener {
    void onEvent(SyncEvent event);
}
