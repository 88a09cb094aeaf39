package org.echofs.gateway.xdr;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@link XdrEncoder#appendOpaque}: the same bytes as writeOpaque, ownership of the appended buffer. */
class XdrEncoderTest {

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    private static byte[] expected(byte[] data) {
        ByteBuf b = Unpooled.buffer();
        new XdrEncoder(b).writeInt(1).writeOpaque(data).writeInt(2);
        return ByteBufUtil.getBytes(b);
    }

    private static ByteBuf direct(byte[] data) {
        return UnpooledByteBufAllocator.DEFAULT.directBuffer(data.length).writeBytes(data);
    }

    @Test
    void gatheringEncoderAppendsLargeBuffersWithoutCopyingThem() {
        for (int n : new int[] {XdrEncoder.GATHER_MIN, XdrEncoder.GATHER_MIN + 1, 65_538, 1 << 20}) {
            byte[] data = bytes(n);
            ByteBuf d = direct(data);
            XdrEncoder enc = XdrEncoder.gathering(UnpooledByteBufAllocator.DEFAULT.directBuffer(16));
            enc.writeInt(1).appendOpaque(d).writeInt(2);
            ByteBuf out = enc.finish();
            CompositeByteBuf composite = assertInstanceOf(CompositeByteBuf.class, out);
            assertEquals(3, composite.numComponents(), "head, data, tail");
            assertArrayEquals(expected(data), ByteBufUtil.getBytes(out), n + " bytes");
            assertEquals(1, d.refCnt(), "the data belongs to the output now");
            out.release();
            assertEquals(0, d.refCnt());
        }
    }

    @Test
    void smallBuffersAndPlainEncodersCopyAndReleaseTheAppendedBuffer() {
        for (int n : new int[] {0, 1, 2, 3, 4, 5, XdrEncoder.GATHER_MIN - 1}) {
            byte[] data = bytes(n);
            ByteBuf d = direct(data);
            ByteBuf first = Unpooled.buffer();
            XdrEncoder enc = XdrEncoder.gathering(first);
            enc.writeInt(1).appendOpaque(d).writeInt(2);
            assertEquals(0, d.refCnt());
            ByteBuf out = enc.finish();
            assertSame(first, out);
            assertArrayEquals(expected(data), ByteBufUtil.getBytes(out));
            out.release();
        }
        byte[] data = bytes(100_000);
        ByteBuf d = direct(data);
        ByteBuf plain = Unpooled.buffer();
        new XdrEncoder(plain).writeInt(1).appendOpaque(d).writeInt(2);
        assertEquals(0, d.refCnt());
        assertArrayEquals(expected(data), ByteBufUtil.getBytes(plain));
    }

    @Test
    void discardReleasesEverythingOnce() {
        ByteBuf first = UnpooledByteBufAllocator.DEFAULT.directBuffer(16);
        ByteBuf d1 = direct(bytes(20_000));
        ByteBuf d2 = direct(bytes(30_000));
        XdrEncoder enc = XdrEncoder.gathering(first);
        enc.writeInt(1).appendOpaque(d1).writeInt(2).appendOpaque(d2);
        enc.discard();
        enc.discard();
        assertEquals(0, first.refCnt());
        assertEquals(0, d1.refCnt());
        assertEquals(0, d2.refCnt());
    }

    @Test
    void appendIntoAFullBufferReleasesTheData() {
        ByteBuf full = Unpooled.buffer(4, 4).writeInt(0);
        ByteBuf d = direct(bytes(20_000));
        XdrEncoder enc = XdrEncoder.gathering(full);
        assertThrows(IndexOutOfBoundsException.class, () -> enc.appendOpaque(d));
        assertEquals(0, d.refCnt());
        enc.discard();
        assertFalse(full.refCnt() > 0);
    }

    @Test
    void writeOpaqueFromByteBufferStillCopies() {
        byte[] data = bytes(10);
        ByteBuf b = Unpooled.buffer();
        new XdrEncoder(b).writeOpaque(ByteBuffer.wrap(data));
        assertEquals(16, b.readableBytes());
    }
}
