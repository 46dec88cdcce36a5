package io.syncsqlite.config;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The validated {@code sync.*} settings of one connection. Core keys are checked here; keys that belong to a
 * transport are kept as raw strings and validated by the transport when it opens.
 */
public final class SyncConfig {
    public static final String TRANSPORT = "sync.transport";
    public static final String INTERVAL = "sync.interval";
    public static final String EXCLUDE = "sync.exclude";
    public static final String MAX_CLOCK_DRIFT = "sync.maxClockDrift";
    public static final String NAMESPACE = "sync.namespace";
    public static final String BATCH_SIZE = "sync.batchSize";
    /** Which keys the driver chooses for INTEGER PRIMARY KEY rows: {@code int} (default, below 2^31) or {@code wide}. */
    public static final String KEYS = "sync.keys";
    /**
     * {@code true}: install the driver again in a file that {@code syncsqlite uninstall} marked (see
     * {@code docs/operations.md}). Used once, at the file's first open; not part of the settings compared between
     * connections.
     */
    public static final String REINSTALL = "sync.reinstall";

    /**
     * Tables of migration tools, never synced: each replica runs its own migrations, and a copied history would make
     * the tool believe another replica's migrations ran here.
     */
    public static final Set<String> TOOL_TABLES = Set.of("flyway_schema_history", "databasechangelog", "databasechangeloglock");

    /** Keys every connection understands, whatever its transport. */
    public static final Set<String> CORE_KEYS = Set.of(TRANSPORT, INTERVAL, EXCLUDE, MAX_CLOCK_DRIFT, NAMESPACE, BATCH_SIZE, KEYS, REINSTALL);

    private final Map<String, String> raw;
    private final Duration interval;
    private final Duration maxClockDrift;
    private final Set<String> excluded;
    private final int batchSize;
    private final boolean wideKeys;
    private final boolean reinstall;

    private SyncConfig(Map<String, String> given) throws SQLException {
        Map<String, String> raw = new LinkedHashMap<>(given);
        this.reinstall = parseBoolean(REINSTALL, raw.remove(REINSTALL));
        this.raw = Collections.unmodifiableMap(raw);
        this.interval = Durations.parse(INTERVAL, raw.getOrDefault(INTERVAL, "2s"));
        this.maxClockDrift = Durations.parse(MAX_CLOCK_DRIFT, raw.getOrDefault(MAX_CLOCK_DRIFT, "5m"));
        this.excluded = parseList(raw.get(EXCLUDE));
        this.batchSize = parsePositiveInt(BATCH_SIZE, raw.getOrDefault(BATCH_SIZE, "5000"));
        String keys = raw.getOrDefault(KEYS, "int");
        if (!keys.equals("int") && !keys.equals("wide")) {
            throw new SQLException("Invalid value '" + keys + "' for " + KEYS + ": accepted values are int (keys below 2^31, the default) and wide"
                    + " (64-bit keys that need no coordination)", "HY024");
        }
        this.wideKeys = keys.equals("wide");
        String ns = raw.get(NAMESPACE);
        if (ns != null && !ns.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}")) {
            throw new SQLException("Invalid value '" + ns + "' for " + NAMESPACE
                    + ": accepted values are 1-128 characters of letters, digits, '.', '_' or '-', starting with a letter or digit",
                    "HY024");
        }
    }

    /** Validates the core keys of {@code raw}; transport keys are left for the transport. */
    public static SyncConfig of(Map<String, String> raw) throws SQLException {
        return new SyncConfig(raw);
    }

    public Optional<String> transport() {
        return Optional.ofNullable(raw.get(TRANSPORT)).filter(s -> !s.isEmpty());
    }

    public Duration interval() {
        return interval;
    }

    public Duration maxClockDrift() {
        return maxClockDrift;
    }

    public boolean isExcluded(String table) {
        return excluded.contains(table) || TOOL_TABLES.contains(table.toLowerCase(java.util.Locale.ROOT));
    }

    /** How many captured rows go into one outgoing batch. */
    public int batchSize() {
        return batchSize;
    }

    /** Whether the driver chooses wide keys ({@code sync.keys=wide}) rather than keys below 2^31 (see {@code docs/keys-and-gate.md}). */
    public boolean wideKeys() {
        return wideKeys;
    }

    /** Whether the URL asks to install the driver again in a file marked uninstalled. */
    public boolean reinstall() {
        return reinstall;
    }

    public String namespace() {
        return raw.getOrDefault(NAMESPACE, "default");
    }

    /** Every {@code sync.*} setting as given, including the transport's own. */
    public Map<String, String> raw() {
        return raw;
    }

    public Optional<String> get(String key) {
        return Optional.ofNullable(raw.get(key));
    }

    private static Set<String> parseList(String value) {
        if (value == null || value.isBlank()) return Set.of();
        Set<String> out = new java.util.HashSet<>();
        for (String s : value.split(",")) if (!s.isBlank()) out.add(s.trim());
        return Set.copyOf(out);
    }

    private static boolean parseBoolean(String key, String value) throws SQLException {
        if (value == null || value.trim().equalsIgnoreCase("false")) return false;
        if (value.trim().equalsIgnoreCase("true")) return true;
        throw new SQLException("Invalid value '" + value + "' for " + key + ": accepted values are true and false", "HY024");
    }

    static int parsePositiveInt(String key, String value) throws SQLException {
        try {
            int n = Integer.parseInt(value.trim());
            if (n > 0) return n;
        } catch (NumberFormatException ignored) {
            // reported below with the accepted values
        }
        throw new SQLException("Invalid value '" + value + "' for " + key + ": accepted values are positive integers", "HY024");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SyncConfig other && raw.equals(other.raw);
    }

    @Override
    public int hashCode() {
        return raw.hashCode();
    }

    @Override
    public String toString() {
        Map<String, String> shown = new LinkedHashMap<>(raw);
        shown.replaceAll((k, v) -> k.toLowerCase().contains("token") || k.toLowerCase().contains("secret") ? "***" : v);
        return shown.toString();
    }
}
