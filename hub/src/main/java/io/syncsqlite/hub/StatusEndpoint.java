package io.syncsqlite.hub;

import com.fasterxml.jackson.core.JsonGenerator;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code GET /v1/status}: what the status page shows, as JSON — namespaces with their head sequence and clients (HTTP
 * clients seen, WebSocket subscribers connected) with each one's cursor and lag, the hub's counters, and the last
 * refusals with their reasons. Namespace names and client addresses are not for every client of the hub: without
 * {@code SYNCSQLITE_HUB_ADMIN_TOKEN} in the hub's environment only loopback clients are answered; with it, any client
 * that sends it as a bearer token (docs/operations.md).
 */
final class StatusEndpoint {
    /** The environment variable holding the admin token that opens the status to non-loopback clients. */
    static final String ADMIN_TOKEN_ENV = "SYNCSQLITE_HUB_ADMIN_TOKEN";

    private final Hub hub;
    private final HubActivity activity;
    private final WsEndpointKeeper ws;
    private final Collection<String> configuredNamespaces;
    private final byte[] adminToken;
    private final Instant started = Instant.now();

    StatusEndpoint(Hub hub, HubActivity activity, WsEndpointKeeper ws, Collection<String> configuredNamespaces, String adminToken) {
        this.hub = hub;
        this.activity = activity;
        this.ws = ws;
        this.configuredNamespaces = configuredNamespaces;
        this.adminToken = adminToken == null || adminToken.isBlank() ? null : adminToken.trim().getBytes(StandardCharsets.UTF_8);
    }

    void serve(HttpExchange ex) throws IOException, HttpError, SQLException, InterruptedException {
        authorize(ex);
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        Exchanges.send(ex, 200, "application/json", Exchanges.json(g -> write(g)));
    }

    private void authorize(HttpExchange ex) throws HttpError {
        if (adminToken == null) {
            InetAddress from = ex.getRemoteAddress().getAddress();
            if (!from.isLoopbackAddress()) {
                throw new HttpError(403, "the hub's status is served to loopback clients only; start the hub with " + ADMIN_TOKEN_ENV
                        + " set to open it to others that send that token");
            }
            return;
        }
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        byte[] given = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) ? auth.substring(7).trim().getBytes(StandardCharsets.UTF_8) : null;
        if (given == null || !MessageDigest.isEqual(given, adminToken)) {
            throw new HttpError(401, "the hub's status needs the admin token (Authorization: Bearer …; the page takes it as #token=… in its address)");
        }
    }

    private void write(JsonGenerator g) throws IOException {
        g.writeStringField("epoch", hub.epoch());
        g.writeStringField("started", started.toString());
        g.writeStringField("now", Instant.now().toString());
        HubMetrics s = hub.metrics();
        g.writeObjectFieldStart("counters");
        g.writeNumberField("pushes", s.pushes());
        g.writeNumberField("duplicates", s.duplicates());
        g.writeNumberField("stored", s.stored());
        g.writeNumberField("pulls", s.pulls());
        g.writeNumberField("refused", s.refused());
        g.writeEndObject();
        g.writeArrayFieldStart("namespaces");
        for (Map.Entry<String, List<WsEndpoint.Subscriber>> ns : namespaces().entrySet()) writeNamespace(g, ns.getKey(), ns.getValue());
        g.writeEndArray();
        g.writeArrayFieldStart("refusals");
        for (HubActivity.Refusal r : activity.refusals()) {
            g.writeStartObject();
            g.writeStringField("at", r.at().toString());
            g.writeNumberField("status", r.status());
            g.writeStringField("namespace", r.namespace());
            g.writeStringField("client", r.client());
            g.writeStringField("path", r.path());
            g.writeStringField("reason", r.reason());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    /** Every namespace a token grants or a client used, with its connected WebSocket subscribers. */
    private Map<String, List<WsEndpoint.Subscriber>> namespaces() {
        Map<String, List<WsEndpoint.Subscriber>> out = new TreeMap<>();
        for (String ns : configuredNamespaces) out.put(ns, new java.util.ArrayList<>());
        for (String ns : activity.namespaces()) out.putIfAbsent(ns, new java.util.ArrayList<>());
        if (ws != null) {
            for (WsEndpoint.Subscriber s : ws.subscribers()) out.computeIfAbsent(s.namespace(), k -> new java.util.ArrayList<>()).add(s);
        }
        return out;
    }

    private void writeNamespace(JsonGenerator g, String ns, List<WsEndpoint.Subscriber> subscribers) throws IOException {
        long head;
        try {
            head = hub.head(ns);
        } catch (SQLException | InterruptedException e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            throw new IOException("reading the head of namespace " + ns + ": " + e.getMessage(), e);
        }
        g.writeStartObject();
        g.writeStringField("name", ns);
        g.writeNumberField("head", head);
        g.writeArrayFieldStart("clients");
        for (WsEndpoint.Subscriber s : subscribers) writeClient(g, "ws", s.id(), s.address(), s.cursor(), head, null);
        for (HubActivity.Client c : activity.clients(ns)) writeClient(g, "http", c.id(), c.address(), c.cursor(), head, c.lastSeen());
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void writeClient(JsonGenerator g, String protocol, String id, String address, long cursor, long head, Instant lastSeen)
            throws IOException {
        g.writeStartObject();
        g.writeStringField("protocol", protocol);
        g.writeStringField("client", id);
        g.writeStringField("address", address);
        if (cursor >= 0) {
            g.writeNumberField("cursor", cursor);
            g.writeNumberField("lag", Math.max(0, head - cursor));
        } else {
            g.writeNullField("cursor");
            g.writeNullField("lag");
        }
        if (lastSeen == null) g.writeNullField("lastSeen");
        else g.writeStringField("lastSeen", lastSeen.toString());
        g.writeEndObject();
    }
}
