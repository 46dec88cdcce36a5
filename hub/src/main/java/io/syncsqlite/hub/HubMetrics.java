package io.syncsqlite.hub;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Every counter and gauge of a hub, in one place: what {@code /metrics} prints (Prometheus text format), what
 * {@code /v1/health} and status pages read ({@link #snapshot()}), and what tests assert. Counters count since the hub
 * started; gauges are read when asked.
 */
public final class HubMetrics {
    private static final String PREFIX = "syncsqlite_hub_";

    private final LongAdder httpRequests = new LongAdder();
    private final LongAdder wsConnections = new LongAdder();
    private final LongAdder pushes = new LongAdder();
    private final LongAdder duplicates = new LongAdder();
    private final LongAdder stored = new LongAdder();
    private final LongAdder pulls = new LongAdder();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final LongAdder slowDisconnects = new LongAdder();
    private final Map<String, LongAdder> refusals = new ConcurrentHashMap<>();
    /** Gauges by name (without prefix), with their help text, in registration order. */
    private final Map<String, Gauge> gauges = new ConcurrentHashMap<>();

    private record Gauge(String help, LongSupplier value) {
    }

    /** Pushes applied (duplicates not counted). */
    public long pushes() {
        return pushes.sum();
    }

    /** Pushes answered "already applied". */
    public long duplicates() {
        return duplicates.sum();
    }

    /** Changes that won and were stored. */
    public long stored() {
        return stored.sum();
    }

    public long pulls() {
        return pulls.sum();
    }

    /** Requests, frames and connections refused, whatever the reason. */
    public long refused() {
        long n = 0;
        for (LongAdder a : refusals.values()) n += a.sum();
        return n;
    }

    /** Refusals by reason (e.g. {@code http_413}, {@code ws_1009}, {@code ws_auth_timeout}). */
    public Map<String, Long> refusalsByReason() {
        Map<String, Long> out = new TreeMap<>();
        refusals.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /** WebSocket subscribers disconnected for falling behind by more than their queue cap. */
    public long slowDisconnects() {
        return slowDisconnects.sum();
    }

    /**
     * Every counter and gauge by the name {@code /metrics} prints (without the {@code syncsqlite_hub_} prefix;
     * refusals as {@code refusals_total{reason}}), in a stable order.
     */
    public Map<String, Long> snapshot() {
        Map<String, Long> out = new LinkedHashMap<>();
        out.put("http_requests_total", httpRequests.sum());
        out.put("ws_connections_total", wsConnections.sum());
        out.put("pushes_total", pushes.sum());
        out.put("duplicate_pushes_total", duplicates.sum());
        out.put("changes_stored_total", stored.sum());
        out.put("pulls_total", pulls.sum());
        out.put("bytes_in_total", bytesIn.sum());
        out.put("bytes_out_total", bytesOut.sum());
        out.put("slow_subscriber_disconnects_total", slowDisconnects.sum());
        refusalsByReason().forEach((reason, n) -> out.put("refusals_total{reason=\"" + reason + "\"}", n));
        new TreeMap<>(gauges).forEach((name, g) -> out.put(name, g.value().getAsLong()));
        return out;
    }

    /** The metrics in the Prometheus text exposition format (version 0.0.4). */
    public String prometheus() {
        StringBuilder b = new StringBuilder(2048);
        counter(b, "http_requests_total", "HTTP requests received", httpRequests.sum());
        counter(b, "ws_connections_total", "WebSocket connections accepted", wsConnections.sum());
        counter(b, "pushes_total", "pushes applied (duplicates not counted)", pushes.sum());
        counter(b, "duplicate_pushes_total", "pushes answered already-applied", duplicates.sum());
        counter(b, "changes_stored_total", "changes that won and were stored", stored.sum());
        counter(b, "pulls_total", "pull pages served (HTTP and WebSocket catch-up)", pulls.sum());
        counter(b, "bytes_in_total", "request and message body bytes received", bytesIn.sum());
        counter(b, "bytes_out_total", "response and message bytes sent", bytesOut.sum());
        counter(b, "slow_subscriber_disconnects_total", "WebSocket subscribers disconnected for falling behind", slowDisconnects.sum());
        b.append("# HELP ").append(PREFIX).append("refusals_total requests, messages and connections refused, by reason\n");
        b.append("# TYPE ").append(PREFIX).append("refusals_total counter\n");
        refusalsByReason().forEach((reason, n) -> b.append(PREFIX).append("refusals_total{reason=\"").append(reason).append("\"} ").append(n).append('\n'));
        new TreeMap<>(gauges).forEach((name, g) -> {
            String family = name.contains("{") ? name.substring(0, name.indexOf('{')) : name; // an info gauge's labels are not part of its name
            b.append("# HELP ").append(PREFIX).append(family).append(' ').append(g.help()).append('\n');
            b.append("# TYPE ").append(PREFIX).append(family).append(" gauge\n");
            b.append(PREFIX).append(name).append(' ').append(g.value().getAsLong()).append('\n');
        });
        return b.toString();
    }

    private static void counter(StringBuilder b, String name, String help, long value) {
        b.append("# HELP ").append(PREFIX).append(name).append(' ').append(help).append('\n');
        b.append("# TYPE ").append(PREFIX).append(name).append(" counter\n");
        b.append(PREFIX).append(name).append(' ').append(value).append('\n');
    }

    /**
     * Registers a gauge read at every snapshot; {@code name} without prefix, in Prometheus' {@code [a-z_]} form, with
     * fixed labels if any ({@code store_info{kind="sqlite"}}).
     */
    void gauge(String name, String help, LongSupplier value) {
        gauges.put(name, new Gauge(help, value));
    }

    void httpRequest() {
        httpRequests.increment();
    }

    void wsAccepted() {
        wsConnections.increment();
    }

    void pushed(boolean duplicate, int storedChanges) {
        (duplicate ? duplicates : pushes).increment();
        stored.add(storedChanges);
    }

    void pulled() {
        pulls.increment();
    }

    void received(long bytes) {
        bytesIn.add(bytes);
    }

    void sent(long bytes) {
        bytesOut.add(bytes);
    }

    void slowDisconnect() {
        slowDisconnects.increment();
    }

    /** Counts a refusal; {@code reason} in Prometheus label form ({@code [a-z0-9_]}). */
    void refused(String reason) {
        refusals.computeIfAbsent(reason, r -> new LongAdder()).increment();
    }
}
