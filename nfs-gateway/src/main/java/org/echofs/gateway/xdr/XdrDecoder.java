package org.echofs.gateway.xdr;

import io.netty.buffer.ByteBuf;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads XDR (RFC 4506) from a buffer. Every read checks that the bytes are there and that
 * lengths are within the limit given, and throws {@link XdrException} otherwise, so a hostile
 * length never allocates. Not thread-safe; one decoder per call.
 */
public final class XdrDecoder {

    private final ByteBuf buf;

    public XdrDecoder(ByteBuf buf) {
        this.buf = buf;
    }

    /** The underlying buffer, positioned at the next unread byte. */
    public ByteBuf buffer() { return buf; }

    public int remaining() { return buf.readableBytes(); }

    private void need(long n) throws XdrException {
        if (n > buf.readableBytes()) {
            throw new XdrException("need " + n + " bytes, have " + buf.readableBytes());
        }
    }

    public int readInt() throws XdrException {
        need(4);
        return buf.readInt();
    }

    /** An unsigned 32-bit value. */
    public long readUnsignedInt() throws XdrException {
        need(4);
        return buf.readUnsignedInt();
    }

    /** A hyper (64-bit). */
    public long readLong() throws XdrException {
        need(8);
        return buf.readLong();
    }

    public boolean readBoolean() throws XdrException {
        int v = readInt();
        if (v == 0) return false;
        if (v == 1) return true;
        throw new XdrException("bad boolean " + v);
    }

    /** A length word that must be in 0..max. */
    public int readLength(int max) throws XdrException {
        long len = readUnsignedInt();
        if (len > max) throw new XdrException("length " + len + " over limit " + max);
        return (int) len;
    }

    private static int pad(int len) {
        return (4 - (len & 3)) & 3;
    }

    /** A fixed-length opaque of {@code len} bytes (plus padding). */
    public byte[] readFixedOpaque(int len) throws XdrException {
        need((long) len + pad(len));
        byte[] b = new byte[len];
        buf.readBytes(b);
        buf.skipBytes(pad(len));
        return b;
    }

    /** A variable-length opaque of at most {@code max} bytes. */
    public byte[] readOpaque(int max) throws XdrException {
        int len = readLength(max);
        return readFixedOpaque(len);
    }

    /**
     * A variable-length opaque of at most {@code max} bytes, as a slice of the underlying
     * buffer (no copy; valid while the call's buffer is).
     */
    public ByteBuf readOpaqueSlice(int max) throws XdrException {
        int len = readLength(max);
        need((long) len + pad(len));
        ByteBuf slice = buf.readSlice(len);
        buf.skipBytes(pad(len));
        return slice;
    }

    /** A string of at most {@code max} bytes that must be valid UTF-8. */
    public String readString(int max) throws XdrException {
        byte[] b = readOpaque(max);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw new XdrException("string is not UTF-8");
        }
    }

    /** Skips {@code n} bytes. */
    public void skip(int n) throws XdrException {
        need(n);
        buf.skipBytes(n);
    }
}
