package io.syncsqlite.tck.fuzz;

import io.syncsqlite.change.Envelope;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * Hostile byte streams for a hub's WebSocket port, from a seeded {@link Random}: mangled or endless upgrade requests,
 * and after a valid upgrade (with or without a valid hello first) frames of every shape — any opcode, masked or not,
 * lengths in all three encodings up to 2^63, fragments that never end, control frames over 125 bytes, garbage.
 */
final class HostileWsFuzzer {
    /** What an input does. */
    enum Kind { BAD_UPGRADE, LONG_UPGRADE, FRAMES_BEFORE_HELLO, FRAMES_AFTER_HELLO, GARBAGE }

    record Input(Kind kind, byte[] bytes) {
    }

    private static final String UPGRADE = "GET / HTTP/1.1\r\nHost: hub\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: MDEyMzQ1Njc4OWFiY2RlZg==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    private final Random random;
    private final String token;

    HostileWsFuzzer(Random random, String token) {
        this.random = random;
        this.token = token;
    }

    Input next() {
        Kind kind = Kind.values()[random.nextInt(Kind.values().length)];
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        switch (kind) {
            case BAD_UPGRADE -> {
                String[] lines = UPGRADE.split("\r\n");
                StringBuilder b = new StringBuilder();
                for (String line : lines) {
                    int r = random.nextInt(6);
                    if (r == 0) continue; // a header left out
                    if (r == 1) line = line.replace(':', random.nextBoolean() ? ' ' : '\0');
                    if (r == 2) line = line + "x".repeat(random.nextInt(300));
                    b.append(line).append(random.nextInt(8) == 0 ? "\n" : "\r\n");
                }
                out.writeBytes(b.toString().getBytes(StandardCharsets.ISO_8859_1));
            }
            case LONG_UPGRADE -> {
                out.writeBytes("GET / HTTP/1.1\r\nX-Long: ".getBytes(StandardCharsets.US_ASCII));
                out.writeBytes("a".repeat(16_000 + random.nextInt(100_000)).getBytes(StandardCharsets.US_ASCII));
            }
            case FRAMES_BEFORE_HELLO -> {
                out.writeBytes(UPGRADE.getBytes(StandardCharsets.US_ASCII));
                frames(out);
            }
            case FRAMES_AFTER_HELLO -> {
                out.writeBytes(UPGRADE.getBytes(StandardCharsets.US_ASCII));
                byte[] hello = Envelope.of("hello", "token", token, "since", 0L).encode();
                frame(out, 0x82, true, hello.length, hello);
                frames(out);
            }
            case GARBAGE -> {
                byte[] b = new byte[1 + random.nextInt(4096)];
                random.nextBytes(b);
                out.writeBytes(b);
            }
        }
        return new Input(kind, out.toByteArray());
    }

    private void frames(ByteArrayOutputStream out) {
        for (int n = 1 + random.nextInt(4); n > 0; n--) {
            int opcode = random.nextInt(16);
            boolean fin = random.nextInt(3) > 0;
            long announced = switch (random.nextInt(5)) {
                case 0 -> random.nextInt(126);
                case 1 -> 126 + random.nextInt(65_536 - 126);
                case 2 -> 23_000_000L + random.nextInt(1000);
                case 3 -> Long.MAX_VALUE - random.nextInt(1000);
                default -> 1L << (16 + random.nextInt(40));
            };
            byte[] payload = new byte[(int) Math.min(announced, random.nextInt(2048))];
            random.nextBytes(payload);
            frame(out, (fin ? 0x80 : 0) | opcode | (random.nextInt(8) == 0 ? 0x70 : 0), random.nextInt(6) > 0, announced, payload);
        }
    }

    private void frame(ByteArrayOutputStream out, int first, boolean masked, long length, byte[] payload) {
        ByteBuffer h = ByteBuffer.allocate(14);
        h.put((byte) first);
        int mask = masked ? 0x80 : 0;
        if (length < 126) h.put((byte) (mask | length));
        else if (length < 65_536) h.put((byte) (mask | 126)).putShort((short) length);
        else h.put((byte) (mask | 127)).putLong(length);
        byte[] key = new byte[4];
        random.nextBytes(key);
        if (masked) h.put(key);
        out.write(h.array(), 0, h.position());
        for (int i = 0; i < payload.length; i++) out.write(masked ? payload[i] ^ key[i % 4] : payload[i]);
    }
}
