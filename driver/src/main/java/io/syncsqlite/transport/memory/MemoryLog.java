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
    /** Key block tags handed out, to their site (guarded by this). */
    private final Map<Integer, String> keyTags = new java.util.HashMap<>();
    /** How many entries each site appended (guarded by this). */
    private final Map<String, Integer> appended = new java.util.HashMap<>();

    static MemoryLog of(String namespace) {
        return LOGS.computeIfAbsent(namespace, n -> new MemoryLog());
    }

    /** Stores the changeset encoded, as a real transport would ship it; returns how many entries {@code site} appended now. */
    synchronized int append(String site, Changeset cs) {
        entries.add(ChangesetCodec.encode(cs));
        return appended.merge(site, 1, Integer::sum);
    }

    /** How many entries {@code site} appended. */
    synchronized int appendedBy(String site) {
        return appended.getOrDefault(site, 0);
    }

    /** A key block tag for {@code site}: its own if it has one, else {@code wish} or the lowest free one. */
    synchronized java.util.OptionalInt claimKeyTag(String site, int wish) throws Exception {
        for (Map.Entry<Integer, String> e : keyTags.entrySet()) if (e.getValue().equals(site)) return java.util.OptionalInt.of(e.getKey());
        return io.syncsqlite.spi.KeyTagClaims.claim(wish, tag -> keyTags.putIfAbsent(tag, site) == null);
    }

    /** Entries from position {@code from} on. */
    synchronized List<byte[]> since(int from) {
        return new ArrayList<>(entries.subList(Math.min(from, entries.size()), entries.size()));
    }
}
