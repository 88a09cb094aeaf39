package org.echofs.gateway.nfs3;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.echofs.core.fs.Attributes;
import org.echofs.core.fs.FsException;
import org.echofs.core.fs.ReadResult;
import org.echofs.gateway.xdr.XdrDecoder;
import org.echofs.gateway.xdr.XdrEncoder;
import org.echofs.gateway.xdr.XdrException;
import org.echofs.gateway.xdr.XdrWritable;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

/**
 * READ (RFC 1813 section 3.3.6). The count is capped at rtmax; the volume reads straight into a
 * direct buffer of exactly the count from the call's data allocator (on the server, a reused slab
 * for a large count) that goes to the socket as part of the reply, without a copy. An offset
 * past 2^63-1 reads nothing, at end of file.
 */
final class ReadHandler extends Handler<ReadHandler.ReadArgs> {

    record ReadArgs(byte[] fh, long offset, long count) { }

    /** Bytes of the reply besides the data: status, post_op_attr, count, eof, opaque length, padding. */
    static final int OVERHEAD = 4 + 4 + Nfs3Xdr.FATTR3 + 4 + 4 + 4 + 3;

    /** Unused buffer space a reply may keep (see {@link #rightSized}). */
    static final int SLACK = 16 * 1024;

    ReadHandler() { super(Nfs3Proc.READ); }

    @Override
    ReadArgs decode(XdrDecoder in) throws XdrException {
        byte[] fh = Nfs3Xdr.fh(in);
        long offset = in.readLong();
        return new ReadArgs(fh, offset, in.readUnsignedInt());
    }

    @Override
    CompletableFuture<Nfs3Reply> handle(Nfs3Request req, ReadArgs args) throws FsException {
        Target t = req.target(args.fh());
        if (args.offset() < 0) {
            Attributes a = t.attrs();
            return done(ok(a, true, Unpooled.EMPTY_BUFFER));
        }
        int count = (int) Math.min(args.count(), req.services().config().readMax());
        ByteBuf data = req.dataAllocator().directBuffer(count, count);
        ReadResult r;
        try {
            // The buffer's own NIO view: this thread is its only user until the reply takes it.
            r = req.volume().read(req.caller(), t.id(), args.offset(), data.internalNioBuffer(0, count));
            data.writerIndex(r.count());
            data = rightSized(req, data);
        } catch (FsException | RuntimeException | Error e) {
            data.release();
            throw e;
        }
        req.services().metrics().bytesRead(r.count());
        return done(ok(r.attributes(), r.eof(), data));
    }

    /**
     * {@code data}, or a copy of its bytes in a buffer of their size when the read came up well
     * short of the buffer: the memory budget counts a reply by its bytes, so a reply must not pin
     * much more than that while it waits to be written.
     */
    private static ByteBuf rightSized(Nfs3Request req, ByteBuf data) {
        int n = data.readableBytes();
        if (data.capacity() - n <= SLACK || n >= data.capacity() / 2) return data;
        if (n == 0) {
            data.release();
            return Unpooled.EMPTY_BUFFER;
        }
        ByteBuf copy = req.dataAllocator().directBuffer(n, n);
        try {
            copy.writeBytes(data, data.readerIndex(), n);
        } catch (RuntimeException | Error e) {
            copy.release();
            throw e;
        }
        data.release();
        return copy;
    }

    /**
     * The READ results. The data buffer is owned by this body: handed to the encoder (which
     * sends it without a copy and releases it once written) or released by {@link #discard},
     * exactly once either way.
     */
    private static Nfs3Reply ok(Attributes a, boolean eof, ByteBuf data) {
        return Nfs3Reply.ok(new Body(a, eof, data));
    }

    static final class Body implements XdrWritable {
        private static final AtomicReferenceFieldUpdater<Body, ByteBuf> DATA =
                AtomicReferenceFieldUpdater.newUpdater(Body.class, ByteBuf.class, "data");

        private final Attributes attrs;
        private final boolean eof;
        private final int count;
        private volatile ByteBuf data;

        Body(Attributes attrs, boolean eof, ByteBuf data) {
            this.attrs = attrs;
            this.eof = eof;
            this.count = data.readableBytes();
            this.data = data;
        }

        @Override
        public void write(XdrEncoder out) {
            Nfs3Xdr.postOpAttr(out, attrs);
            out.writeInt(count);
            out.writeBoolean(eof);
            ByteBuf d = DATA.getAndSet(this, null);
            if (d == null) throw new IllegalStateException("READ data written or discarded already");
            out.appendOpaque(d);
        }

        @Override
        public int sizeHint() {
            // Data the encoder appends is not copied: only the words around it are written.
            return OVERHEAD + (count < XdrEncoder.GATHER_MIN ? count : 0);
        }

        @Override
        public void discard() {
            ByteBuf d = DATA.getAndSet(this, null);
            if (d != null) d.release();
        }
    }

    @Override
    Nfs3Reply failure(Nfs3Request req, ReadArgs args, NfsStat3 status) {
        Attributes a = req.postOp(args.fh());
        return new Nfs3Reply(status, out -> Nfs3Xdr.postOpAttr(out, a));
    }
}
