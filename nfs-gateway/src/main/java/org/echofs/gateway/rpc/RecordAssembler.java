package org.echofs.gateway.rpc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;

/**
 * Reassembles RFC 5531 section 11 record marking: a record is a run of fragments, each with a
 * 4-byte header (last-fragment bit + 31-bit length). The size limit is checked on every fragment
 * header against the whole record before a byte of that fragment is buffered, so a hostile
 * length allocates nothing. A record that arrives whole inside one read buffer is passed on as a
 * retained slice of it (no copy); otherwise its bytes are copied into a buffer that grows with
 * what has actually arrived (never with what a header announced).
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

    private int headerValue;
    private int headerBytes;
    private boolean inFragment;
    private boolean lastFragment;
    private int fragmentRemaining;
    /** Bytes of the current record announced by the fragment headers read so far. */
    private long recordSize;
    private ByteBuf cumulation;

    RecordAssembler(int maxRecordSize, ByteBufAllocator alloc) {
        this.maxRecordSize = maxRecordSize;
        this.alloc = alloc;
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
            }
            int n = Math.min(fragmentRemaining, in.readableBytes());
            if (n > 0) {
                if (cumulation == null) {
                    cumulation = alloc.buffer(Math.min(Math.max(n, MIN_CUMULATION), maxRecordSize), maxRecordSize);
                }
                cumulation.writeBytes(in, n);
                fragmentRemaining -= n;
            }
            if (fragmentRemaining == 0) {
                inFragment = false;
                if (lastFragment) {
                    ByteBuf record = cumulation != null ? cumulation : Unpooled.EMPTY_BUFFER;
                    cumulation = null;
                    recordSize = 0;
                    records++;
                    sink.record(record);
                }
            }
        }
        return records;
    }

    /** True when no part of a record (not even part of a fragment header) is pending. */
    boolean atRecordBoundary() {
        return headerBytes == 0 && !inFragment && recordSize == 0;
    }

    /** Bytes of the incomplete record held in memory. */
    int bufferedBytes() {
        return cumulation == null ? 0 : cumulation.readableBytes();
    }

    /** Drops any partial record. Idempotent. */
    void release() {
        if (cumulation != null) {
            cumulation.release();
            cumulation = null;
        }
        inFragment = false;
        headerBytes = 0;
        headerValue = 0;
        recordSize = 0;
        fragmentRemaining = 0;
    }
}
