package io.syncsqlite.transport.http;

import io.syncsqlite.config.Durations;
import io.syncsqlite.config.HubToken;
import io.syncsqlite.config.SyncConfig;
import io.syncsqlite.spi.Transport;
import io.syncsqlite.spi.TransportContext;
import io.syncsqlite.spi.TransportProvider;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Set;

/**
 * {@code sync.transport=http&sync.url=http://hub:7070&sync.token=…}: syncs through a syncsqlite hub.
 * <ul>
 * <li>{@code sync.url} (required): the hub's base URL, {@code http://} or {@code https://}; several hubs over one shared
 *     store separated by commas ({@code http://a:7070,http://b:7070}): a round that cannot reach one tries the next
 *     at its retry</li>
 * <li>{@code sync.token} (required): the bearer token; the hub maps it to the namespace</li>
 * <li>{@code sync.timeout}: connect and request timeout, default {@code 30s}</li>
 * <li>{@code sync.pushChanges}: most changes per push request, default 8000</li>
 * <li>{@code sync.pullLimit}: changes asked for per pull request, default 10000</li>
 * </ul>
 */
public final class HttpTransportProvider implements TransportProvider {
    public static final String URL = "sync.url";
    public static final String TOKEN = HubToken.TOKEN;
    public static final String TIMEOUT = "sync.timeout";
    public static final String PUSH_CHANGES = "sync.pushChanges";
    public static final String PULL_LIMIT = "sync.pullLimit";

    @Override
    public String name() {
        return "http";
    }

    @Override
    public Set<String> parameters() {
        return Set.of(URL, TOKEN, HubToken.TOKEN_FILE, TIMEOUT, PUSH_CHANGES, PULL_LIMIT);
    }

    @Override
    public void validate(SyncConfig config) throws SQLException {
        Settings.of(config);
    }

    @Override
    public Transport open(TransportContext context) throws SQLException {
        Settings s = Settings.of(context.config());
        List<HubClient> hubs = new ArrayList<>();
        for (URI base : s.bases) hubs.add(new HubClient(base, s.token, context.config().get(SyncConfig.NAMESPACE).orElse(null), s.timeout, context.siteId()));
        return new HttpTransport(hubs, s.pushChanges, s.pullLimit);
    }

    /** The validated settings of one connection. */
    private record Settings(List<URI> bases, String token, Duration timeout, int pushChanges, int pullLimit) {
        static Settings of(SyncConfig c) throws SQLException {
            String urls = c.get(URL).orElseThrow(() -> new SQLException("Missing " + URL + ": sync.transport=http needs the hub's base URL,"
                    + " e.g. sync.url=http://hub:7070", "HY024"));
            List<URI> bases = new ArrayList<>();
            for (String url : urls.split(",")) {
                url = url.strip();
                try {
                    URI base = URI.create(url.endsWith("/") ? url : url + "/");
                    if (!("http".equals(base.getScheme()) || "https".equals(base.getScheme())) || base.getHost() == null) throw new IllegalArgumentException();
                    bases.add(base);
                } catch (IllegalArgumentException e) {
                    throw new SQLException("Invalid value '" + url + "' for " + URL + ": accepted values are http:// or https:// URLs with a host,"
                            + " several separated by commas", "HY024");
                }
            }
            String token = HubToken.of(c, "http");
            Duration timeout = Durations.parse(TIMEOUT, c.get(TIMEOUT).orElse("30s"));
            if (timeout.isZero()) throw new SQLException("Invalid value '0' for " + TIMEOUT + ": accepted values are positive durations", "HY024");
            return new Settings(List.copyOf(bases), token, timeout, positive(c, PUSH_CHANGES, 8000), positive(c, PULL_LIMIT, 10000));
        }
    }

    private static int positive(SyncConfig c, String key, int fallback) throws SQLException {
        String v = c.get(key).orElse(null);
        if (v == null) return fallback;
        try {
            int n = Integer.parseInt(v.trim());
            if (n > 0 && n <= 1_000_000) return n;
        } catch (NumberFormatException ignored) {
            // reported below with the accepted values
        }
        throw new SQLException("Invalid value '" + v + "' for " + key + ": accepted values are integers from 1 to 1000000", "HY024");
    }
}
