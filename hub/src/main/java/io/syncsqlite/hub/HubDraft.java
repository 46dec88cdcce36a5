package io.syncsqlite.hub;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.java_websocket.drafts.Draft;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.exceptions.LimitExceededException;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.framing.Framedata;

/**
 * RFC 6455 as Java-WebSocket implements it, with the hub's size limits checked before the library allocates anything
 * for them. The library allocates a frame's whole announced payload as soon as it has read the frame's header, so a
 * peer announcing a 20 MB frame costs 20 MB at once; this draft reads every frame header itself first and closes with
 * 1009 (message too big) when the announced frame, or the message its fragments add up to, passes the connection's
 * limit: {@link #PRE_AUTH_MESSAGE_BYTES} until the connection has authenticated ({@link #authenticated()}), the
 * hub's push cap after. After authentication every data frame's announced payload is also taken from the hub's
 * {@link ReceiveBudget} before the library allocates it, and given back once its message was handled
 * ({@link #delivered()}, {@link #handled}) or the connection closed ({@link #closed()}); a frame that does not fit
 * the budget closes the connection with 1013 (try again later): the client reconnects after a pause and sends it again.
 * <p>
 * The library makes one copy of the draft per connection ({@link #copyInstance()}), so the state here is one
 * connection's: its frames are decoded by one worker thread at a time; {@link #authenticated()} comes from another.
 */
final class HubDraft extends Draft_6455 {
    /** Largest message before authentication: a hello carries a token, a cursor and an epoch. */
    static final int PRE_AUTH_MESSAGE_BYTES = 16 * 1024;

    private final int authenticatedMessageBytes;
    private final ReceiveBudget budget;
    private volatile boolean authenticated;
    /** Budget this connection holds (taken for frames, not yet given back); guarded by {@code this}. */
    private long held;
    private boolean closed;
    /** Budget taken for the frames of the data message still arriving. */
    private long messageTaken;
    /** Budget taken for each complete message not yet delivered, in arrival order. */
    private final Queue<Long> takenPerMessage = new ConcurrentLinkedQueue<>();
    /** The frame header being read: its bytes so far, up to the 14 a header can take. */
    private final byte[] header = new byte[14];
    private int headerRead;
    /** Payload bytes of the current frame still to come (skipped here; the library reads them). */
    private long payloadLeft;
    /** Payload bytes of the data message whose fragments are arriving. */
    private long messageBytes;

    HubDraft(int authenticatedMessageBytes, ReceiveBudget budget) {
        // the library's own cap stays at the largest message any connection may send; ours is checked first
        super(List.of(), authenticatedMessageBytes);
        this.authenticatedMessageBytes = authenticatedMessageBytes;
        this.budget = budget;
    }

    @Override
    public Draft copyInstance() {
        return new HubDraft(authenticatedMessageBytes, budget);
    }

    /** The budget taken for the message the library delivers now (messages are delivered in arrival order). */
    long delivered() {
        Long taken = takenPerMessage.poll();
        return taken == null ? 0 : taken;
    }

    /** A delivered message was handled: gives back the {@code taken} bytes {@link #delivered()} returned for it. */
    synchronized void handled(long taken) {
        if (closed || taken == 0) return;
        held -= taken;
        budget.giveBack(taken);
    }

    /** The connection closed: gives back all it holds, handled or not. */
    synchronized void closed() {
        closed = true;
        budget.giveBack(held);
        held = 0;
    }

    private synchronized boolean take(long bytes) {
        if (closed || !budget.tryTake(bytes)) return false;
        held += bytes;
        return true;
    }

    /** The connection has authenticated: it may now send messages up to the hub's push cap. */
    void authenticated() {
        authenticated = true;
    }

    /** The largest message this connection may send now. */
    int messageLimit() {
        return authenticated ? authenticatedMessageBytes : PRE_AUTH_MESSAGE_BYTES;
    }

    @Override
    public List<Framedata> translateFrame(ByteBuffer buffer) throws InvalidDataException {
        checkAnnouncedSizes(buffer.duplicate());
        return super.translateFrame(buffer);
    }

    /** Walks the frame headers in {@code bytes} (the same bytes the library is about to read) and checks each size. */
    private void checkAnnouncedSizes(ByteBuffer bytes) throws InvalidDataException {
        while (bytes.hasRemaining()) {
            if (payloadLeft > 0) {
                int skip = (int) Math.min(payloadLeft, bytes.remaining());
                bytes.position(bytes.position() + skip);
                payloadLeft -= skip;
                continue;
            }
            header[headerRead++] = bytes.get();
            if (headerRead < 2 || headerRead < headerLength()) continue;
            frameHeaderRead();
            headerRead = 0;
        }
    }

    /** Bytes of the header being read, known once its first two bytes are. */
    private int headerLength() {
        int len7 = header[1] & 0x7F;
        int mask = (header[1] & 0x80) != 0 ? 4 : 0;
        return 2 + mask + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0);
    }

    private void frameHeaderRead() throws InvalidDataException {
        int len7 = header[1] & 0x7F;
        long length;
        if (len7 == 126) {
            length = ((header[2] & 0xFFL) << 8) | (header[3] & 0xFFL);
        } else if (len7 == 127) {
            length = 0;
            for (int i = 2; i < 10; i++) length = (length << 8) | (header[i] & 0xFFL);
        } else {
            length = len7;
        }
        int opcode = header[0] & 0x0F;
        boolean fin = (header[0] & 0x80) != 0;
        boolean control = opcode >= 8; // control frames (at most 125 bytes, checked by the library) interleave with fragments
        int limit = messageLimit();
        if (length < 0 || length > limit || (!control && messageBytes + length > limit)) {
            throw new LimitExceededException("message larger than this hub accepts " + (authenticated ? "" : "before hello ") + "(" + limit + " bytes)", limit);
        }
        if (!control) {
            messageBytes = fin ? 0 : messageBytes + length;
            if (authenticated && length > 0) {
                if (!take(length)) {
                    throw new InvalidDataException(CloseFrame.TRY_AGAIN_LATER, "the hub is receiving too much at once (" + budget.capacity()
                            + " bytes); send this again shortly");
                }
                messageTaken += length;
            }
            if (fin) {
                takenPerMessage.add(messageTaken);
                messageTaken = 0;
            }
        }
        payloadLeft = length;
    }
}
