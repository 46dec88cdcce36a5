package io.syncsqlite.transport.ws;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.enums.Opcode;
import org.java_websocket.enums.Role;
import org.java_websocket.framing.BinaryFrame;
import org.java_websocket.framing.Framedata;
import org.junit.jupiter.api.Test;

/** The client's frames, masked eight bytes at a time, read back by the library's own server side as they were sent. */
class ClientDraftTest {
    @Test
    void framesOfEveryLengthClassAreReadBackByTheLibrarysServerSide() throws Exception {
        long seed = System.nanoTime();
        System.out.println("ClientDraftTest seed " + seed);
        Random random = new Random(seed);
        long[] counted = new long[2];
        ClientDraft client = new ClientDraft(1 << 22, (sent, received) -> {
            counted[0] += sent;
            counted[1] += received;
        });
        client.setParseMode(Role.CLIENT);
        long written = 0;
        for (int length : new int[] {0, 1, 7, 8, 9, 125, 126, 127, 65_535, 65_536, 100_003}) {
            byte[] payload = new byte[length];
            random.nextBytes(payload);
            BinaryFrame frame = new BinaryFrame();
            frame.setPayload(ByteBuffer.wrap(payload));
            frame.setFin(true);
            ByteBuffer wire = client.createBinaryFrame(frame);
            written += wire.remaining();
            assertEquals(written, counted[0], "every frame's bytes are counted as sent, headers included");
            assertTrue((wire.get(1) & 0x80) != 0, "masked");
            Draft_6455 server = new Draft_6455(List.of(), 1 << 22);
            server.setParseMode(Role.SERVER);
            List<Framedata> read = server.translateFrame(wire);
            assertEquals(1, read.size(), "length " + length);
            assertEquals(Opcode.BINARY, read.get(0).getOpcode());
            ByteBuffer got = read.get(0).getPayloadData();
            byte[] bytes = new byte[got.remaining()];
            got.get(bytes);
            assertArrayEquals(payload, bytes, "length " + length + ", seed " + seed);

            // the server's frame back, arriving in two reads: every byte counted once as received
            BinaryFrame answer = new BinaryFrame();
            answer.setPayload(ByteBuffer.wrap(payload));
            answer.setFin(true);
            ByteBuffer back = server.createBinaryFrame(answer);
            byte[] onWire = new byte[back.remaining()];
            back.get(onWire);
            int total = onWire.length;
            int cut = random.nextInt(total + 1);
            long receivedBefore = counted[1];
            // two socket reads, each into a buffer of its own as the library's reads are
            List<Framedata> first = client.translateFrame(ByteBuffer.wrap(Arrays.copyOfRange(onWire, 0, cut)));
            List<Framedata> second = client.translateFrame(ByteBuffer.wrap(Arrays.copyOfRange(onWire, cut, total)));
            assertEquals(1, first.size() + second.size(), "length " + length + " cut at " + cut + ", seed " + seed);
            assertEquals(total, counted[1] - receivedBefore, "received bytes, length " + length + " cut at " + cut + ", seed " + seed);
        }
    }
}
