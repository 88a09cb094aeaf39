package org.echofs.gateway.xdr;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Writes XDR (RFC 4506) into a buffer that grows as needed. Not thread-safe.
 *
 * <p>An encoder made by {@link #gathering} takes the buffers handed to {@link #appendOpaque} (of
 * at least {@link #GATHER_MIN} bytes) as components of its output instead of copying them: the output becomes a composite of the bytes
 * written before, the appended buffer and a new buffer for what follows. {@link #finish} gives
 * the output; {@link #discard} releases it on failure. A plain encoder copies appended buffers.
 */
public final class XdrEncoder {

    private static final byte[] ZEROS = new byte[4];
    /**
     * A gathering encoder copies appended buffers shorter than this: for them a copy costs less
     * than a composite. Bodies that append may count such data in their {@link XdrWritable#sizeHint}.
     */
    public static final int GATHER_MIN = 8 * 1024;

    /** Initial size of the buffer that follows an appended one (padding and a few words). */
    private static final int TAIL = 64;

    private ByteBuf buf;
    private final boolean gathering;
    /** The output once a buffer has been appended without a copy, else null. */
    private CompositeByteBuf out;

    public XdrEncoder(ByteBuf buf) {
        this(buf, false);
    }

    private XdrEncoder(ByteBuf buf, boolean gathering) {
        this.buf = buf;
        this.gathering = gathering;
    }

    /**
     * An encoder writing into {@code buf} that appends buffers given to {@link #appendOpaque}
     * without copying them. Its output is {@link #finish}, not {@code buf}.
     */
    public static XdrEncoder gathering(ByteBuf buf) {
        return new XdrEncoder(buf, true);
    }

    /** The buffer being written now (for a gathering encoder, only the part after the last appended buffer). */
    public ByteBuf buffer() { return buf; }

    /**
     * The whole output of a gathering encoder: the first buffer, or a composite of everything
     * written and appended. The encoder must not be used afterwards.
     */
    public ByteBuf finish() {
        if (out == null) return buf;
        CompositeByteBuf result = out;
        out = null;
        ByteBuf tail = buf;
        buf = null;
        if (tail.isReadable()) {
            result.addComponent(true, tail);
        } else {
            tail.release();
        }
        return result;
    }

    /** Releases everything written and appended so far (after a failure). Idempotent. */
    public void discard() {
        if (out != null) {
            out.release();
            out = null;
        }
        if (buf != null) {
            buf.release();
            buf = null;
        }
    }

    private static int pad(int len) {
        return (4 - (len & 3)) & 3;
    }

    public XdrEncoder writeInt(int v) {
        buf.writeInt(v);
        return this;
    }

    /** An unsigned 32-bit value given as a long (0..2^32-1). */
    public XdrEncoder writeUnsignedInt(long v) {
        buf.writeInt((int) v);
        return this;
    }

    public XdrEncoder writeLong(long v) {
        buf.writeLong(v);
        return this;
    }

    public XdrEncoder writeBoolean(boolean v) {
        buf.writeInt(v ? 1 : 0);
        return this;
    }

    /** A fixed-length opaque: the bytes and padding, no length word. */
    public XdrEncoder writeFixedOpaque(byte[] b) {
        buf.writeBytes(b);
        buf.writeBytes(ZEROS, 0, pad(b.length));
        return this;
    }

    /** A variable-length opaque: length word, bytes, padding. */
    public XdrEncoder writeOpaque(byte[] b) {
        buf.writeInt(b.length);
        return writeFixedOpaque(b);
    }

    /** A variable-length opaque from the remaining bytes of {@code b} (which it consumes). */
    public XdrEncoder writeOpaque(ByteBuffer b) {
        int len = b.remaining();
        buf.writeInt(len);
        buf.writeBytes(b);
        buf.writeBytes(ZEROS, 0, pad(len));
        return this;
    }

    /** A variable-length opaque from the readable bytes of {@code b} (not consumed). */
    public XdrEncoder writeOpaque(ByteBuf b) {
        int len = b.readableBytes();
        buf.writeInt(len);
        buf.writeBytes(b, b.readerIndex(), len);
        buf.writeBytes(ZEROS, 0, pad(len));
        return this;
    }

    /**
     * A variable-length opaque from the readable bytes of {@code data}, taking ownership of
     * {@code data}: it is released exactly once, by this call (plain encoder: after copying it)
     * or with the output it has become part of (gathering encoder).
     */
    public XdrEncoder appendOpaque(ByteBuf data) {
        ByteBuf tail = null;
        try {
            int len = data.readableBytes();
            buf.writeInt(len);
            if (!gathering || len < GATHER_MIN) {
                buf.writeBytes(data, data.readerIndex(), len);
                buf.writeBytes(ZEROS, 0, pad(len));
                data.release();
                return this;
            }
            if (out == null) {
                out = buf.alloc().compositeDirectBuffer(Integer.MAX_VALUE);
            }
            tail = buf.alloc().directBuffer(TAIL);
            tail.writeBytes(ZEROS, 0, pad(len));
        } catch (RuntimeException | Error e) {
            data.release();
            if (tail != null) tail.release();
            throw e;
        }
        ByteBuf head = buf;
        buf = tail;
        // Each buffer belongs to the composite once handed to addComponent, even if that throws.
        try {
            out.addComponent(true, head);
        } catch (RuntimeException | Error e) {
            data.release();
            throw e;
        }
        out.addComponent(true, data);
        return this;
    }

    public XdrEncoder writeString(String s) {
        return writeOpaque(s.getBytes(StandardCharsets.UTF_8));
    }
}
