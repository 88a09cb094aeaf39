package org.echofs.gateway.rpc;

import com.codahale.metrics.Counter;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledUnsafeDirectByteBuf;
import io.netty.util.internal.PlatformDependent;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The server's allocator for large data (READ results, records that span socket reads): a bounded
 * pool of large direct buffers ("slabs") that are made once and reused, in front of a pooled
 * allocator for everything else.
 *
 * <p>Why: a pooled allocator frees a chunk when its last buffer goes, and a chunk holds only a few
 * buffers of a megabyte, so a stream of 1 MiB READs or WRITEs makes it allocate, zero, fault in
 * and give back fresh memory all the time. Slabs are allocated lazily, at most {@code maxSlabs}
 * of them, and kept until {@link #close}: once the pool is warm, large buffers cost no system call
 * and no page fault.
 *
 * <p>A slab is {@code slabSize} bytes (the largest record rounded up to 4 KiB) of a direct buffer
 * aligned to 4096. It is handed out as a buffer whose capacity and maximum capacity are exactly
 * the size asked for, so it can never be reallocated; releasing the buffer (its reference count
 * reaching zero) gives the slab back. A request is served from a slab when its initial and
 * maximum capacity are equal and between {@link #minSlabRequest()} and the slab size: at least
 * half a slab, so a buffer pins at most twice the bytes it can hold (smaller buffers come from
 * the pooled allocator). When every slab is in use, the request goes to the pooled allocator
 * ({@code fallbacks} counts those).
 *
 * <p>Threads: every method may be called from any thread. Free slabs sit in an array of slots
 * taken and returned with compare-and-set (lowest slot first, so the most recently used slabs
 * are reused first); no locks.
 */
final class SlabAllocator extends AbstractByteBufAllocator {

    /** Slab alignment and size granularity. */
    static final int ALIGN = 4096;
    /** No request below this takes a slab, whatever the slab size. */
    static final int MIN_SLAB_REQUEST = 64 * 1024;

    private final ByteBufAllocator fallback;
    private final int slabSize;
    private final int maxSlabs;
    private final int minRequest;
    private final Counter taken;
    private final Counter fallbacks;
    private final AtomicReferenceArray<Slab> free;
    private final AtomicInteger allocated = new AtomicInteger();
    private final AtomicInteger inUse = new AtomicInteger();
    private volatile boolean closed;

    /**
     * @param fallback   allocator for every buffer that does not take a slab
     * @param maxRecord  the largest buffer a slab must hold (rounded up to {@value #ALIGN})
     * @param maxSlabs   most slabs ever allocated at once (0: none, everything goes to {@code fallback})
     * @param taken      counts buffers served from a slab
     * @param fallbacks  counts requests that could have taken a slab but found none free
     */
    SlabAllocator(ByteBufAllocator fallback, int maxRecord, int maxSlabs, Counter taken, Counter fallbacks) {
        super(true);
        if (maxRecord < 1) throw new IllegalArgumentException("maxRecord " + maxRecord);
        if (maxSlabs < 0) throw new IllegalArgumentException("maxSlabs " + maxSlabs);
        this.fallback = fallback;
        this.slabSize = slabSize(maxRecord);
        // The buffer class needs direct memory addresses; without them there are no slabs.
        this.maxSlabs = PlatformDependent.hasUnsafe() ? maxSlabs : 0;
        this.minRequest = Math.max(MIN_SLAB_REQUEST, slabSize / 2);
        this.taken = taken;
        this.fallbacks = fallbacks;
        this.free = new AtomicReferenceArray<>(this.maxSlabs);
    }

    /** The size of one slab for records of at most {@code maxRecord} bytes. */
    static int slabSize(int maxRecord) {
        long rounded = ((long) maxRecord + ALIGN - 1) / ALIGN * ALIGN;
        return (int) Math.min(rounded, Integer.MAX_VALUE - 2L * ALIGN);
    }

    int slabSize() { return slabSize; }

    int maxSlabs() { return maxSlabs; }

    /** The smallest request served from a slab. */
    int minSlabRequest() { return minRequest; }

    /** Slabs allocated so far (each stays until {@link #close}). */
    int allocated() { return allocated.get(); }

    /** Slabs held by live buffers now. */
    int inUse() { return inUse.get(); }

    /** True when a buffer of exactly {@code size} bytes would be served from a slab if one is free. */
    boolean fits(int size) {
        return maxSlabs > 0 && size >= minRequest && size <= slabSize;
    }

    /**
     * A buffer of exactly {@code size} bytes (capacity and maximum capacity, empty) in a slab, or
     * null when {@code size} does not {@link #fits fit} a slab or every slab is in use (counted
     * as a fallback). Releasing the buffer gives the slab back.
     */
    ByteBuf trySlab(int size) {
        if (!fits(size)) return null;
        Slab slab = take();
        if (slab == null) {
            fallbacks.inc();
            return null;
        }
        ByteBuf buf;
        try {
            buf = new SlabByteBuf(this, slab, size);
        } catch (RuntimeException | Error e) {
            giveBack(slab);
            throw e;
        }
        taken.inc();
        return toLeakAwareBuffer(buf);
    }

    private Slab take() {
        if (closed) return null;
        for (int i = 0; i < maxSlabs; i++) {
            Slab s = free.get(i);
            if (s != null && free.compareAndSet(i, s, null)) {
                inUse.incrementAndGet();
                return s;
            }
        }
        for (;;) {
            int n = allocated.get();
            if (n >= maxSlabs) return null;
            if (allocated.compareAndSet(n, n + 1)) break;
        }
        Slab s;
        try {
            s = new Slab(slabSize);
        } catch (OutOfMemoryError e) {
            // Out of direct memory: no slab now; the pooled allocator may still find room.
            allocated.decrementAndGet();
            return null;
        }
        inUse.incrementAndGet();
        return s;
    }

    /** A buffer holding {@code slab} was deallocated: the slab is free again (or dropped after close). */
    private void giveBack(Slab slab) {
        inUse.decrementAndGet();
        if (closed) {
            allocated.decrementAndGet();
            return;
        }
        // There are never more slabs than slots, so a free slot exists.
        for (int i = 0; ; i = (i + 1) % maxSlabs) {
            if (free.get(i) == null && free.compareAndSet(i, null, slab)) break;
        }
        if (closed) dropFree(); // closed meanwhile: do not keep it
    }

    /**
     * Drops every free slab (their memory goes with the garbage collector) and every slab given
     * back from now on. Buffers still in use stay valid until released. Idempotent.
     */
    void close() {
        closed = true;
        dropFree();
    }

    private void dropFree() {
        for (int i = 0; i < maxSlabs; i++) {
            Slab s = free.get(i);
            if (s != null && free.compareAndSet(i, s, null)) allocated.decrementAndGet();
        }
    }

    @Override
    public ByteBuf directBuffer(int initialCapacity, int maxCapacity) {
        if (initialCapacity == maxCapacity) {
            ByteBuf b = trySlab(initialCapacity);
            if (b != null) return b;
        }
        return fallback.directBuffer(initialCapacity, maxCapacity);
    }

    @Override
    public ByteBuf heapBuffer(int initialCapacity, int maxCapacity) {
        return fallback.heapBuffer(initialCapacity, maxCapacity);
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
        return fallback.directBuffer(initialCapacity, maxCapacity); // not reached: directBuffer is overridden
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
        return fallback.heapBuffer(initialCapacity, maxCapacity); // not reached: heapBuffer is overridden
    }

    @Override
    public boolean isDirectBufferPooled() {
        return true;
    }

    /** One slab: a direct buffer aligned to {@value #ALIGN}, made once and reused. */
    static final class Slab {
        /** The allocation itself, kept so the memory lives as long as the slab. */
        private final ByteBuffer memory;
        private final ByteBuffer aligned;

        Slab(int size) {
            memory = ByteBuffer.allocateDirect(size + ALIGN);
            aligned = memory.alignedSlice(ALIGN);
            aligned.limit(size);
        }

        /** A view of the first {@code size} bytes. */
        ByteBuffer view(int size) {
            ByteBuffer v = aligned.duplicate();
            v.clear().limit(size);
            return v;
        }

        /** Address of the first byte (for tests: it is aligned). */
        long address() {
            return PlatformDependent.directBufferAddress(aligned);
        }
    }

    /**
     * A buffer in a slab: fixed capacity (it cannot grow, shrink or be reallocated, so it always
     * uses the slab's memory); when it is deallocated the slab goes back to the pool. The base
     * class's constructor for a given buffer never frees that buffer.
     */
    static final class SlabByteBuf extends UnpooledUnsafeDirectByteBuf {
        private final SlabAllocator pool;
        private Slab slab;

        SlabByteBuf(SlabAllocator pool, Slab slab, int size) {
            super(pool, slab.view(size), size);
            this.pool = pool;
            this.slab = slab;
            clear();
        }

        Slab slab() { return slab; }

        @Override
        public ByteBuf capacity(int newCapacity) {
            if (newCapacity != capacity()) {
                throw new UnsupportedOperationException("a slab buffer's capacity is fixed at " + capacity());
            }
            return this;
        }

        @Override
        protected void deallocate() {
            super.deallocate();
            Slab s = slab;
            slab = null;
            if (s != null) pool.giveBack(s);
        }
    }
}
