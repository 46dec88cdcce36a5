package io.syncsqlite.hub;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** Query-string parameters of a request. */
final class Query {
    private Query() {
    }

    static Map<String, String> parse(String rawQuery) {
        Map<String, String> out = new HashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) return out;
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            out.put(k, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    static long number(Map<String, String> q, String name, long fallback, long min, long max) throws HttpError {
        String v = q.get(name);
        if (v == null) return fallback;
        try {
            long n = Long.parseLong(v);
            if (n >= min && n <= max) return n;
        } catch (NumberFormatException ignored) {
            // reported below with the accepted range
        }
        throw new HttpError(400, "invalid value '" + v + "' for query parameter " + name + ": accepted values are integers from " + min + " to " + max);
    }
}
