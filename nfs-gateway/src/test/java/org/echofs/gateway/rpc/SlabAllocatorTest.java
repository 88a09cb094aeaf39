package org.echofs.gateway.rpc;

import com.codahale.metrics.Counter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.IllegalReferenceCountException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The slab pool: reuse, its bound, fixed capacities, and exactly one return per buffer. */
class SlabAllocatorTest {

    private static final int MIB = 1024 * 1024;
    private static final int MAX_RECORD = MIB + 64 * 1024;

    private final Counter taken = new Counter();
    private final Counter fallbacks = new Counter();
    private final List<ByteBuf> live = new ArrayList<>();
    private SlabAllocator alloc = pool(2);

    private SlabAllocator pool(int maxSlabs) {
        return new SlabAllocator(PooledByteBufAllocator.DEFAULT, MAX_RECORD, maxSlabs, taken, fallbacks);
    }

    @AfterEach
    void releaseAll() {
        for (ByteBuf b : live) {
            if (b.refCnt() > 0) b.release();
        }
        alloc.close();
    }

    private ByteBuf get(int size) {
        ByteBuf b = alloc.directBuffer(size, size);
        live.add(b);
        return b;
    }

    private static SlabAllocator.Slab slabOf(ByteBuf b) {
        ByteBuf u = b;
        while (u.unwrap() != null) u = u.unwrap();
        return u instanceof SlabAllocator.SlabByteBuf s ? s.slab() : null;
    }

    @Test
    void slabSizeIsTheRecordSizeRoundedToPages() {
        assertEquals(MAX_RECORD, alloc.slabSize());
        assertEquals(8192, SlabAllocator.slabSize(4097));
        assertEquals(4096, SlabAllocator.slabSize(4096));
        assertEquals(MAX_RECORD / 2, alloc.minSlabRequest());
        // Small records never take a slab: the least request is 64 KiB.
        SlabAllocator small = new SlabAllocator(PooledByteBufAllocator.DEFAULT, 8192, 4, taken, fallbacks);
        assertFalse(small.fits(8192));
        assertEquals(64 * 1024, small.minSlabRequest());
    }

    @Test
    void aReleasedSlabIsReusedAndStaysAligned() {
        ByteBuf a = get(MIB);
        SlabAllocator.Slab slab = slabOf(a);
        assertTrue(slab != null, "a 1 MiB fixed-size buffer comes from a slab");
        assertEquals(0, a.memoryAddress() % SlabAllocator.ALIGN, "slabs are page-aligned");
        assertEquals(slab.address(), a.memoryAddress());
        assertEquals(1, alloc.allocated());
        assertEquals(1, alloc.inUse());
        assertTrue(a.release());
        assertEquals(0, alloc.inUse());

        ByteBuf b = get(MIB - 1000);
        assertTrue(slabOf(b) == slab, "the same slab comes back");
        assertEquals(1, alloc.allocated(), "no new slab was made");
        assertEquals(2, taken.getCount());
        assertEquals(0, fallbacks.getCount());
    }

    @Test
    void beyondTheBoundRequestsFallBackAndNothingLeaks() {
        ByteBuf a = get(MIB);
        ByteBuf b = get(MIB);
        assertNotEquals(a.memoryAddress(), b.memoryAddress());
        ByteBuf c = get(MIB);
        assertNull(slabOf(c), "a third buffer does not take a slab beyond the bound of two");
        assertEquals(MIB, c.capacity());
        assertTrue(c.isDirect());
        assertEquals(2, alloc.allocated());
        assertEquals(2, alloc.inUse());
        assertEquals(1, fallbacks.getCount());
        assertEquals(2, taken.getCount());
        assertNull(alloc.trySlab(MIB), "trySlab gives nothing when every slab is in use");
        assertEquals(2, fallbacks.getCount());

        c.writeBytes(new byte[MIB]);
        assertTrue(c.release());
        assertEquals(2, alloc.inUse(), "a fallback buffer holds no slab");
        a.release();
        b.release();
        assertEquals(0, alloc.inUse());
        assertEquals(2, alloc.allocated(), "slabs are kept for reuse");
        assertTrue(slabOf(get(MIB)) != null);
        assertEquals(2, alloc.allocated());
    }

    @Test
    void onlyFixedSizeRequestsOfAtLeastHalfASlabTakeOne() {
        assertNull(slabOf(get(alloc.minSlabRequest() - 1)), "below half a slab");
        assertNull(slabOf(get(MAX_RECORD + 1)), "above the slab size");
        ByteBuf growable = alloc.directBuffer(MIB, 2 * MIB);
        live.add(growable);
        assertNull(slabOf(growable), "a buffer that may grow");
        ByteBuf bytes = alloc.directBuffer(100);
        live.add(bytes);
        assertNull(slabOf(bytes));
        ByteBuf heap = alloc.heapBuffer(MIB, MIB);
        live.add(heap);
        assertFalse(heap.isDirect(), "heap buffers are never slabs");
        assertEquals(0, alloc.allocated());
        assertTrue(slabOf(get(alloc.minSlabRequest())) != null, "exactly half a slab");
        assertTrue(slabOf(get(MAX_RECORD)) != null, "a whole slab");
        assertEquals(0, fallbacks.getCount(), "requests that cannot take a slab are no fallbacks");
    }

    @Test
    void capacityIsFixedAtTheRequestedSize() {
        ByteBuf a = get(MIB);
        assertEquals(MIB, a.capacity());
        assertEquals(MIB, a.maxCapacity());
        assertEquals(0, a.readableBytes());
        assertEquals(MIB, a.writableBytes());
        a.writeBytes(new byte[MIB]);
        assertThrows(IndexOutOfBoundsException.class, () -> a.writeByte(1));
        assertThrows(IndexOutOfBoundsException.class, () -> a.ensureWritable(1));
        assertThrows(UnsupportedOperationException.class, () -> a.capacity(MIB + 1));
        assertThrows(UnsupportedOperationException.class, () -> a.capacity(MIB / 2));
        a.capacity(MIB); // no change is fine
        assertEquals(MIB, a.capacity());
        assertEquals(a.memoryAddress(), slabOf(a).address(), "still in its slab");
    }

    @Test
    void dataWrittenIsDataRead() {
        ByteBuf a = get(MIB);
        byte[] data = new byte[MIB];
        new java.util.Random(3).nextBytes(data);
        a.internalNioBuffer(0, MIB).put(data);
        a.writerIndex(MIB);
        assertArrayEquals(data, ByteBufUtil.getBytes(a));
        assertEquals(data[12345], a.getByte(12345));
    }

    @Test
    void releaseReturnsTheSlabExactlyOnce() {
        ByteBuf a = get(MIB);
        assertTrue(a.release());
        assertEquals(0, alloc.inUse());
        assertThrows(IllegalReferenceCountException.class, a::release);
        assertEquals(0, alloc.inUse(), "a second release gives nothing back");
        // Had the slab gone back twice, these two would share it.
        ByteBuf b = get(MIB);
        ByteBuf c = get(MIB);
        assertNotEquals(b.memoryAddress(), c.memoryAddress());
        assertEquals(2, alloc.allocated());
        assertEquals(2, alloc.inUse());
    }

    @Test
    void derivedBuffersKeepTheSlabUntilTheLastReleaseAsAComposite() {
        ByteBuf a = get(MIB);
        a.writerIndex(MIB);
        ByteBuf slice = a.retainedSlice(10, 1000);
        a.release();
        assertEquals(1, alloc.inUse(), "the retained slice still holds the slab");
        CompositeByteBuf composite = PooledByteBufAllocator.DEFAULT.compositeDirectBuffer();
        composite.addComponent(true, slice);
        assertEquals(1, alloc.inUse());
        composite.release();
        assertEquals(0, alloc.inUse());
        assertEquals(0, slice.refCnt());
    }

    @Test
    void closeDropsFreeSlabsAndThoseReleasedLater() {
        ByteBuf a = get(MIB);
        ByteBuf b = get(MIB);
        b.release();
        assertEquals(2, alloc.allocated());
        alloc.close();
        assertEquals(1, alloc.allocated(), "the free slab is dropped");
        a.writeInt(7);
        assertEquals(7, a.getInt(0), "a buffer in use stays valid");
        a.release();
        assertEquals(0, alloc.allocated());
        assertEquals(0, alloc.inUse());
        assertNull(alloc.trySlab(MIB), "no slab after close");
        ByteBuf c = get(MIB);
        assertNull(slabOf(c), "after close, requests go to the pooled allocator");
        assertEquals(0, alloc.allocated());
    }

    @Test
    void zeroSlabsMeansEveryRequestFallsThrough() {
        alloc = pool(0);
        assertFalse(alloc.fits(MIB));
        assertNull(slabOf(get(MIB)));
        assertEquals(0, alloc.allocated());
        assertEquals(0, fallbacks.getCount());
    }

    @Test
    void concurrentUsersNeverShareASlab() throws Exception {
        alloc = pool(3);
        int threads = 4;
        int rounds = 300;
        CountDownLatch start = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> ts = new ArrayList<>();
        Set<Long> addresses = java.util.concurrent.ConcurrentHashMap.newKeySet();
        for (int t = 0; t < threads; t++) {
            byte mark = (byte) (t + 1);
            Thread th = new Thread(() -> {
                try {
                    start.await();
                    for (int r = 0; r < rounds; r++) {
                        ByteBuf b = alloc.directBuffer(MIB, MIB);
                        try {
                            if (slabOf(b) != null) addresses.add(b.memoryAddress());
                            for (int i = 0; i < MIB; i += 4096) b.setByte(i, mark);
                            Thread.yield();
                            for (int i = 0; i < MIB; i += 4096) {
                                if (b.getByte(i) != mark) throw new AssertionError("slab shared at offset " + i);
                            }
                        } finally {
                            b.release();
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            ts.add(th);
            th.start();
        }
        start.countDown();
        for (Thread th : ts) th.join(60_000);
        if (failure.get() != null) throw new AssertionError(failure.get());
        assertEquals(0, alloc.inUse());
        assertTrue(alloc.allocated() <= 3, "allocated " + alloc.allocated());
        assertTrue(new HashSet<>(addresses).size() <= 3, "distinct slabs " + addresses.size());
        assertEquals(threads * rounds, taken.getCount() + fallbacks.getCount());
    }
}
