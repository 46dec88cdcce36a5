package io.syncsqlite;

/**
 * What {@link SyncConnection#compact()} did.
 *
 * @param tombstones  version rows of deleted rows it removed (every site had seen those deletes)
 * @param bytesBefore the database file's size before, in bytes
 * @param bytesAfter  its size after the free pages were given back
 */
public record Compaction(long tombstones, long bytesBefore, long bytesAfter) {
}
