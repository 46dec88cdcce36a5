package io.syncsqlite.transport.memory;

import io.syncsqlite.config.SyncConfig;
import io.syncsqlite.spi.Transport;
import io.syncsqlite.spi.TransportContext;
import io.syncsqlite.spi.TransportProvider;
import java.util.Set;

/**
 * {@code sync.transport=memory}: replicas in one JVM that name the same {@code sync.namespace} exchange changesets
 * through an in-process log. For tests and demos of the engine without any I/O.
 */
public final class MemoryTransportProvider implements TransportProvider {
    @Override
    public String name() {
        return "memory";
    }

    @Override
    public Set<String> parameters() {
        return Set.of();
    }

    @Override
    public void validate(SyncConfig config) {
        // the namespace, its only setting, is checked by the driver
    }

    @Override
    public Transport open(TransportContext context) {
        return new MemoryTransport(MemoryLog.of(context.config().namespace()), context.siteId());
    }
}
