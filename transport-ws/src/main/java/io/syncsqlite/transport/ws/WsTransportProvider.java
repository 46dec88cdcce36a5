package io.syncsqlite.transport.ws;

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
 * {@code sync.transport=ws&sync.url=ws://hub:7071&sync.token=…}: live sync with a syncsqlite hub over one WebSocket.
 * <ul>
 * <li>{@code sync.url} (required): the hub's WebSocket address, {@code ws://} or {@code wss://} (the hub's
 *     {@code --ws-port}; {@code wss://} when the hub runs with {@code --keystore}, trusted by the JVM's trust store);
 *     several hubs over one shared store separated by commas: after a round that cannot reach one, the next round
 *     goes to the next</li>
 * <li>{@code sync.token} (required): the bearer token; the hub maps it to the namespace</li>
 * <li>{@code sync.timeout}: connect, hello and push-acknowledgement timeout, default {@code 30s}</li>
 * <li>{@code sync.pushChanges}: most changes per push message, default 8000</li>
 * <li>{@code sync.ping}: heartbeat interval; a hub that answers no ping for 1.5 intervals is taken as gone and the
 *     replica reconnects, default {@code 10s}</li>
 * </ul>
 */
public final class WsTransportProvider implements TransportProvider {
    static {
        // loaded with the driver, before any database opens: xerial and Java-WebSocket both log through SLF4J when it is
        // present, and this transport brings it
        try {
            Slf4jToSystemLogger.useUnlessTheApplicationHasAProvider();
        } catch (LinkageError noSlf4j) {
            // the jar was copied without its dependencies: nothing logs through SLF4J, and connect() says what to add
        }
    }

    public static final String URL = "sync.url";
    public static final String TOKEN = HubToken.TOKEN;
    public static final String TIMEOUT = "sync.timeout";
    public static final String PUSH_CHANGES = "sync.pushChanges";
    public static final String PING = "sync.ping";

    @Override
    public String name() {
        return "ws";
    }

    @Override
    public Set<String> parameters() {
        return Set.of(URL, TOKEN, HubToken.TOKEN_FILE, TIMEOUT, PUSH_CHANGES, PING);
    }

    @Override
    public void validate(SyncConfig config) throws SQLException {
        Settings.of(config);
        // loads the socket class, and with it Java-WebSocket: a jar copied without its dependencies fails at connect,
        // where the driver says which artifact to add, not in a background thread later
        HubSocket.class.getName();
    }

    @Override
    public Transport open(TransportContext context) throws SQLException {
        return new WsTransport(Settings.of(context.config()), context.config().get(SyncConfig.NAMESPACE).orElse(null), context.siteId());
    }

    /** The validated settings of one connection. */
    record Settings(List<URI> urls, String token, Duration timeout, int pushChanges, Duration ping) {
        /** The hub this replica talks to now: the first of {@link #urls()}. */
        URI url() {
            return urls.get(0);
        }

        /** The same settings with the next hub first (after a round that could not reach this one). */
        Settings nextHub() {
            List<URI> rotated = new ArrayList<>(urls.subList(1, urls.size()));
            rotated.add(urls.get(0));
            return new Settings(List.copyOf(rotated), token, timeout, pushChanges, ping);
        }

        static Settings of(SyncConfig c) throws SQLException {
            String urls = c.get(URL).orElseThrow(() -> new SQLException("Missing " + URL + ": sync.transport=ws needs the hub's WebSocket address,"
                    + " e.g. sync.url=ws://hub:7071", "HY024"));
            List<URI> uris = new ArrayList<>();
            for (String url : urls.split(",")) {
                url = url.strip();
                try {
                    URI uri = URI.create(url);
                    if (!("ws".equals(uri.getScheme()) || "wss".equals(uri.getScheme())) || uri.getHost() == null) throw new IllegalArgumentException();
                    uris.add(uri);
                } catch (IllegalArgumentException e) {
                    throw new SQLException("Invalid value '" + url + "' for " + URL + ": accepted values are ws:// or wss:// URLs with a host,"
                            + " several separated by commas", "HY024");
                }
            }
            String token = HubToken.of(c, "ws");
            Duration timeout = positiveDuration(c, TIMEOUT, "30s");
            Duration ping = positiveDuration(c, PING, "10s");
            String push = c.get(PUSH_CHANGES).orElse("8000");
            int pushChanges;
            try {
                pushChanges = Integer.parseInt(push.trim());
            } catch (NumberFormatException e) {
                pushChanges = -1;
            }
            if (pushChanges < 1 || pushChanges > 1_000_000) {
                throw new SQLException("Invalid value '" + push + "' for " + PUSH_CHANGES + ": accepted values are integers from 1 to 1000000", "HY024");
            }
            return new Settings(List.copyOf(uris), token, timeout, pushChanges, ping);
        }

        private static Duration positiveDuration(SyncConfig c, String key, String fallback) throws SQLException {
            Duration d = Durations.parse(key, c.get(key).orElse(fallback));
            if (d.isZero() || d.isNegative()) throw new SQLException("Invalid value '" + c.get(key).orElse("") + "' for " + key + ": accepted values are positive durations", "HY024");
            return d;
        }
    }
}
