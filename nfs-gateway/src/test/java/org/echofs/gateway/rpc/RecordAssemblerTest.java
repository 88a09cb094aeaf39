package org.echofs.gateway.rpc;

import com.codahale.metrics.Counter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 5531 section 11: record marking, fed in every way TCP may cut it. */
class RecordAssemblerTest {

    private final List<ByteBuf> records = new ArrayList<>();
    private final RecordAssembler assembler = new RecordAssembler(1000, PooledByteBufAllocator.DEFAULT);

    @AfterEach
    void releaseAll() {
        for (ByteBuf b : records) {
            if (b.refCnt() > 0) b.release();
        }
        assembler.release();
    }

    private int feed(byte[] bytes) {
        ByteBuf in = Unpooled.wrappedBuffer(bytes);
        try {
            return assembler.feed(in, records::add);
        } finally {
            in.release();
        }
    }

    private List<byte[]> contents() {
        List<byte[]> out = new ArrayList<>();
        for (ByteBuf b : records) out.add(ByteBufUtil.getBytes(b));
        return out;
    }

    private static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void singleFragmentRecordIsPassedWhole() {
        byte[] body = bytes(100, 1);
        assertEquals(1, feed(RawCall.record(body)));
        assertArrayEquals(body, contents().get(0));
        assertTrue(assembler.atRecordBoundary());
    }

    @Test
    void threeFragmentsMakeOneRecord() {
        byte[] body = bytes(100, 2);
        assertEquals(1, feed(RawCall.fragments(body, 10, 50, 40)));
        assertEquals(1, records.size());
        assertArrayEquals(body, contents().get(0));
    }

    @Test
    void zeroLengthFragmentsAreAllowedAnywhere() {
        byte[] body = bytes(30, 3);
        assertEquals(1, feed(RawCall.fragments(body, 0, 10, 0, 20, 0)));
        assertArrayEquals(body, contents().get(0));
        assertEquals(1, feed(RawCall.record(new byte[0])));
        assertEquals(0, records.get(1).readableBytes());
    }

    @Test
    void everySplitPointOfAStreamGivesTheSameRecords() {
        byte[] a = bytes(40, 4);
        byte[] b = bytes(57, 5);
        byte[] c = bytes(3, 6);
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        stream.writeBytes(RawCall.record(a));
        stream.writeBytes(RawCall.fragments(b, 7, 0, 50));
        stream.writeBytes(RawCall.fragments(c, 1, 1, 1));
        byte[] all = stream.toByteArray();
        for (int cut1 = 0; cut1 <= all.length; cut1++) {
            for (int cut2 = cut1; cut2 <= all.length; cut2 += 5) {
                releaseAll();
                records.clear();
                feed(Arrays.copyOfRange(all, 0, cut1));
                feed(Arrays.copyOfRange(all, cut1, cut2));
                feed(Arrays.copyOfRange(all, cut2, all.length));
                List<byte[]> got = contents();
                assertEquals(3, got.size(), "cuts " + cut1 + "," + cut2);
                assertArrayEquals(a, got.get(0));
                assertArrayEquals(b, got.get(1));
                assertArrayEquals(c, got.get(2));
                assertTrue(assembler.atRecordBoundary());
            }
        }
    }

    @Test
    void byteByByteFeedingWorksAndCountsBufferedBytes() {
        byte[] body = bytes(200, 7);
        byte[] wire = RawCall.fragments(body, 100, 100);
        for (int i = 0; i < wire.length - 1; i++) {
            assertEquals(0, feed(new byte[] {wire[i]}));
            assertFalse(assembler.atRecordBoundary());
        }
        assertEquals(199, assembler.bufferedBytes());
        assertEquals(1, feed(new byte[] {wire[wire.length - 1]}));
        assertEquals(0, assembler.bufferedBytes());
        assertArrayEquals(body, contents().get(0));
    }

    @Test
    void twoGibLengthIsRefusedBeforeBuffering() {
        byte[] header = ByteBuffer.allocate(8).putInt(0xFFFFFFFF).putInt(42).array();
        assertEquals(RecordAssembler.TOO_LARGE, feed(header));
        assertEquals(0, assembler.bufferedBytes());
        assertTrue(records.isEmpty());
    }

    @Test
    void limitCoversTheWholeRecordAcrossFragments() {
        // 600 + 401 > 1000: refused at the second header, before its bytes arrive.
        byte[] first = RawCall.fragments(bytes(600, 8), 600);
        ByteBuffer b = ByteBuffer.allocate(4 + 600 + 4);
        b.putInt(600).put(first, 4, 600).putInt(0x80000000 | 401);
        assertEquals(RecordAssembler.TOO_LARGE, feed(b.array()));
        assertEquals(0, assembler.bufferedBytes());
        // Exactly the limit is fine.
        RecordAssembler exact = new RecordAssembler(1000, PooledByteBufAllocator.DEFAULT);
        ByteBuf in = Unpooled.wrappedBuffer(RawCall.fragments(bytes(1000, 9), 600, 400));
        List<ByteBuf> out = new ArrayList<>();
        assertEquals(1, exact.feed(in, out::add));
        assertEquals(1000, out.get(0).readableBytes());
        out.get(0).release();
        in.release();
    }

    @Test
    void fastPathSliceKeepsTheReadBufferAliveUntilReleased() {
        byte[] wire = RawCall.record(bytes(16, 10));
        ByteBuf in = Unpooled.copiedBuffer(wire);
        assertEquals(1, assembler.feed(in, records::add));
        in.release();
        assertEquals(1, records.get(0).refCnt());
        records.get(0).release();
        assertEquals(0, in.refCnt());
    }

    @Test
    void largeRecordsSpanningReadsEndInBuffersOfTheirSizeGrowingWithWhatArrived() {
        int max = 2 * 1024 * 1024;
        RecordAssembler big = new RecordAssembler(max, PooledByteBufAllocator.DEFAULT);
        List<ByteBuf> got = new ArrayList<>();
        try {
            byte[] a = bytes(1024 * 1024 + 136, 21);
            byte[] b = bytes(300_001, 22);
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            wire.writeBytes(RawCall.record(a));
            // Three fragments, cut where no read boundary falls.
            wire.writeBytes(RawCall.fragments(b, 100_000, 150_000, 50_001));
            byte[] all = wire.toByteArray();
            for (int off = 0; off < all.length; off += 65536) {
                int n = Math.min(65536, all.length - off);
                ByteBuf in = Unpooled.directBuffer(n).writeBytes(all, off, n);
                try {
                    big.feed(in, got::add);
                } finally {
                    in.release();
                }
                if (!big.atRecordBoundary()) {
                    int held = big.bufferedBytes();
                    int cap = big.bufferCapacity();
                    assertTrue(cap <= Math.max(1024, 2L * held), "capacity " + cap + " for " + held + " bytes");
                }
            }
            assertEquals(2, got.size());
            assertArrayEquals(a, ByteBufUtil.getBytes(got.get(0)));
            assertArrayEquals(b, ByteBufUtil.getBytes(got.get(1)));
            for (ByteBuf r : got) {
                assertEquals(r.readableBytes(), r.capacity(), "a complete record fills its buffer");
                assertTrue(r.isDirect(), "WRITE payloads go to the file channel without a bounce buffer");
            }
            assertEquals(0, big.bufferedBytes());
        } finally {
            for (ByteBuf r : got) {
                assertTrue(r.release(), "the sink holds the only reference");
            }
            big.release();
        }
    }

    @Test
    void partialRecordBufferIsFreedWhenDropped() {
        TrackingAllocator alloc = new TrackingAllocator();
        RecordAssembler big = new RecordAssembler(1 << 20, alloc);
        byte[] wire = RawCall.record(bytes(200_000, 23));
        ByteBuf in = Unpooled.wrappedBuffer(wire, 0, 150_000);
        List<ByteBuf> got = new ArrayList<>();
        try {
            assertEquals(0, big.feed(in, got::add));
        } finally {
            in.release();
        }
        assertEquals(150_000 - 4, big.bufferedBytes());
        assertEquals(1, alloc.allocated());
        assertEquals(1, alloc.unreleased());
        big.release();
        assertEquals(0, big.bufferedBytes());
        assertEquals(0, big.bufferCapacity());
        assertEquals(0, alloc.unreleased());
        big.release(); // idempotent
        assertTrue(got.isEmpty());
    }
    // ------------------------------------------------------------------ slabs

    private static final int SLAB_RECORD = 1024 * 1024 + 64 * 1024;

    private static SlabAllocator slabs(int max, Counter fallbacks) {
        return new SlabAllocator(PooledByteBufAllocator.DEFAULT, SLAB_RECORD, max, new Counter(), fallbacks);
    }

    /** Feeds {@code wire} in reads of {@code chunk} bytes; runs {@code between} after each read but the last. */
    private static void feedInReads(RecordAssembler a, byte[] wire, int chunk, List<ByteBuf> out, Runnable between) {
        for (int off = 0; off < wire.length; off += chunk) {
            int n = Math.min(chunk, wire.length - off);
            ByteBuf in = Unpooled.directBuffer(n).writeBytes(wire, off, n);
            try {
                a.feed(in, out::add);
            } finally {
                in.release();
            }
            if (off + n < wire.length) between.run();
        }
    }

    @Test
    void largeSingleFragmentRecordTakesASlabOfItsExactSize() {
        Counter fallbacks = new Counter();
        SlabAllocator pool = slabs(2, fallbacks);
        RecordAssembler a = new RecordAssembler(SLAB_RECORD, pool);
        List<ByteBuf> got = new ArrayList<>();
        byte[] body = bytes(1024 * 1024 + 136, 31);
        try {
            feedInReads(a, RawCall.record(body), 65536, got, () -> {
                assertTrue(a.inSlab(), "the record is received into a slab");
                assertEquals(body.length, a.bufferCapacity(), "a slab buffer of exactly the record's size");
                assertEquals(body.length, a.heldBytes(), "the budget is charged the whole slab buffer");
                assertTrue(a.bufferedBytes() < body.length);
                assertEquals(1, pool.inUse());
            });
            assertEquals(1, got.size());
            ByteBuf r = got.get(0);
            assertArrayEquals(body, ByteBufUtil.getBytes(r));
            assertEquals(body.length, r.capacity());
            assertEquals(0, r.memoryAddress() % SlabAllocator.ALIGN);
            assertFalse(a.inSlab());
            assertEquals(0, a.heldBytes());
            assertEquals(1, pool.inUse(), "the complete record holds its slab");
            assertTrue(r.release());
            assertEquals(0, pool.inUse(), "releasing the record gives the slab back");
            // The next large record reuses it.
            feedInReads(a, RawCall.record(body), 65536, got, () -> { });
            assertEquals(2, got.size());
            assertEquals(1, pool.allocated());
            assertEquals(0, fallbacks.getCount());
        } finally {
            for (ByteBuf r : got) if (r.refCnt() > 0) r.release();
            a.release();
            pool.close();
        }
        assertEquals(0, pool.inUse());
    }

    @Test
    void smallAndMultiFragmentRecordsGrowInPooledBuffers() {
        Counter fallbacks = new Counter();
        SlabAllocator pool = slabs(2, fallbacks);
        RecordAssembler a = new RecordAssembler(SLAB_RECORD, pool);
        List<ByteBuf> got = new ArrayList<>();
        byte[] small = bytes(pool.minSlabRequest() - 1, 32);
        byte[] big = bytes(1024 * 1024, 33);
        try {
            Runnable notInSlab = () -> {
                assertFalse(a.inSlab());
                assertEquals(a.bufferedBytes(), a.heldBytes(), "a growing buffer is charged what arrived");
                assertTrue(a.bufferCapacity() <= Math.max(1024, 2L * a.bufferedBytes()));
            };
            feedInReads(a, RawCall.record(small), 65536, got, notInSlab);
            feedInReads(a, RawCall.fragments(big, 600_000, 448_576), 65536, got, notInSlab);
            assertEquals(2, got.size());
            assertArrayEquals(small, ByteBufUtil.getBytes(got.get(0)));
            assertArrayEquals(big, ByteBufUtil.getBytes(got.get(1)));
            assertEquals(0, pool.allocated(), "no slab was taken");
            assertEquals(0, fallbacks.getCount());
        } finally {
            for (ByteBuf r : got) r.release();
            a.release();
            pool.close();
        }
    }

    @Test
    void recordsFindingEverySlabInUseGrowAsBefore() {
        Counter fallbacks = new Counter();
        SlabAllocator pool = slabs(1, fallbacks);
        RecordAssembler first = new RecordAssembler(SLAB_RECORD, pool);
        RecordAssembler second = new RecordAssembler(SLAB_RECORD, pool);
        byte[] wire = RawCall.record(bytes(1024 * 1024, 34));
        List<ByteBuf> got = new ArrayList<>();
        try {
            ByteBuf in = Unpooled.wrappedBuffer(wire, 0, 65536);
            first.feed(in, got::add);
            in.release();
            assertTrue(first.inSlab());
            in = Unpooled.wrappedBuffer(wire, 0, 65536);
            second.feed(in, got::add);
            in.release();
            assertFalse(second.inSlab(), "the only slab is taken");
            assertEquals(65532, second.heldBytes());
            assertTrue(second.bufferCapacity() < 2 * 65536, "capacity " + second.bufferCapacity());
            assertEquals(1, fallbacks.getCount());
            // A dropped partial record gives its slab back.
            first.release();
            assertEquals(0, pool.inUse());
            assertEquals(0, first.heldBytes());
            assertTrue(got.isEmpty());
        } finally {
            first.release();
            second.release();
            pool.close();
        }
    }

    @Test
    void wholeRecordInOneReadIsStillASliceWithoutASlab() {
        SlabAllocator pool = slabs(2, new Counter());
        RecordAssembler a = new RecordAssembler(SLAB_RECORD, pool);
        byte[] body = bytes(1024 * 1024, 35);
        ByteBuf in = Unpooled.directBuffer(body.length + 4).writeBytes(RawCall.record(body));
        List<ByteBuf> got = new ArrayList<>();
        try {
            assertEquals(1, a.feed(in, got::add));
            assertArrayEquals(body, ByteBufUtil.getBytes(got.get(0)));
            assertEquals(0, pool.allocated());
        } finally {
            in.release();
            for (ByteBuf r : got) r.release();
            a.release();
            pool.close();
        }
    }
}
