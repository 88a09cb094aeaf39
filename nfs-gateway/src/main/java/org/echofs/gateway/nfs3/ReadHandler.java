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

/**
 * READ (RFC 1813 section 3.3.6). The count is capped at rtmax; the volume reads straight into
 * the buffer the reply is written from. An offset past 2^63-1 reads nothing, at end of file.
 */
final class ReadHandler extends Handler<ReadHandler.ReadArgs> {

    record ReadArgs(byte[] fh, long offset, long count) { }

    /** Bytes of the reply besides the data: status, post_op_attr, count, eof, opaque length, padding. */
    static final int OVERHEAD = 4 + 4 + Nfs3Xdr.FATTR3 + 4 + 4 + 4 + 3;

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
            return done(ok(a, 0, true, Unpooled.EMPTY_BUFFER));
        }
        int count = (int) Math.min(args.count(), req.services().config().readMax());
        ByteBuf data = Unpooled.buffer(count, count); // heap, garbage-collected: safe whenever the reply is written
        ReadResult r = req.volume().read(req.caller(), t.id(), args.offset(), data.nioBuffer(0, count));
        data.writerIndex(r.count());
        req.services().metrics().bytesRead(r.count());
        return done(ok(r.attributes(), r.count(), r.eof(), data));
    }

    private static Nfs3Reply ok(Attributes a, int count, boolean eof, ByteBuf data) {
        return Nfs3Reply.ok(new XdrWritable() {
            @Override
            public void write(XdrEncoder out) {
                Nfs3Xdr.postOpAttr(out, a);
                out.writeInt(count);
                out.writeBoolean(eof);
                out.writeOpaque(data);
            }

            @Override
            public int sizeHint() {
                return OVERHEAD + data.readableBytes(); // one buffer of the right size, no regrowth
            }
        });
    }

    @Override
    Nfs3Reply failure(Nfs3Request req, ReadArgs args, NfsStat3 status) {
        Attributes a = req.postOp(args.fh());
        return new Nfs3Reply(status, out -> Nfs3Xdr.postOpAttr(out, a));
    }
}
