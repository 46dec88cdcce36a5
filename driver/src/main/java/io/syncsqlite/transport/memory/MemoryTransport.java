package io.syncsqlite.transport.memory;

import io.syncsqlite.change.ChangesetCodec;
import io.syncsqlite.merge.LocalBatch;
import io.syncsqlite.spi.SyncSession;
import io.syncsqlite.spi.Transport;
import java.util.List;
import java.util.Map;

/** One replica's view of a {@link MemoryLog}: push appends, pull applies what follows its stored position. */
final class MemoryTransport implements Transport {
    private static final String CURSOR = "memory.position";
    /** How many entries this database appended under its site (the prefix, then the site id). */
    private static final String APPENDED = "memory.appended.";
    private final MemoryLog log;
    private final String site;

    MemoryTransport(MemoryLog log, String site) {
        this.log = log;
        this.site = site;
    }

    @Override
    public void sync(SyncSession session) throws Exception {
        int applied = position(session);
        int published = 0;
        for (LocalBatch b = session.nextLocalBatch(); !b.isEmpty(); b = session.nextLocalBatch()) {
            // counted before it is marked published: a stop in between looks like a restore, which only makes a new site
            session.saveCursor(APPENDED + site, Integer.toString(log.append(site, b.changeset())));
            published = log.size();
            session.published(b);
        }
        // what this replica wrote before it had applied the entries before `applied` is now in the log
        log.ack(site, applied, published);
        int position = applied;
        List<byte[]> entries = log.since(position);
        for (byte[] entry : entries) {
            position++;
            // own changes come back through the shared log too: applying them is a no-op, except in a restored copy of an
            // older state of this site, which the merge tells by them
            session.apply(ChangesetCodec.decode(entry), Map.of(CURSOR, Integer.toString(position)));
        }
    }

    /** The log holds more entries of {@code site} than the database counted: a later state of the database appended them. */
    @Override
    public void checkNotRestored(String site, StoredCursors stored) throws Exception {
        int known = Integer.parseInt(stored.cursor(APPENDED + site).orElse("0"));
        int appended = log.appendedBy(site);
        if (appended > known) {
            throw new io.syncsqlite.identity.RestoredCopyException("the in-JVM log holds " + appended + " batches of this site, the database knows of " + known);
        }
    }

    /** Every other site has applied what this replica holds, and this replica what they wrote before that (see {@link MemoryLog#seenByAll}). */
    @Override
    public boolean seenByAll(SyncSession session) throws Exception {
        return log.seenByAll(site, position(session));
    }

    private static int position(SyncSession session) throws Exception {
        return Integer.parseInt(session.cursor(CURSOR).orElse("0"));
    }

    /** A claim is local work: a map in this JVM. */
    @Override
    public boolean claimsKeyTagsLocally() {
        return true;
    }

    @Override
    public java.util.OptionalInt claimKeyTag(String site, int wish) throws Exception {
        return log.claimKeyTag(site, wish);
    }

    @Override
    public void close() {
    }
}
