package org.echofs.gateway.nfs3;

import org.echofs.core.fs.Attributes;
import org.echofs.core.fs.FsException;
import org.echofs.gateway.xdr.XdrDecoder;
import org.echofs.gateway.xdr.XdrException;

import java.util.concurrent.CompletableFuture;

/**
 * RENAME (RFC 1813 section 3.3.14): wcc_data of both directories in both arms. Directories of
 * two different exports give NFS3ERR_XDEV.
 */
final class RenameHandler extends Handler<RenameHandler.RenameArgs> {

    record RenameArgs(Args.DirOp from, Args.DirOp to) { }

    RenameHandler() { super(Nfs3Proc.RENAME); }

    @Override
    RenameArgs decode(XdrDecoder in) throws XdrException {
        Args.DirOp from = Args.DirOp.decode(in);
        return new RenameArgs(from, Args.DirOp.decode(in));
    }

    @Override
    CompletableFuture<Nfs3Reply> handle(Nfs3Request req, RenameArgs args) throws FsException {
        Target from = req.target(args.from().dir());
        Target to = req.target(args.to().dir());
        String fromName = req.name(args.from().name());
        String toName = req.name(args.to().name());
        return req.volume().rename(req.caller(), from.id(), fromName, to.id(), toName)
                .thenApply(r -> Nfs3Reply.ok(out -> {
                    Nfs3Xdr.wcc(out, r.fromDir());
                    Nfs3Xdr.wcc(out, r.toDir());
                }));
    }

    @Override
    Nfs3Reply failure(Nfs3Request req, RenameArgs args, NfsStat3 status) {
        Attributes from = req.postOp(args.from().dir());
        Attributes to = req.postOp(args.to().dir());
        return new Nfs3Reply(status, out -> {
            Nfs3Xdr.wcc(out, null, from);
            Nfs3Xdr.wcc(out, null, to);
        });
    }
}
