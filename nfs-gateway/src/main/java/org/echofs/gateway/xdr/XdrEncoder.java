package org.echofs.gateway.xdr;

import io.netty.buffer.ByteBuf;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Writes XDR (RFC 4506) into a buffer that grows as needed. Not thread-safe. */
public final class XdrEncoder {

    private static final byte[] ZEROS = new byte[4];

    private final ByteBuf buf;

    public XdrEncoder(ByteBuf buf) {
        this.buf = buf;
    }

    public ByteBuf buffer() { return buf; }

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

    public XdrEncoder writeString(String s) {
        return writeOpaque(s.getBytes(StandardCharsets.UTF_8));
    }
}
