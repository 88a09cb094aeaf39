package org.echofs.gateway.nfs3;

import org.echofs.core.fs.Attributes;
import org.echofs.core.fs.FsException;
import org.echofs.gateway.xdr.XdrDecoder;
import org.echofs.gateway.xdr.XdrException;

import java.util.concurrent.CompletableFuture;

/**
 * LOOKUP (RFC 1813 section 3.3.3): the object's handle and attributes and the directory's
 * attributes. ".." in an export's root directory names the root itself, so clients never
 * climb out of an export.
 */
final class LookupHandler extends Handler<Args.DirOp> {

    LookupHandler() { super(Nfs3Proc.LOOKUP); }

    @Override Args.DirOp decode(XdrDecoder in) throws XdrException { return Args.DirOp.decode(in); }

    @Override
    CompletableFuture<Nfs3Reply> handle(Nfs3Request req, Args.DirOp args) throws FsException {
        Target dir = req.target(args.dir());
        String name = req.name(args.name());
        Attributes obj = dir.id() == req.exportRoot() && name.equals("..")
                ? dir.attrs()
                : req.volume().lookup(req.caller(), dir.id(), name);
        byte[] fh = req.handleOf(obj);
        Attributes dirAttrs = dir.attrs();
        return done(Nfs3Reply.ok(out -> {
            out.writeOpaque(fh);
            Nfs3Xdr.postOpAttr(out, obj);
            Nfs3Xdr.postOpAttr(out, dirAttrs);
        }));
    }

    @Override
    Nfs3Reply failure(Nfs3Request req, Args.DirOp args, NfsStat3 status) {
        Attributes dir = req.postOp(args.dir());
        return new Nfs3Reply(status, out -> Nfs3Xdr.postOpAttr(out, dir));
    }
}
