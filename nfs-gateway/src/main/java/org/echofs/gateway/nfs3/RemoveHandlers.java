package org.echofs.gateway.nfs3;

import org.echofs.core.fs.Attributes;
import org.echofs.core.fs.FsException;
import org.echofs.core.fs.Wcc;
import org.echofs.gateway.xdr.XdrDecoder;
import org.echofs.gateway.xdr.XdrException;

import java.util.concurrent.CompletableFuture;

/** REMOVE and RMDIR (RFC 1813 sections 3.3.12, 3.3.13): the directory's wcc_data in both arms. */
final class RemoveHandlers {

    private RemoveHandlers() { }

    abstract static class Unlink extends Handler<Args.DirOp> {
        Unlink(Nfs3Proc proc) { super(proc); }

        abstract CompletableFuture<Wcc> unlink(Nfs3Request req, long dir, String name);

        @Override Args.DirOp decode(XdrDecoder in) throws XdrException { return Args.DirOp.decode(in); }

        @Override
        final CompletableFuture<Nfs3Reply> handle(Nfs3Request req, Args.DirOp args) throws FsException {
            Target dir = req.target(args.dir());
            String name = req.name(args.name());
            return unlink(req, dir.id(), name).thenApply(w -> Nfs3Reply.ok(out -> Nfs3Xdr.wcc(out, w)));
        }

        @Override
        final Nfs3Reply failure(Nfs3Request req, Args.DirOp args, NfsStat3 status) {
            Attributes dir = req.postOp(args.dir());
            return new Nfs3Reply(status, out -> Nfs3Xdr.wcc(out, null, dir));
        }
    }

    static final class Remove extends Unlink {
        Remove() { super(Nfs3Proc.REMOVE); }

        @Override
        CompletableFuture<Wcc> unlink(Nfs3Request req, long dir, String name) {
            return req.volume().remove(req.caller(), dir, name);
        }
    }

    static final class Rmdir extends Unlink {
        Rmdir() { super(Nfs3Proc.RMDIR); }

        @Override
        CompletableFuture<Wcc> unlink(Nfs3Request req, long dir, String name) {
            return req.volume().rmdir(req.caller(), dir, name);
        }
    }
}
