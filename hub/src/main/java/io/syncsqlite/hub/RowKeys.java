package io.syncsqlite.hub;

import io.syncsqlite.change.ChangesetCodec;
import io.syncsqlite.change.InvalidChangesetException;
import java.util.List;

/**
 * A row's primary key as the store keeps it: the text {@link ChangesetCodec#encodeValues} writes. The most common key,
 * one INTEGER, is written and read without a JSON generator or parser (one per row was about a tenth of the store's Java time),
 * with exactly the text and value the codec gives; every other key goes through the codec.
 */
final class RowKeys {
    private RowKeys() {
    }

    static String encode(List<Object> pk) {
        if (pk.size() == 1 && pk.get(0) instanceof Long n) return "[" + n + "]";
        return ChangesetCodec.encodeValues(pk);
    }

    static List<Object> decode(String text) throws InvalidChangesetException {
        int end = text.length() - 1;
        if (end >= 2 && end <= 21 && text.charAt(0) == '[' && text.charAt(end) == ']' && isInteger(text, 1, end)) {
            try {
                return List.of(Long.parseLong(text, 1, end, 10));
            } catch (NumberFormatException e) {
                // past Long's range: the codec names the problem
            }
        }
        return ChangesetCodec.decodeValues(text);
    }

    /** {@code text[from, to)} is a JSON integer as the codec writes one: an optional minus, digits, no leading zero. */
    private static boolean isInteger(String text, int from, int to) {
        int digits = text.charAt(from) == '-' ? from + 1 : from;
        if (digits >= to || (text.charAt(digits) == '0' && to - digits > 1)) return false;
        for (int i = digits; i < to; i++) {
            char ch = text.charAt(i);
            if (ch < '0' || ch > '9') return false;
        }
        return true;
    }
}
