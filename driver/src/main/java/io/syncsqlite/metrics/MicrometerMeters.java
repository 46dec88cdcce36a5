package io.syncsqlite.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.syncsqlite.SyncStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * One file's meters in Micrometer's global registry (where Spring Boot and most frameworks add theirs), tagged
 * {@code file=<path>}. Loaded only when Micrometer is on the classpath: nothing else in the driver names its types.
 */
final class MicrometerMeters {
    private MicrometerMeters() {
    }

    static AutoCloseable bind(Path file, Supplier<SyncStatus> status) {
        MeterRegistry registry = Metrics.globalRegistry;
        Tags tags = Tags.of("file", file.toString());
        List<Meter> meters = new ArrayList<>();
        meters.add(gauge(registry, "syncsqlite.unpublished", "Local changes not yet published", tags, status, SyncStatus::unpublished));
        meters.add(gauge(registry, "syncsqlite.pending", "Remote changes kept pending", tags, status, SyncStatus::pending));
        meters.add(gauge(registry, "syncsqlite.deadletters", "Local changes refused on their way out and kept", tags, status, SyncStatus::deadLetters));
        meters.add(gauge(registry, "syncsqlite.conflicts", "Rows that lost a conflict, kept for the application", tags, status, SyncStatus::conflicts));
        meters.add(gauge(registry, "syncsqlite.failing", "1 while the last round failed, else 0", tags, status, s -> s.lastError() == null ? 0 : 1));
        meters.add(counter(registry, "syncsqlite.changes.sent", "Changes published", null, tags, status, SyncStatus::changesSent));
        meters.add(counter(registry, "syncsqlite.changes.received", "Remote changes received", null, tags, status, SyncStatus::changesReceived));
        meters.add(counter(registry, "syncsqlite.bytes.sent", "Bytes sent by the transport", "bytes", tags, status, SyncStatus::bytesSent));
        meters.add(counter(registry, "syncsqlite.bytes.received", "Bytes received by the transport", "bytes", tags, status, SyncStatus::bytesReceived));
        meters.add(counter(registry, "syncsqlite.rounds", "Completed sync rounds", null, tags, status, SyncStatus::rounds));
        meters.add(TimeGauge.builder("syncsqlite.lag", status, TimeUnit.SECONDS, s -> lagSeconds(s.get()))
                .description("Time since the last successful round (how far behind the hub or folder the replica may be)").tags(tags).register(registry));
        return () -> meters.forEach(registry::remove);
    }

    private static double lagSeconds(SyncStatus s) {
        Duration lag = s.lag();
        return lag == null ? Double.NaN : lag.toNanos() / 1e9;
    }

    private static Meter gauge(MeterRegistry r, String name, String description, Tags tags, Supplier<SyncStatus> status, ToDoubleFunction<SyncStatus> f) {
        return Gauge.builder(name, status, s -> f.applyAsDouble(s.get())).description(description).tags(tags).register(r);
    }

    private static Meter counter(MeterRegistry r, String name, String description, String unit, Tags tags, Supplier<SyncStatus> status,
                                 ToDoubleFunction<SyncStatus> f) {
        return FunctionCounter.builder(name, status, s -> f.applyAsDouble(s.get())).description(description).baseUnit(unit).tags(tags).register(r);
    }
}
