package io.syncsqlite.change;

import com.fasterxml.jackson.core.JsonFactory;
import io.syncsqlite.ErrorText;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The JSON wire format (docs/how-it-works.md, "Wire format"), written and read with Jackson's streaming API.
 * <pre>{"v":1,"site":"…","changes":[{"t":"todo","pk":[1],"c":"title","val":"x","hlc":…,"site":"…","cl":1}]}</pre>
 * SQLite's storage classes survive exactly: INTEGER as a JSON integer, REAL as a JSON number with a fraction or
 * exponent ({@code {"r":"Infinity"}} for infinities), TEXT as a string, BLOB as {@code {"b":"base64"}}, NULL as null.
 * {@code "c":null} is the row's existence cell. A change without {@code "site"} was written by the changeset's own
 * {@code "site"} (which must then come first): most changes are, and 32 hex digits per change are a third of the bytes.
 * Reading checks the structure and limits of every field.
 */
public final class ChangesetCodec {
    /** Longest table or column name accepted from a peer. */
    public static final int MAX_IDENTIFIER_LENGTH = 2048;
    /**
     * Largest value (TEXT in UTF-8 bytes, BLOB in bytes) a changeset carries. Writers check it where a change is made
     * ({@link #checkValueSize}), readers where one is decoded, so whatever one replica publishes every other can read.
     */
    public static final int MAX_VALUE_BYTES = 16 * 1024 * 1024;
    /** These limits as text: a change refused under other limits is offered again once they change. */
    public static final String LIMITS = "changeset v1: names of 1-" + MAX_IDENTIFIER_LENGTH + " characters, values of at most " + MAX_VALUE_BYTES + " bytes";
    private static final Pattern SITE = Pattern.compile("[0-9a-f]{32}");
    /** The longest JSON string a valid value needs: a BLOB of {@link #MAX_VALUE_BYTES} in base64. */
    private static final int MAX_JSON_STRING = (MAX_VALUE_BYTES + 2) / 3 * 4;
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(8).maxStringLength(MAX_JSON_STRING).build())
            .build();

    /** Fields of a changeset; a repeated one is refused rather than letting the last one win (so are a change's). */
    private static final Set<String> TOP_FIELDS = Set.of("v", "site", "changes");

    private ChangesetCodec() {
    }

    public static byte[] encode(Changeset cs) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + cs.size() * 96);
        try {
            write(cs, out);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static void write(Changeset cs, OutputStream out) throws IOException {
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("v", Changeset.FORMAT_VERSION);
            g.writeStringField("site", cs.origin());
            g.writeArrayFieldStart("changes");
            for (Change c : cs.changes()) {
                g.writeStartObject();
                g.writeStringField("t", c.table());
                g.writeArrayFieldStart("pk");
                for (Object v : c.pk()) writeValue(g, v);
                g.writeEndArray();
                g.writeFieldName("c");
                if (c.column() == null) g.writeNull();
                else g.writeString(c.column());
                if (c.column() != null) {
                    g.writeFieldName("val");
                    writeValue(g, c.value());
                }
                g.writeNumberField("hlc", c.hlc());
                if (!c.site().equals(cs.origin())) g.writeStringField("site", c.site());
                g.writeNumberField("cl", c.cl());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    /** Writes one SQLite value in the tagged JSON form. */
    public static void writeValue(JsonGenerator g, Object v) throws IOException {
        if (v == null) g.writeNull();
        else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) g.writeNumber(((Number) v).longValue());
        else if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (Double.isInfinite(d)) {
                g.writeStartObject();
                g.writeStringField("r", d > 0 ? "Infinity" : "-Infinity");
                g.writeEndObject();
            } else {
                g.writeNumber(d);
            }
        } else if (v instanceof String s) g.writeString(s);
        else if (v instanceof byte[] b) {
            g.writeStartObject();
            g.writeStringField("b", Base64.getEncoder().encodeToString(b));
            g.writeEndObject();
        } else throw new IllegalArgumentException("Not an SQLite value: " + v.getClass().getName());
    }

    /** Encodes a list of SQLite values (a primary key) as a tagged JSON array. */
    public static String encodeValues(java.util.List<Object> values) {
        java.io.StringWriter w = new java.io.StringWriter();
        try (JsonGenerator g = JSON.createGenerator(w)) {
            g.writeStartArray();
            for (Object v : values) writeValue(g, v);
            g.writeEndArray();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return w.toString();
    }

    /** Decodes what {@link #encodeValues} wrote. */
    public static List<Object> decodeValues(String json) throws InvalidChangesetException {
        try (JsonParser p = JSON.createParser(json)) {
            expect(p.nextToken() == JsonToken.START_ARRAY, "expected a JSON array of values");
            List<Object> out = new ArrayList<>();
            while (p.nextToken() != JsonToken.END_ARRAY) out.add(readValue(p));
            return out;
        } catch (IOException e) {
            throw new InvalidChangesetException("Malformed value list: " + jsonProblem(e), e);
        }
    }

    public static Changeset decode(byte[] json) throws InvalidChangesetException {
        try (JsonParser p = JSON.createParser(json)) {
            return read(p);
        } catch (IOException e) {
            throw new InvalidChangesetException("Malformed changeset JSON: " + jsonProblem(e), e);
        }
    }

    public static Changeset read(InputStream in) throws InvalidChangesetException {
        try (JsonParser p = JSON.createParser(in)) {
            return read(p);
        } catch (IOException e) {
            throw new InvalidChangesetException("Malformed changeset JSON: " + jsonProblem(e), e);
        }
    }

    private static Changeset read(JsonParser p) throws IOException, InvalidChangesetException {
        expect(p.nextToken() == JsonToken.START_OBJECT, "a changeset must be a JSON object");
        // table, column and site names repeat on every change: validate each distinct one once and share the instance
        Map<String, String> names = new HashMap<>();
        Map<String, String> sites = new HashMap<>();
        Integer version = null;
        String origin = null;
        List<Change> changes = null;
        Set<String> seen = new HashSet<>(4);
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            switch (field) {
                case "v" -> {
                    expect(t == JsonToken.VALUE_NUMBER_INT, "\"v\" must be an integer");
                    version = p.getIntValue();
                }
                case "site" -> origin = site(p, t, sites);
                case "changes" -> {
                    expect(t == JsonToken.START_ARRAY, "\"changes\" must be an array");
                    changes = new ArrayList<>();
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        try {
                            changes.add(readChange(p, names, sites, origin, changes.isEmpty() ? null : changes.get(changes.size() - 1)));
                        } catch (InvalidChangesetException e) {
                            throw new InvalidChangesetException(e.getMessage() + " (change " + changes.size() + ")", e);
                        }
                    }
                }
                default -> p.skipChildren();
            }
            expect(seen.add(field) || !TOP_FIELDS.contains(field), "duplicate field \"" + field + "\"");
        }
        expect(version != null && version == Changeset.FORMAT_VERSION, "unsupported changeset format version " + version + " (expected 1)");
        expect(origin != null, "missing \"site\"");
        expect(changes != null, "missing \"changes\"");
        expect(p.nextToken() == null, "trailing content after the changeset");
        return new Changeset(origin, changes);
    }

    private static Change readChange(JsonParser p, Map<String, String> names, Map<String, String> sites, String origin, Change previous)
            throws IOException, InvalidChangesetException {
        expect(p.currentToken() == JsonToken.START_OBJECT, "each change must be a JSON object");
        String table = null;
        List<Object> pk = null;
        String column = null;
        boolean hasColumn = false;
        Object value = null;
        long hlc = -1;
        long cl = -1;
        String site = null;
        int seen = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            int bit = switch (field) {
                case "t" -> 1;
                case "pk" -> 2;
                case "c" -> 4;
                case "val" -> 8;
                case "hlc" -> 16;
                case "cl" -> 32;
                case "site" -> 64;
                default -> 0;
            };
            expect((seen & bit) == 0, "duplicate field \"" + field + "\"");
            seen |= bit;
            switch (bit) {
                // a run of changes names one table: compare with the previous one's before making a string of it
                case 1 -> table = previous != null && sameText(p, t, previous.table()) ? previous.table() : identifier(p, t, "t", names);
                case 2 -> pk = key(p, t, previous);
                case 4 -> {
                    hasColumn = true;
                    column = t == JsonToken.VALUE_NULL ? null : identifier(p, t, "c", names);
                }
                case 8 -> value = readValue(p);
                case 16 -> hlc = nonNegativeLong(p, t, "hlc");
                case 32 -> cl = nonNegativeLong(p, t, "cl");
                case 64 -> site = site(p, t, sites);
                default -> p.skipChildren();
            }
        }
        if (site == null) site = origin;
        expect(table != null && pk != null && hasColumn && hlc >= 0 && cl >= 0 && site != null,
                "a change needs \"t\", \"pk\", \"c\", \"hlc\", \"cl\" and a \"site\" (its own or the changeset's, given first)");
        expect(cl >= 1, "\"cl\" must be at least 1");
        expect(column == null || (cl & 1) == 1, "a column change must carry an odd (live) causal length");
        return new Change(table, pk, column, value, hlc, site, cl);
    }

    /**
     * A change's {@code "pk"}: a row's changes come side by side, so the previous change's key list is shared instead
     * of keeping a copy per cell.
     */
    private static List<Object> key(JsonParser p, JsonToken t, Change previous) throws IOException, InvalidChangesetException {
        expect(t == JsonToken.START_ARRAY, "\"pk\" must be an array");
        Object[] values = new Object[4];
        int n = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            Object key = readValue(p);
            expect(key != null, "a \"pk\" value is NULL, which identifies no row");
            expect(n < 64, "\"pk\" must hold 1 to 64 values");
            if (n == values.length) values = java.util.Arrays.copyOf(values, n * 2);
            values[n++] = key;
        }
        expect(n > 0, "\"pk\" must hold 1 to 64 values");
        List<Object> pk = List.of(java.util.Arrays.copyOf(values, n));
        return previous != null && previous.pk().equals(pk) ? previous.pk() : pk;
    }

    /** Whether the current string token is {@code s}, without making a string of it. */
    private static boolean sameText(JsonParser p, JsonToken t, String s) throws IOException {
        if (t != JsonToken.VALUE_STRING || p.getTextLength() != s.length()) return false;
        char[] chars = p.getTextCharacters();
        int offset = p.getTextOffset();
        for (int i = 0; i < s.length(); i++) if (chars[offset + i] != s.charAt(i)) return false;
        return true;
    }

    private static Object readValue(JsonParser p) throws IOException, InvalidChangesetException {
        JsonToken t = p.currentToken();
        switch (t) {
            case VALUE_NULL:
                return null;
            case VALUE_NUMBER_INT:
                expect(p.getNumberType() == JsonParser.NumberType.INT || p.getNumberType() == JsonParser.NumberType.LONG,
                        "integer out of SQLite's 64-bit range");
                return p.getLongValue();
            case VALUE_NUMBER_FLOAT:
                return p.getDoubleValue();
            case VALUE_STRING: {
                String text = p.getText();
                checkValueSize(text, "a TEXT value");
                return text;
            }
            case START_OBJECT: {
                expect(p.nextToken() == JsonToken.FIELD_NAME, "a tagged value needs \"b\" or \"r\"");
                String tag = p.currentName();
                expect(p.nextToken() == JsonToken.VALUE_STRING, "a tagged value holds a string");
                String text = p.getText();
                expect(p.nextToken() == JsonToken.END_OBJECT, "a tagged value holds one field");
                if (tag.equals("b")) {
                    try {
                        byte[] blob = Base64.getDecoder().decode(text);
                        checkValueSize(blob, "a BLOB value");
                        return blob;
                    } catch (IllegalArgumentException e) {
                        throw new InvalidChangesetException("Malformed base64 BLOB value", e);
                    }
                }
                if (tag.equals("r") && (text.equals("Infinity") || text.equals("-Infinity"))) return Double.parseDouble(text);
                throw new InvalidChangesetException("Unknown tagged value {\"" + tag + "\":…}");
            }
            default:
                throw new InvalidChangesetException("Not an SQLite value: " + t);
        }
    }

    private static String identifier(JsonParser p, JsonToken t, String field, Map<String, String> names) throws IOException, InvalidChangesetException {
        if (t != JsonToken.VALUE_STRING) throw new InvalidChangesetException("Invalid changeset: \"" + field + "\" must be a string");
        String s = p.getText();
        String known = names.get(s);
        if (known != null) return known;
        expect(!s.isEmpty() && s.length() <= MAX_IDENTIFIER_LENGTH && s.indexOf('\0') < 0,
                "\"" + field + "\" must be a name of 1 to " + MAX_IDENTIFIER_LENGTH + " characters without NUL");
        names.put(s, s);
        return s;
    }

    private static String site(JsonParser p, JsonToken t, Map<String, String> sites) throws IOException, InvalidChangesetException {
        expect(t == JsonToken.VALUE_STRING, "\"site\" must be 32 lowercase hex digits");
        String s = p.getText();
        String known = sites.get(s);
        if (known != null) return known;
        expect(SITE.matcher(s).matches(), "\"site\" must be 32 lowercase hex digits");
        sites.put(s, s);
        return s;
    }

    private static long nonNegativeLong(JsonParser p, JsonToken t, String field) throws IOException, InvalidChangesetException {
        boolean ok = t == JsonToken.VALUE_NUMBER_INT
                && (p.getNumberType() == JsonParser.NumberType.INT || p.getNumberType() == JsonParser.NumberType.LONG) && p.getLongValue() >= 0;
        if (!ok) throw new InvalidChangesetException("Invalid changeset: \"" + field + "\" must be a non-negative 64-bit integer");
        return p.getLongValue();
    }

    /**
     * Why {@code ch} cannot be carried by a changeset (a name or value over the limits every reader enforces), naming
     * its table, column and key; {@code null} when it can. Writers check this where a change is made, so nothing is
     * published that a reader would refuse.
     */
    public static String writeProblem(Change ch) {
        String name = badIdentifier(ch.table());
        if (name == null && ch.column() != null) name = badIdentifier(ch.column());
        if (name != null) return "table " + ErrorText.printable(ch.table()) + (ch.column() == null ? "" : " column " + ErrorText.printable(ch.column()))
                + ": " + name;
        long size = valueSize(ch.value());
        if (size <= MAX_VALUE_BYTES) return null;
        return "value of table " + ErrorText.printable(ch.table()) + " column " + ErrorText.printable(ch.column()) + " key " + describeKey(ch.pk())
                + " is " + size + " bytes, more than the " + MAX_VALUE_BYTES + " bytes a change may carry";
    }

    private static String badIdentifier(String s) {
        if (s.isEmpty() || s.length() > MAX_IDENTIFIER_LENGTH) return "a name must have 1 to " + MAX_IDENTIFIER_LENGTH + " characters";
        return s.indexOf('\0') >= 0 ? "a name must not contain NUL" : null;
    }

    private static String describeKey(List<Object> pk) {
        String k = encodeValues(pk);
        return ErrorText.printable(k.length() > 200 ? k.substring(0, 200) + "…" : k);
    }

    /**
     * Refuses a value larger than {@link #MAX_VALUE_BYTES}, naming where it is.
     *
     * @param where what the value is, e.g. table, column and key
     */
    public static void checkValueSize(Object value, String where) throws InvalidChangesetException {
        if (value instanceof String s && s.length() <= MAX_VALUE_BYTES / 3) return; // at most 3 UTF-8 bytes per char
        long size = valueSize(value);
        if (size > MAX_VALUE_BYTES) {
            throw new InvalidChangesetException("value of " + where + " is " + size + " bytes, more than the " + MAX_VALUE_BYTES
                    + " bytes a change may carry");
        }
    }

    /**
     * At least the bytes {@link #write} takes for {@code c} in a changeset of {@code origin}, and never far more: what
     * a transport sizes its pushes by. Long texts are measured (UTF-8 and JSON escapes), short ones bounded (at most 6
     * bytes a character), so measuring costs a pass over long values only.
     */
    public static long encodedSize(Change c, String origin) {
        // {"t":…,"pk":[…],"c":…,"hlc":…,"cl":…}, with numbers of up to 20 characters, and a comma
        long n = 80 + text(c.table()) + (c.column() == null ? 4 : text(c.column())) + (c.site().equals(origin) ? 0 : 8 + text(c.site()));
        for (Object v : c.pk()) n += 1 + encodedSize(v);
        return c.column() == null ? n : n + 7 + encodedSize(c.value());
    }

    private static long encodedSize(Object v) {
        if (v instanceof String s) return text(s);
        if (v instanceof byte[] b) return 10 + (b.length + 2L) / 3 * 4;
        return v == null ? 4 : 24; // numbers: at most 20 digits and a sign, doubles at most 24 characters; {"r":"-Infinity"} fits too
    }

    /** A JSON string's bytes: measured when long, bounded when short (6 bytes a character: the longest escape). */
    private static long text(String s) {
        return s.length() < 1024 ? 2 + 6L * s.length() : 2 + utf8Length(s, true);
    }

    /** SQLite's length of a value in bytes: UTF-8 bytes of TEXT, bytes of a BLOB, 8 for numbers, 0 for NULL. */
    public static long valueSize(Object value) {
        if (value instanceof byte[] b) return b.length;
        if (value instanceof String s) return utf8Length(s);
        return value == null ? 0 : 8;
    }

    private static long utf8Length(String s) {
        return utf8Length(s, false);
    }

    /** UTF-8 bytes of {@code s}; with {@code escaped}, as the inside of a JSON string (control characters take 6, quote and backslash 2). */
    private static long utf8Length(String s, boolean escaped) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (escaped && ch < 0x20) n += 6;
            else if (escaped && (ch == '"' || ch == '\\')) n += 2;
            else if (ch < 0x80) n++;
            else if (ch < 0x800) n += 2;
            else if (Character.isHighSurrogate(ch)) {
                n += 4;
                i++;
            } else n += 3;
        }
        return n;
    }

    /**
     * The parser's complaint, fit to show: Jackson quotes the offending input, which may hold control characters or
     * be long; this keeps its words and position, escapes control characters and cuts the quote.
     */
    private static String jsonProblem(IOException e) {
        String m = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
        if (m == null) return e.getClass().getSimpleName();
        m = m.length() > 300 ? m.substring(0, 300) + "…" : m;
        if (e instanceof JsonProcessingException j && j.getLocation() != null) {
            m += " (line " + j.getLocation().getLineNr() + ", column " + j.getLocation().getColumnNr() + ")";
        }
        return ErrorText.printable(m);
    }

    private static void expect(boolean ok, String message) throws InvalidChangesetException {
        if (!ok) throw new InvalidChangesetException("Invalid changeset: " + message);
    }
}
