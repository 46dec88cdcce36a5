package io.syncsqlite.change;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One message of a message-based transport (the hub's WebSocket protocol): a flat JSON header of string, integer and
 * boolean fields, a newline, then an optional body (a changeset in the wire format). The header names its
 * {@code type}; the body is passed on as bytes, so the receiver decodes and validates it exactly as an HTTP body.
 *
 * @param header the header fields; {@code type} is required
 * @param body   the body, empty when there is none
 */
public record Envelope(Map<String, Object> header, byte[] body) {
    /** Largest header accepted: headers carry ids and numbers, never data. */
    public static final int MAX_HEADER_BYTES = 8192;
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(2).maxStringLength(MAX_HEADER_BYTES).build())
            .build();

    public Envelope {
        header = Map.copyOf(header);
        if (!(header.get("type") instanceof String)) throw new IllegalArgumentException("an envelope needs a string 'type'");
    }

    /** An envelope of {@code type} with alternating field names and values, and no body. */
    public static Envelope of(String type, Object... fields) {
        return withBody(new byte[0], type, fields);
    }

    /** An envelope of {@code type} with alternating field names and values, and {@code body}. */
    public static Envelope withBody(byte[] body, String type, Object... fields) {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("type", type);
        for (int i = 0; i + 1 < fields.length; i += 2) {
            if (fields[i + 1] != null) h.put((String) fields[i], fields[i + 1] instanceof Integer n ? n.longValue() : fields[i + 1]);
        }
        return new Envelope(h, body);
    }

    public String type() {
        return (String) header.get("type");
    }

    public Optional<String> text(String field) {
        return header.get(field) instanceof String s ? Optional.of(s) : Optional.empty();
    }

    public Optional<Long> number(String field) {
        return header.get(field) instanceof Long n ? Optional.of(n) : Optional.empty();
    }

    public boolean flag(String field) {
        return Boolean.TRUE.equals(header.get(field));
    }

    public byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128 + body.length);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            for (Map.Entry<String, Object> e : header.entrySet()) {
                if (e.getValue() instanceof Long n) g.writeNumberField(e.getKey(), n);
                else if (e.getValue() instanceof Boolean b) g.writeBooleanField(e.getKey(), b);
                else g.writeStringField(e.getKey(), String.valueOf(e.getValue()));
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.write('\n');
        out.write(body, 0, body.length);
        return out.toByteArray();
    }

    /** Parses a message; throws {@link InvalidChangesetException} naming what is wrong with it. */
    public static Envelope decode(ByteBuffer message) throws InvalidChangesetException {
        // a catch-up page is hundreds of kilobytes: read it where it is, copying only the body out
        if (message.hasArray()) return decode(message.array(), message.arrayOffset() + message.position(), message.remaining());
        byte[] bytes = new byte[message.remaining()];
        message.get(bytes);
        return decode(bytes);
    }

    public static Envelope decode(byte[] bytes) throws InvalidChangesetException {
        return decode(bytes, 0, bytes.length);
    }

    private static Envelope decode(byte[] bytes, int offset, int length) throws InvalidChangesetException {
        int limit = offset + length;
        int nl = -1;
        for (int i = offset; i < limit && i - offset <= MAX_HEADER_BYTES; i++) {
            if (bytes[i] == '\n') {
                nl = i;
                break;
            }
        }
        if (nl < 0 && length > MAX_HEADER_BYTES) throw new InvalidChangesetException("message header exceeds " + MAX_HEADER_BYTES + " bytes");
        int end = nl < 0 ? limit : nl;
        Map<String, Object> header = new LinkedHashMap<>();
        try (JsonParser p = JSON.createParser(bytes, offset, end - offset)) {
            if (p.nextToken() != JsonToken.START_OBJECT) throw new InvalidChangesetException("message header must be a JSON object");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                switch (t) {
                    case VALUE_STRING -> header.put(name, p.getText());
                    case VALUE_NUMBER_INT -> header.put(name, p.getLongValue());
                    case VALUE_TRUE, VALUE_FALSE -> header.put(name, t == JsonToken.VALUE_TRUE);
                    case VALUE_NULL -> { }
                    default -> throw new InvalidChangesetException("message header field '" + name + "' must be a string, integer or boolean");
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) throw new InvalidChangesetException("message header is not one JSON object");
        } catch (IOException e) {
            throw new InvalidChangesetException("malformed message header: " + e.getMessage(), e);
        }
        if (!(header.get("type") instanceof String)) throw new InvalidChangesetException("message header has no string 'type'");
        return new Envelope(header, nl < 0 ? new byte[0] : Arrays.copyOfRange(bytes, nl + 1, limit));
    }
}
