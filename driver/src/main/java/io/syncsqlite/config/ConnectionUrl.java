package io.syncsqlite.config;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * A parsed {@code jdbc:syncsqlite:} URL: the xerial URL it stands for (every non-{@code sync.} parameter kept, in
 * order, untouched) and the {@code sync.*} settings taken from the URL and from {@link Properties}.
 */
public final class ConnectionUrl {
    public static final String PREFIX = "jdbc:syncsqlite:";
    public static final String SQLITE_PREFIX = "jdbc:sqlite:";

    private final String sqliteUrl;
    private final String target;
    private final Map<String, String> syncSettings;
    private final Properties sqliteProperties;

    private ConnectionUrl(String sqliteUrl, String target, Map<String, String> syncSettings, Properties sqliteProperties) {
        this.sqliteUrl = sqliteUrl;
        this.target = target;
        this.syncSettings = syncSettings;
        this.sqliteProperties = sqliteProperties;
    }

    public static boolean accepts(String url) {
        return url != null && url.regionMatches(true, 0, PREFIX, 0, PREFIX.length());
    }

    /** Splits {@code url} and {@code info} into xerial's part and ours; fails on a malformed {@code sync.} parameter. */
    public static ConnectionUrl parse(String url, Properties info) throws SQLException {
        if (!accepts(url)) throw new SQLException("Not a jdbc:syncsqlite: URL: " + url, "08001");
        String rest = url.substring(PREFIX.length());
        int q = rest.indexOf('?');
        String target = q < 0 ? rest : rest.substring(0, q);
        Map<String, String> sync = new LinkedHashMap<>();
        StringBuilder passThrough = new StringBuilder();
        if (q >= 0) {
            for (String pair : rest.substring(q + 1).split("&")) {
                if (pair.isEmpty()) continue;
                int eq = pair.indexOf('=');
                String key = eq < 0 ? pair : pair.substring(0, eq);
                if (key.startsWith("sync.")) {
                    if (eq < 0) throw new SQLException("Malformed URL parameter '" + pair + "' in " + url + ": expected " + key + "=<value>", "08001");
                    sync.put(decode(key, url), decode(pair.substring(eq + 1), url));
                } else {
                    passThrough.append(passThrough.length() == 0 ? "?" : "&").append(pair);
                }
            }
        }
        Properties sqliteProps = new Properties();
        if (info != null) {
            for (String name : info.stringPropertyNames()) {
                if (name.startsWith("sync.")) sync.putIfAbsent(name, info.getProperty(name));
                else sqliteProps.setProperty(name, info.getProperty(name));
            }
        }
        return new ConnectionUrl(SQLITE_PREFIX + target + passThrough, target, sync, sqliteProps);
    }

    /** Percent-escapes only: a {@code +} stays a plus (a folder {@code c++share}, a token), as in SQLite's URIs. */
    private static String decode(String s, String url) throws SQLException {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new SQLException("Malformed percent-encoding '" + s + "' in " + url, "08001", e);
        }
    }

    /**
     * This URL for the driver's own connections (instrumenting, the sync engine): without the read-only open modes
     * ({@code open_mode} flags, {@code mode=ro} of a {@code file:} URI) of the application connection that happened to
     * open the file first. A read-only connection reads; the file's engine still writes what it receives.
     */
    public ConnectionUrl forDriverWork() {
        int q = sqliteUrl.indexOf('?');
        StringBuilder url = new StringBuilder(q < 0 ? sqliteUrl : sqliteUrl.substring(0, q));
        if (q >= 0) {
            String sep = "?";
            for (String pair : sqliteUrl.substring(q + 1).split("&")) {
                String lower = pair.toLowerCase(java.util.Locale.ROOT);
                if (lower.startsWith("open_mode=") || lower.equals("mode=ro")) continue;
                url.append(sep).append(pair);
                sep = "&";
            }
        }
        Properties props = new Properties();
        props.putAll(sqliteProperties);
        props.remove("open_mode");
        return new ConnectionUrl(url.toString(), target, syncSettings, props);
    }

    /** Whether the connection opens read-only ({@code open_mode} without the read-write flag, or {@code mode=ro}). */
    public boolean isReadOnly() {
        String openMode = sqliteProperties.getProperty("open_mode");
        for (String pair : parameters()) {
            String lower = pair.toLowerCase(java.util.Locale.ROOT);
            if (lower.equals("mode=ro")) return true;
            if (lower.startsWith("open_mode=")) openMode = pair.substring("open_mode=".length());
        }
        try {
            return openMode != null && (Integer.parseInt(openMode.trim()) & 2) == 0; // SQLITE_OPEN_READWRITE = 2
        } catch (NumberFormatException e) {
            return false; // xerial reports the bad value itself
        }
    }

    /** The equivalent plain xerial URL, {@code sync.*} parameters removed. */
    public String sqliteUrl() {
        return sqliteUrl;
    }

    /** The database part of the URL: a file path, {@code file:} URI, {@code :memory:} or empty. */
    public String target() {
        return target;
    }

    /**
     * Whether the database lives in memory: an empty name, {@code :memory:}, or a {@code file:} URI with
     * {@code mode=memory} (as a parameter of the URL, where xerial reads it). Such a database has no file to put side
     * files beside, and nothing to sync.
     */
    public boolean isInMemory() {
        return target.isEmpty() || target.contains(":memory:") || target.contains("mode=memory")
                || parameters().stream().anyMatch(p -> p.equalsIgnoreCase("mode=memory"));
    }

    /** The parameters passed to xerial, as {@code key=value} strings. */
    private java.util.List<String> parameters() {
        int q = sqliteUrl.indexOf('?');
        return q < 0 ? java.util.List.of() : java.util.List.of(sqliteUrl.substring(q + 1).split("&"));
    }

    public Map<String, String> syncSettings() {
        return syncSettings;
    }

    public Properties sqliteProperties() {
        return sqliteProperties;
    }
}
