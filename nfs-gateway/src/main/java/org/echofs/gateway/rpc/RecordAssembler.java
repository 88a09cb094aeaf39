package org.echofs.gateway.rpc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;

/**
 * Reassembles RFC 5531 section 11 record marking: a record is a run of fragments, each with a
 * 4-byte header (last-fragment bit + 31-bit length). The size limit is checked on every fragment
 * header against the whole record before a byte of that fragment is buffered, so a hostile
 * length allocates nothing. A record that arrives whole inside one read buffer is passed on as a
 * retained slice of it (no copy); otherwise its bytes are copied into a pooled buffer that grows
 * with what has actually arrived (never with what a header announced: at most twice the bytes it
 * holds, and never past the record's announced size, so a complete record fills its buffer).
 *
 * <p>With a {@link SlabAllocator}, a large record whose size is known from its first header (a
 * single, last fragment, such as a 1 MiB WRITE) goes into a slab buffer of exactly that size
 * instead, if one is free: no growing, no copy of what arrived before, no fresh memory. Its
 * whole size counts as held ({@link #heldBytes}) from its first byte. Small records,
 * multi-fragment records and records that find every slab in use take the growing buffer, so a
 * client announcing large records pins at most the bounded pool's slabs beyond what it sent.
 *
 * <p>One instance per connection, used only on that connection's I/O thread.
 */
final class RecordAssembler {

    /** Receives complete records; takes ownership of (must release) each one. */
    interface Sink {
        void record(ByteBuf record);
    }

    /** {@link #feed} result: the stream announced a record over the limit and must be closed. */
    static final int TOO_LARGE = -1;

    private static final int MIN_CUMULATION = 1024;

    private final int maxRecordSize;
    private final ByteBufAllocator alloc;
    /** Null: every record spanning reads grows in a pooled buffer. */
    private final SlabAllocator slabs;

    private int headerValue;
    private int headerBytes;
    private boolean inFragment;
    private boolean lastFragment;
    private int fragmentRemaining;
    /** Bytes of the current record announced by the fragment headers read so far. */
    private long recordSize;
    private ByteBuf cumulation;
    /** {@link #cumulation} is a slab buffer of the record's exact size. */
    private boolean inSlab;

    /**
     * @param alloc buffers for records that span reads; when it is a {@link SlabAllocator}, large
     *              single-fragment records go into its slabs
     */
    RecordAssembler(int maxRecordSize, ByteBufAllocator alloc) {
        this.maxRecordSize = maxRecordSize;
        this.alloc = alloc;
        this.slabs = alloc instanceof SlabAllocator s ? s : null;
    }

    /**
     * Consumes every readable byte of {@code in} (the caller still owns and releases it),
     * handing each completed record to {@code sink}. Returns the number of records completed, or
     * {@link #TOO_LARGE}; after TOO_LARGE the assembler holds nothing and must not be fed again.
     */
    int feed(ByteBuf in, Sink sink) {
        int records = 0;
        while (in.isReadable()) {
            if (!inFragment) {
                int header;
                if (headerBytes == 0 && in.readableBytes() >= 4) {
                    header = in.readInt();
                } else {
                    while (headerBytes < 4 && in.isReadable()) {
                        headerValue = (headerValue << 8) | in.readUnsignedByte();
                        headerBytes++;
                    }
                    if (headerBytes < 4) {
                        return records;
                    }
                    header = headerValue;
                    headerValue = 0;
                    headerBytes = 0;
                }
                lastFragment = header < 0;
                int length = header & 0x7fffffff;
                if (recordSize + length > maxRecordSize) {
                    release();
                    return TOO_LARGE;
                }
                recordSize += length;
                fragmentRemaining = length;
                inFragment = true;
                if (lastFragment && cumulation == null && in.readableBytes() >= length) {
                    // The common case: a whole single-fragment record in this buffer.
                    ByteBuf record = length == 0 ? Unpooled.EMPTY_BUFFER : in.retainedSlice(in.readerIndex(), length);
                    in.skipBytes(length);
                    inFragment = false;
                    recordSize = 0;
                    records++;
                    sink.record(record);
                    continue;
                }
                if (lastFragment && cumulation == null && slabs != null && recordSize == length) {
                    // The record's size is known: take a slab of exactly that size if one is free.
                    cumulation = slabs.trySlab(length);
                    inSlab = cumulation != null;
                }
            }
            int n = Math.min(fragmentRemaining, in.readableBytes());
            if (n > 0) {
                ensureRoom(n);
                cumulation.writeBytes(in, n);
                fragmentRemaining -= n;
            }
            if (fragmentRemaining == 0) {
                inFragment = false;
                if (lastFragment) {
                    ByteBuf record = cumulation != null ? cumulation : Unpooled.EMPTY_BUFFER;
                    cumulation = null;
                    inSlab = false;
                    recordSize = 0;
                    records++;
                    sink.record(record);
                }
            }
        }
        return records;
    }

    /**
     * Makes room for {@code n} more bytes of the current record. The buffer at most doubles what
     * it holds, so it grows with what has arrived, and never beyond what the fragment headers
     * read so far announced, so a record ends in a buffer of its exact size. Buffers come from a
     * pooled allocator: a large record costs no fresh allocation.
     */
    private void ensureRoom(int n) {
        int have = cumulation == null ? 0 : cumulation.readableBytes();
        int need = have + n; // <= recordSize <= maxRecordSize
        if (cumulation != null && cumulation.capacity() >= need) return;
        int target = (int) Math.min(recordSize, Math.max(need, Math.max(2L * have, MIN_CUMULATION)));
        if (cumulation == null) {
            cumulation = alloc.directBuffer(target, maxRecordSize);
        } else {
            cumulation.capacity(target);
        }
    }

    /** True when no part of a record (not even part of a fragment header) is pending. */
    boolean atRecordBoundary() {
        return headerBytes == 0 && !inFragment && recordSize == 0;
    }

    /** Bytes of the incomplete record held in memory. */
    int bufferedBytes() {
        return cumulation == null ? 0 : cumulation.readableBytes();
    }

    /**
     * Bytes of memory the incomplete record holds, for the memory budget: those that arrived, or
     * the whole slab buffer once the record is in one (its size is the record's).
     */
    int heldBytes() {
        if (cumulation == null) return 0;
        return inSlab ? cumulation.capacity() : cumulation.readableBytes();
    }

    /** The incomplete record is in a slab buffer (for tests). */
    boolean inSlab() {
        return inSlab;
    }

    /** Capacity of the buffer of the incomplete record (for tests). */
    int bufferCapacity() {
        return cumulation == null ? 0 : cumulation.capacity();
    }

    /** Drops any partial record. Idempotent. */
    void release() {
        if (cumulation != null) {
            cumulation.release();
            cumulation = null;
        }
        inSlab = false;
        inFragment = false;
        headerBytes = 0;
        headerValue = 0;
        recordSize = 0;
        fragmentRemaining = 0;
    }
}
