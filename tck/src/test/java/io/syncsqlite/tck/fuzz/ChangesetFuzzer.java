package io.syncsqlite.tck.fuzz;

import io.syncsqlite.change.ChangesetCodec;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Makes changesets in the wire format, valid ones and mutated ones: truncated, bit-flipped, wrong types, NULL keys,
 * repeated fields, deep nesting, huge values, hostile names, random bytes. Everything comes from one {@link Random},
 * so a seed reproduces the inputs.
 */
final class ChangesetFuzzer {
    /** Names a peer may send: ordinary, quoted, internal, control characters, very long, empty, NUL. */
    static final List<String> HOSTILE_NAMES = List.of("t", "T", "a", "\\\"; DROP TABLE t; --", "sqlite_master", "_syncsqlite_outbox", "x\\u001b[2Jy",
            "line\\nbreak", "\\u202eevil", "caf\\u00e9", "", "nul\\u0000name", "n".repeat(3000), "2fa.codes", "t\\\"\\\"", "'; --");
    private static final String[] WRONG_VALUES = {"true", "{}", "[]", "\"x\"", "-1", "1e400", "123456789012345678901234567890", "null",
        "{\"b\":\"!!notbase64\"}", "{\"r\":\"NaN\"}", "{\"q\":\"1\"}", "[1,[2,[3]]]", "-9223372036854775809", "9223372036854775807"};
    private static final String[] FIELDS = {"\"t\"", "\"pk\"", "\"c\"", "\"val\"", "\"hlc\"", "\"cl\"", "\"site\"", "\"v\"", "\"changes\""};

    /** The kinds of input made, for the report. */
    enum Kind { VALID, TRUNCATED, BIT_FLIPPED, WRONG_TYPE, NULL_KEY, REPEATED_FIELD, DEEP, HUGE, HOSTILE_NAME, FUTURE_VERSION, RANDOM_BYTES }

    /** One input and how it was made. */
    record Input(Kind kind, byte[] bytes) {
        String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private final Random random;
    private final String site;
    private int huge;

    /**
     * @param site the changesets' origin
     * @param huge how many values over the wire format's limit (16 MiB and more each) to make at most
     */
    ChangesetFuzzer(Random random, String site, int huge) {
        this.random = random;
        this.site = site;
        this.huge = huge;
    }

    /** A valid changeset of 1 to 5 changes to table {@code t(id INTEGER PRIMARY KEY, a, b)}. */
    String valid() {
        StringBuilder b = new StringBuilder("{\"v\":1,\"site\":\"").append(site).append("\",\"changes\":[");
        int n = 1 + random.nextInt(5);
        for (int i = 0; i < n; i++) {
            long id = random.nextInt(50);
            b.append(i == 0 ? "" : ",").append("{\"t\":\"t\",\"pk\":[").append(id).append("],\"c\":");
            if (random.nextInt(4) == 0) b.append("null");
            else b.append(random.nextBoolean() ? "\"a\"" : "\"b\"").append(",\"val\":").append(value());
            b.append(",\"hlc\":").append((System.currentTimeMillis() << 16) + random.nextInt(1000)).append(",\"cl\":1}");
        }
        return b.append("]}").toString();
    }

    private String value() {
        switch (random.nextInt(6)) {
            case 0: return Long.toString(random.nextLong());
            case 1: return Double.toString(random.nextDouble() * 1e6);
            case 2: return "\"text " + random.nextInt() + "\"";
            case 3: return "{\"b\":\"AAEC\"}";
            case 4: return "null";
            default: return "{\"r\":\"-Infinity\"}";
        }
    }

    /** The next input: a valid changeset now and then, else a mutated one. */
    Input next() {
        String json = valid();
        Kind kind = Kind.values()[random.nextInt(Kind.values().length)];
        if (kind == Kind.HUGE && huge-- <= 0) kind = Kind.DEEP;
        return new Input(kind, mutate(kind, json));
    }

    private byte[] mutate(Kind kind, String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        switch (kind) {
            case VALID:
                return bytes;
            case TRUNCATED:
                return Arrays.copyOf(bytes, random.nextInt(bytes.length));
            case BIT_FLIPPED: {
                byte[] out = bytes.clone();
                for (int i = 1 + random.nextInt(8); i > 0; i--) out[random.nextInt(out.length)] ^= (byte) (1 << random.nextInt(8));
                return out;
            }
            case WRONG_TYPE:
                return replaceValueOf(json, FIELDS[random.nextInt(FIELDS.length)], WRONG_VALUES[random.nextInt(WRONG_VALUES.length)]);
            case NULL_KEY:
                return json.replaceFirst("\"pk\":\\[[^\\]]*\\]", random.nextBoolean() ? "\"pk\":[null]" : "\"pk\":[1,null]").getBytes(StandardCharsets.UTF_8);
            case REPEATED_FIELD: {
                String field = FIELDS[random.nextInt(7)];
                String dup = field.equals("\"pk\"") ? "\"pk\":[7]," : field.equals("\"t\"") || field.equals("\"c\"") ? field + ":\"b\"," : field + ":3,";
                return json.replaceFirst("\\{\"t\"", "{" + dup.replace("$", "\\$") + "\"t\"").getBytes(StandardCharsets.UTF_8);
            }
            case DEEP: {
                int depth = 10 + random.nextInt(3000);
                String deep = "[".repeat(depth) + "1" + "]".repeat(depth);
                return replaceValueOf(json, random.nextBoolean() ? "\"val\"" : "\"pk\"", deep);
            }
            case HUGE: {
                // just over the limit, as TEXT or as a BLOB
                String value = random.nextBoolean() ? "\"" + "h".repeat(ChangesetCodec.MAX_VALUE_BYTES + 1) + "\""
                        : "{\"b\":\"" + "QUFB".repeat(ChangesetCodec.MAX_VALUE_BYTES / 3 + 1) + "\"}";
                return replaceValueOf(json.replace("\"c\":null", "\"c\":\"a\",\"val\":1"), "\"val\"", value);
            }
            case HOSTILE_NAME: {
                String name = HOSTILE_NAMES.get(random.nextInt(HOSTILE_NAMES.size()));
                String field = random.nextBoolean() ? "\"t\"" : "\"c\"";
                return replaceValueOf(json.replace("\"c\":null", "\"c\":\"a\",\"val\":1"), field, "\"" + name + "\"");
            }
            case FUTURE_VERSION:
                return replaceValueOf(json, "\"hlc\"", Long.toString(Long.MAX_VALUE - random.nextInt(1000)));
            default: {
                byte[] out = new byte[random.nextInt(200)];
                random.nextBytes(out);
                return out;
            }
        }
    }

    /** {@code json} with the value of the first occurrence of {@code field} replaced by {@code replacement}. */
    private byte[] replaceValueOf(String json, String field, String replacement) {
        int at = json.indexOf(field + ":");
        if (at < 0) return json.getBytes(StandardCharsets.UTF_8);
        int start = at + field.length() + 1;
        int end = endOfValue(json, start);
        return (json.substring(0, start) + replacement + json.substring(end)).getBytes(StandardCharsets.UTF_8);
    }

    /** Where the JSON value starting at {@code i} ends (strings, arrays and objects balanced). */
    private static int endOfValue(String s, int i) {
        int depth = 0;
        boolean inString = false;
        for (int j = i; j < s.length(); j++) {
            char ch = s.charAt(j);
            if (inString) {
                if (ch == '\\') j++;
                else if (ch == '"') {
                    inString = false;
                    if (depth == 0) return j + 1;
                }
            } else if (ch == '"') inString = true;
            else if (ch == '[' || ch == '{') depth++;
            else if (ch == ']' || ch == '}') {
                if (depth == 0) return j;
                if (--depth == 0) return j + 1;
            } else if (ch == ',' && depth == 0) return j;
        }
        return s.length();
    }
}
