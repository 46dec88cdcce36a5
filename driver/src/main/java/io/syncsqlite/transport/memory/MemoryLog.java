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
    /** Per site, what its latest round told (guarded by this): see {@link #ack}. */
    private final Map<String, Ack> acks = new java.util.HashMap<>();
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

    /** The log's length: every entry appended so far is before it. */
    synchronized int size() {
        return entries.size();
    }

    /** What a site's round told: it had applied the entries before {@code applied}, and everything it wrote until then is before {@code published}. */
    private record Ack(int applied, int published) {
    }

    /**
     * Records a round of {@code site}: it had applied every entry before {@code applied} when it published, and
     * everything it published so far (so everything it wrote before that) ends before {@code published}.
     */
    synchronized void ack(String site, int applied, int published) {
        Ack before = acks.get(site);
        acks.put(site, new Ack(applied, Math.max(published, before == null ? 0 : before.published())));
    }

    /**
     * Whether every other site that ran a round has applied the entries before {@code position}, and the reader at
     * {@code position} has applied everything those sites wrote before that. A site that never ran a round holds nothing
     * older: it starts from the beginning of the log, which is never shortened.
     */
    synchronized boolean seenByAll(String site, int position) {
        for (Map.Entry<String, Ack> e : acks.entrySet()) {
            if (e.getKey().equals(site)) continue;
            if (e.getValue().applied() < position || e.getValue().published() > position) return false;
        }
        return true;
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
