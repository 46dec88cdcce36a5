package io.syncsqlite;

import io.syncsqlite.config.SyncConfig;
import io.syncsqlite.spi.SyncSession;
import io.syncsqlite.spi.Transport;
import io.syncsqlite.spi.TransportContext;
import io.syncsqlite.spi.TransportProvider;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * {@code sync.transport=failing}, for tests: each round throws the next {@link Throwable} queued in {@link #FAILURES}
 * (an {@link OutOfMemoryError} as a huge file would cause, a {@link StackOverflowError}, …) and succeeds when none is.
 */
public final class FailingTransportProvider implements TransportProvider {
    public static final Queue<Throwable> FAILURES = new ConcurrentLinkedQueue<>();

    @Override
    public String name() {
        return "failing";
    }

    @Override
    public Set<String> parameters() {
        return Set.of();
    }

    @Override
    public void validate(SyncConfig config) {
        // no settings of its own
    }

    @Override
    public Transport open(TransportContext context) {
        return new Transport() {
            @Override
            public void sync(SyncSession session) throws Exception {
                Throwable next = FAILURES.poll();
                if (next instanceof Exception e) throw e;
                if (next instanceof Error e) throw e;
                session.nextLocalBatch();
            }

            @Override
            public void close() {
            }
        };
    }
}
