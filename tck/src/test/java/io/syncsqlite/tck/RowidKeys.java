package io.syncsqlite.tck;

import io.syncsqlite.keys.KeyScheme;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one intended difference in values: where SQLite picks an INTEGER PRIMARY KEY, the driver supplies a key unique
 * across replicas (issue 6), so {@code 1, 2, 3} become keys of this replica's key block. A syncsqlite trace line
 * is accepted for the plain one when they differ only there and every such key stands, throughout the trace, for one
 * and the same plain value (so keys still identify the same rows in the same order); anything else stays a difference.
 */
final class RowidKeys {
    private static final Pattern NUMBER = Pattern.compile("java\\.lang\\.(?:Integer|Long):(-?\\d+)");

    private RowidKeys() {
    }

    static List<String> align(List<String> plain, List<String> sync, String siteId) {
        if (siteId == null || plain.size() != sync.size()) return sync;
        int tag = KeyScheme.provisionalTag(siteId); // the TCK's replicas never coordinate
        Map<Long, String> keyToPlain = new HashMap<>();
        List<String> out = new ArrayList<>(sync.size());
        for (int i = 0; i < sync.size(); i++) {
            String p = plain.get(i);
            String s = sync.get(i);
            out.add(p.equals(s) || !onlyKeysDiffer(p, s, tag, keyToPlain) ? s : p);
        }
        return out;
    }

    private static boolean onlyKeysDiffer(String plain, String sync, int tag, Map<Long, String> keyToPlain) {
        Matcher mp = NUMBER.matcher(plain);
        Matcher ms = NUMBER.matcher(sync);
        StringBuilder restPlain = new StringBuilder();
        StringBuilder restSync = new StringBuilder();
        int ip = 0;
        int is = 0;
        Map<Long, String> pending = new HashMap<>();
        while (mp.find()) {
            if (!ms.find()) return false;
            restPlain.append(plain, ip, mp.start());
            restSync.append(sync, is, ms.start());
            ip = mp.end();
            is = ms.end();
            if (mp.group().equals(ms.group())) continue;
            long key = Long.parseLong(ms.group(1));
            if (KeyScheme.blockTagOf(key) != tag) return false;
            String known = keyToPlain.getOrDefault(key, pending.get(key));
            if (known != null && !known.equals(mp.group(1))) return false;
            pending.put(key, mp.group(1));
        }
        if (ms.find()) return false;
        restPlain.append(plain.substring(ip));
        restSync.append(sync.substring(is));
        if (!restPlain.toString().equals(restSync.toString())) return false;
        keyToPlain.putAll(pending);
        return true;
    }
}
