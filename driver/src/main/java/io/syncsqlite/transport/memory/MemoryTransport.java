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
    private final MemoryLog log;

    MemoryTransport(MemoryLog log) {
        this.log = log;
    }

    @Override
    public void sync(SyncSession session) throws Exception {
        for (LocalBatch b = session.nextLocalBatch(); !b.isEmpty(); b = session.nextLocalBatch()) {
            log.append(b.changeset());
            session.published(b);
        }
        int position = Integer.parseInt(session.cursor(CURSOR).orElse("0"));
        List<byte[]> entries = log.since(position);
        for (byte[] entry : entries) {
            position++;
            // own changes come back through the shared log too: applying them is a no-op, except in a restored copy of an
            // older state of this site, which the merge tells by them
            session.apply(ChangesetCodec.decode(entry), Map.of(CURSOR, Integer.toString(position)));
        }
    }

    /** A claim is local work: a file created in the shared folder, or a map in this JVM. */
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
