package org.echofs.gateway.nfs3;

import org.echofs.core.fs.Attributes;
import org.echofs.core.fs.FsException;
import org.echofs.gateway.xdr.XdrDecoder;
import org.echofs.gateway.xdr.XdrException;

import java.util.concurrent.CompletableFuture;

/**
 * LINK (RFC 1813 section 3.3.15): the file's post_op_attr and the directory's wcc_data in both
 * arms. A file and directory of two different exports give NFS3ERR_XDEV.
 */
final class LinkHandler extends Handler<LinkHandler.LinkArgs> {

    record LinkArgs(byte[] file, Args.DirOp link) { }

    LinkHandler() { super(Nfs3Proc.LINK); }

    @Override
    LinkArgs decode(XdrDecoder in) throws XdrException {
        byte[] file = Nfs3Xdr.fh(in);
        return new LinkArgs(file, Args.DirOp.decode(in));
    }

    @Override
    CompletableFuture<Nfs3Reply> handle(Nfs3Request req, LinkArgs args) throws FsException {
        Target file = req.target(args.file());
        Target dir = req.target(args.link().dir());
        String name = req.name(args.link().name());
        return req.volume().link(req.caller(), file.id(), dir.id(), name)
                .thenApply(r -> Nfs3Reply.ok(out -> {
                    Nfs3Xdr.postOpAttr(out, r.file());
                    Nfs3Xdr.wcc(out, r.dir());
                }));
    }

    @Override
    Nfs3Reply failure(Nfs3Request req, LinkArgs args, NfsStat3 status) {
        Attributes file = req.postOp(args.file());
        Attributes dir = req.postOp(args.link().dir());
        return new Nfs3Reply(status, out -> {
            Nfs3Xdr.postOpAttr(out, file);
            Nfs3Xdr.wcc(out, null, dir);
        });
    }
}
