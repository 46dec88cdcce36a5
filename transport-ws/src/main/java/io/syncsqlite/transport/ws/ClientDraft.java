package io.syncsqlite.transport.ws;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.List;
import org.java_websocket.drafts.Draft;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.enums.Role;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.framing.Framedata;

/**
 * RFC 6455 as Java-WebSocket implements it, except that a client's frames are masked eight bytes at a time: the
 * library masks byte by byte, which took more of a publishing replica's CPU than encoding the changes (JFR of a 200k-row
 * seed publish: 39 of 100 samples of the engine thread). The frame is the one the library would write, with a masking
 * key from a {@link SecureRandom} as RFC 6455 section 5.3 asks.
 * <p>
 * Every frame written and every byte of frames read passes through here, so this is also where the connection's bytes
 * are counted for the file's metrics: WebSocket frames, headers included (not TLS records or the HTTP upgrade).
 */
final class ClientDraft extends Draft_6455 {
    /** Receives the bytes of frames sent and received. */
    @FunctionalInterface
    interface WireBytes {
        void count(long sent, long received);
    }

    private final SecureRandom random = new SecureRandom();
    private final WireBytes wire;

    ClientDraft(int maxFrameSize, WireBytes wire) {
        super(List.of(), maxFrameSize);
        this.wire = wire;
    }

    /** The library works on a copy of the draft it was given, which counts into the same place. */
    @Override
    public Draft copyInstance() {
        return new ClientDraft(getMaxFrameSize(), wire);
    }

    @Override
    public List<Framedata> translateFrame(ByteBuffer buffer) throws InvalidDataException {
        wire.count(0, buffer.remaining()); // each byte read once: a frame cut between reads is kept by the library
        return super.translateFrame(buffer);
    }

    @Override
    public ByteBuffer createBinaryFrame(Framedata frame) {
        ByteBuffer out = getRole() == Role.CLIENT ? masked(frame) : super.createBinaryFrame(frame);
        wire.count(out.remaining(), 0);
        return out;
    }

    private ByteBuffer masked(Framedata frame) {
        getExtension().encodeFrame(frame);
        ByteBuffer payload = frame.getPayloadData().duplicate();
        int length = payload.remaining();
        int lengthBytes = length <= 125 ? 0 : length <= 0xFFFF ? 2 : 8;
        ByteBuffer out = ByteBuffer.allocate(2 + lengthBytes + 4 + length);
        out.put((byte) ((frame.isFin() ? 0x80 : 0) | (frame.isRSV1() ? 0x40 : 0) | (frame.isRSV2() ? 0x20 : 0) | (frame.isRSV3() ? 0x10 : 0)
                | opcode(frame)));
        if (lengthBytes == 0) out.put((byte) (0x80 | length));
        else if (lengthBytes == 2) out.put((byte) (0x80 | 126)).putShort((short) length);
        else out.put((byte) (0x80 | 127)).putLong(length);
        int mask = random.nextInt();
        out.putInt(mask);
        long mask8 = ((long) mask << 32) | (mask & 0xFFFFFFFFL);
        while (payload.remaining() >= 8) out.putLong(payload.getLong() ^ mask8);
        for (int i = 0; payload.hasRemaining(); i++) out.put((byte) (payload.get() ^ (mask >>> (24 - 8 * (i & 3)))));
        out.flip();
        return out;
    }

    private static int opcode(Framedata frame) {
        return switch (frame.getOpcode()) {
            case CONTINUOUS -> 0;
            case TEXT -> 1;
            case BINARY -> 2;
            case CLOSING -> 8;
            case PING -> 9;
            case PONG -> 10;
        };
    }
}
