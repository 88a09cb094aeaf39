package org.echofs.gateway.nfs3;

import org.echofs.core.fs.Attributes;
import org.echofs.core.fs.FsException;
import org.echofs.core.fs.SetAttributes;
import org.echofs.gateway.xdr.XdrDecoder;
import org.echofs.gateway.xdr.XdrException;

import java.util.concurrent.CompletableFuture;

/** GETATTR, SETATTR and ACCESS (RFC 1813 sections 3.3.1, 3.3.2, 3.3.4). */
final class AttrHandlers {

    private AttrHandlers() { }

    /** GETATTR: the object's fattr3; the failure arm is empty. */
    static final class Getattr extends Handler<Args.Fh> {
        Getattr() { super(Nfs3Proc.GETATTR); }

        @Override Args.Fh decode(XdrDecoder in) throws XdrException { return Args.Fh.decode(in); }

        @Override
        CompletableFuture<Nfs3Reply> handle(Nfs3Request req, Args.Fh args) throws FsException {
            Attributes a = req.target(args.fh()).attrs();
            return done(Nfs3Reply.ok(out -> Nfs3Xdr.fattr3(out, a)));
        }

        @Override
        Nfs3Reply failure(Nfs3Request req, Args.Fh args, NfsStat3 status) {
            return new Nfs3Reply(status, out -> { });
        }
    }

    record SetattrArgs(byte[] fh, SetAttributes attributes, Long guardCtimeNanos) { }

    /** SETATTR with the optional ctime guard; wcc_data in both arms. */
    static final class Setattr extends Handler<SetattrArgs> {
        Setattr() { super(Nfs3Proc.SETATTR); }

        @Override
        SetattrArgs decode(XdrDecoder in) throws XdrException {
            byte[] fh = Nfs3Xdr.fh(in);
            SetAttributes s = Nfs3Xdr.sattr3(in);
            Long guard = in.readBoolean() ? Nfs3Xdr.time(in) : null;
            return new SetattrArgs(fh, s, guard);
        }

        @Override
        CompletableFuture<Nfs3Reply> handle(Nfs3Request req, SetattrArgs args) throws FsException {
            Target t = req.target(args.fh());
            return req.volume().setattr(req.caller(), t.id(), args.attributes(), args.guardCtimeNanos())
                    .thenApply(w -> Nfs3Reply.ok(out -> Nfs3Xdr.wcc(out, w)));
        }

        @Override
        Nfs3Reply failure(Nfs3Request req, SetattrArgs args, NfsStat3 status) {
            Attributes after = req.postOp(args.fh());
            return new Nfs3Reply(status, out -> Nfs3Xdr.wcc(out, null, after));
        }
    }

    record AccessArgs(byte[] fh, int access) { }

    /**
     * ACCESS: what the squashed caller may do, from the mode bits ({@code Access.nfsAccess}),
     * without MODIFY, EXTEND or DELETE on a read-only export.
     */
    static final class Access extends Handler<AccessArgs> {
        Access() { super(Nfs3Proc.ACCESS); }

        @Override
        AccessArgs decode(XdrDecoder in) throws XdrException {
            byte[] fh = Nfs3Xdr.fh(in);
            return new AccessArgs(fh, in.readInt());
        }

        @Override
        CompletableFuture<Nfs3Reply> handle(Nfs3Request req, AccessArgs args) throws FsException {
            Attributes a = req.target(args.fh()).attrs();
            int granted = org.echofs.core.fs.Access.nfsAccess(a, req.caller(), args.access());
            if (!req.options().readWrite()) {
                granted &= ~(org.echofs.core.fs.Access.MODIFY | org.echofs.core.fs.Access.EXTEND
                        | org.echofs.core.fs.Access.DELETE);
            }
            int result = granted;
            return done(Nfs3Reply.ok(out -> {
                Nfs3Xdr.postOpAttr(out, a);
                out.writeInt(result);
            }));
        }

        @Override
        Nfs3Reply failure(Nfs3Request req, AccessArgs args, NfsStat3 status) {
            Attributes a = req.postOp(args.fh());
            return new Nfs3Reply(status, out -> Nfs3Xdr.postOpAttr(out, a));
        }
    }
}
