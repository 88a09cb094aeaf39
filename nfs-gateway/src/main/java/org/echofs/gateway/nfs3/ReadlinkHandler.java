package org.echofs.gateway.nfs3;

import org.echofs.core.fs.Attributes;
import org.echofs.core.fs.FsException;
import org.echofs.gateway.xdr.XdrDecoder;
import org.echofs.gateway.xdr.XdrException;

import java.util.concurrent.CompletableFuture;

/** READLINK (RFC 1813 section 3.3.5): the link's attributes and target. */
final class ReadlinkHandler extends Handler<Args.Fh> {

    /** The largest reply: status, post_op_attr, a target of {@link Nfs3Request#MAX_PATH} bytes. */
    static final int MAX_REPLY = 4 + 4 + Nfs3Xdr.FATTR3 + 4 + Nfs3Request.MAX_PATH;

    ReadlinkHandler() { super(Nfs3Proc.READLINK); }

    @Override Args.Fh decode(XdrDecoder in) throws XdrException { return Args.Fh.decode(in); }

    @Override
    CompletableFuture<Nfs3Reply> handle(Nfs3Request req, Args.Fh args) throws FsException {
        Target t = req.target(args.fh());
        String target = req.volume().readlink(t.id());
        Attributes a = t.attrs();
        return done(Nfs3Reply.ok(out -> {
            Nfs3Xdr.postOpAttr(out, a);
            out.writeString(target);
        }));
    }

    @Override
    Nfs3Reply failure(Nfs3Request req, Args.Fh args, NfsStat3 status) {
        Attributes a = req.postOp(args.fh());
        return new Nfs3Reply(status, out -> Nfs3Xdr.postOpAttr(out, a));
    }
}
