package org.echofs.gateway.nfs3;

import org.echofs.core.fs.Attributes;
import org.echofs.core.fs.FsException;
import org.echofs.gateway.xdr.XdrDecoder;
import org.echofs.gateway.xdr.XdrException;

import java.util.concurrent.CompletableFuture;

/**
 * COMMIT (RFC 1813 section 3.3.21): makes every earlier write of the file stable (the range is
 * not narrowed) and answers the write epoch's verifier. A commit that fails with IO rotates the
 * epoch first, so clients resend their unstable data. Refused with ROFS on a read-only export.
 */
final class CommitHandler extends Handler<CommitHandler.CommitArgs> {

    record CommitArgs(byte[] fh, long offset, long count) { }

    CommitHandler() { super(Nfs3Proc.COMMIT); }

    @Override
    CommitArgs decode(XdrDecoder in) throws XdrException {
        byte[] fh = Nfs3Xdr.fh(in);
        long offset = in.readLong();
        return new CommitArgs(fh, offset, in.readUnsignedInt());
    }

    @Override
    CompletableFuture<Nfs3Reply> handle(Nfs3Request req, CommitArgs args) throws FsException {
        Target t = req.target(args.fh());
        Nfs3Services svc = req.services();
        return svc.volume().commit(t.id()).handle((w, ex) -> {
            if (ex != null) {
                EpochRules.rotateOnIo(svc.epoch(), ex);
                throw EpochRules.rethrow(ex);
            }
            long verifier = svc.epoch().current();
            return Nfs3Reply.ok(out -> {
                Nfs3Xdr.wcc(out, w);
                out.writeLong(verifier);
            });
        });
    }

    @Override
    Nfs3Reply failure(Nfs3Request req, CommitArgs args, NfsStat3 status) {
        Attributes a = req.postOp(args.fh());
        return new Nfs3Reply(status, out -> Nfs3Xdr.wcc(out, null, a));
    }
}
