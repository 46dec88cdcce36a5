package io.syncsqlite;

/** Receives {@link SyncEvent}s on the sync engine's thread. */
@FunctionalInterface
public interface SyncListener {
    void onEvent(SyncEvent event);
}
