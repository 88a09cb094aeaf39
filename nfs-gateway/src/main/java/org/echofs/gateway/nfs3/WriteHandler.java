package org.echofs.gateway.nfs3;

import io.netty.buffer.ByteBuf;
import org.echofs.core.fs.Attributes;
import org.echofs.core.fs.FsError;
import org.echofs.core.fs.FsException;
import org.echofs.core.fs.Stability;
import org.echofs.core.fs.WriteResult;
import org.echofs.gateway.xdr.XdrDecoder;
import org.echofs.gateway.xdr.XdrException;

import java.util.concurrent.CompletableFuture;

/**
 * WRITE (RFC 1813 section 3.3.7). The data is a slice of the request, written without a copy.
 * A count that differs from the data's length is GARBAGE_ARGS, and data longer than wtmax is cut
 * to wtmax (the client sees a short count), both as Linux nfsd does. The verifier comes from the
 * write epoch when the write completes; a stable write that fails with IO rotates the epoch.
 */
final class WriteHandler extends Handler<WriteHandler.WriteArgs> {

    record WriteArgs(byte[] fh, long offset, Stability stable, ByteBuf data) { }

    WriteHandler() { super(Nfs3Proc.WRITE); }

    @Override
    WriteArgs decode(XdrDecoder in) throws XdrException {
        byte[] fh = Nfs3Xdr.fh(in);
        long offset = in.readLong();
        long count = in.readUnsignedInt();
        int how = in.readInt();
        Stability stable = Stability.fromCode(how);
        if (stable == null) throw new XdrException("bad stable_how " + how);
        ByteBuf data = in.readOpaqueSlice(Integer.MAX_VALUE);
        if (data.readableBytes() != count) {
            throw new XdrException("count " + count + " but " + data.readableBytes() + " bytes of data");
        }
        return new WriteArgs(fh, offset, stable, data);
    }

    @Override
    CompletableFuture<Nfs3Reply> handle(Nfs3Request req, WriteArgs args) throws FsException {
        Target t = req.target(args.fh());
        ByteBuf data = args.data();
        int count = Math.min(data.readableBytes(), req.services().config().writeMax());
        if (args.offset() < 0 || args.offset() + count < 0) {
            throw new FsException(FsError.FBIG, "offset past 2^63-1");
        }
        Nfs3Services svc = req.services();
        return svc.volume().write(req.caller(), t.id(), args.offset(), data.nioBuffer(data.readerIndex(), count),
                        args.stable())
                .handle((w, ex) -> {
                    if (ex != null) {
                        if (args.stable() != Stability.UNSTABLE) EpochRules.rotateOnIo(svc.epoch(), ex);
                        throw EpochRules.rethrow(ex);
                    }
                    svc.metrics().bytesWritten(w.count());
                    return ok(w, svc.epoch().current());
                });
    }

    private static Nfs3Reply ok(WriteResult w, long verifier) {
        return Nfs3Reply.ok(out -> {
            Nfs3Xdr.wcc(out, w.file());
            out.writeInt(w.count());
            out.writeInt(w.committed().code());
            out.writeLong(verifier);
        });
    }

    @Override
    Nfs3Reply failure(Nfs3Request req, WriteArgs args, NfsStat3 status) {
        Attributes a = req.postOp(args.fh());
        return new Nfs3Reply(status, out -> Nfs3Xdr.wcc(out, null, a));
    }
}
