package io.syncsqlite.transport.memory;

import io.syncsqlite.change.Changeset;
import io.syncsqlite.change.ChangesetCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** An append-only log of encoded changesets per namespace, shared by every replica of this JVM. */
final class MemoryLog {
    private static final Map<String, MemoryLog> LOGS = new ConcurrentHashMap<>();
    private final List<byte[]> entries = new ArrayList<>();

    static MemoryLog of(String namespace) {
        return LOGS.computeIfAbsent(namespace, n -> new MemoryLog());
    }

    /** Stores the changeset encoded, as a real transport would ship it. */
    synchronized void append(Changeset cs) {
        entries.add(ChangesetCodec.encode(cs));
    }

    /** Entries from position {@code from} on. */
    synchronized List<byte[]> since(int from) {
        return new ArrayList<>(entries.subList(Math.min(from, entries.size()), entries.size()));
    }
}
