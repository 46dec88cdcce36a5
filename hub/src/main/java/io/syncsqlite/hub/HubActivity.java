package io.syncsqlite.hub;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What the status page shows of recent traffic: the HTTP clients seen (by the site id they send, else their address)
 * with the cursor of their last pull, and the last refusals with their reasons. Bounded: the most recently seen
 * {@link #MAX_CLIENTS} clients and the last {@link #MAX_REFUSALS} refusals.
 */
final class HubActivity {
    static final int MAX_CLIENTS = 1000;
    static final int MAX_REFUSALS = 50;
    /** A client's site id as the http transport sends it; anything else is shown as the client's address. */
    private static final Pattern SITE = Pattern.compile("[0-9a-f]{32}");

    /** One HTTP client: {@code cursor} is where its last pull ended (-1 before any pull). */
    record Client(String namespace, String id, String address, long cursor, Instant lastSeen) {
    }

    /** One refused request or change. */
    record Refusal(Instant at, int status, String namespace, String client, String path, String reason) {
    }

    private final Map<String, Client> clients = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Client> eldest) {
            return size() > MAX_CLIENTS;
        }
    };
    private final ArrayDeque<Refusal> refusals = new ArrayDeque<>();

    /**
     * The id the status page names a client by: the site id it sent (the http transport's {@code Sync-Site} header, the
     * ws transport's hello) when it is one, else its address.
     */
    static String clientId(String site, String address) {
        return site != null && SITE.matcher(site).matches() ? site : address;
    }

    synchronized void pulled(String ns, String id, String address, long next) {
        clients.put(ns + "\n" + id, new Client(ns, id, address, next, Instant.now()));
    }

    synchronized void pushed(String ns, String id, String address) {
        Client before = clients.get(ns + "\n" + id);
        clients.put(ns + "\n" + id, new Client(ns, id, address, before == null ? -1 : before.cursor(), Instant.now()));
    }

    synchronized void refused(int status, String ns, String client, String path, String reason) {
        if (refusals.size() == MAX_REFUSALS) refusals.removeFirst();
        refusals.addLast(new Refusal(Instant.now(), status, ns, client, path, reason));
    }

    /** The clients of {@code ns}, most recently seen first. */
    synchronized List<Client> clients(String ns) {
        List<Client> out = new ArrayList<>();
        for (Client c : clients.values()) if (c.namespace().equals(ns)) out.add(c);
        out.sort(Comparator.comparing(Client::lastSeen).reversed());
        return out;
    }

    synchronized List<String> namespaces() {
        return clients.values().stream().map(Client::namespace).distinct().toList();
    }

    /** The refusals, newest first. */
    synchronized List<Refusal> refusals() {
        List<Refusal> out = new ArrayList<>(refusals);
        java.util.Collections.reverse(out);
        return out;
    }
}
