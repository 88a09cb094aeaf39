package org.echofs.gateway.nfs3;

import org.echofs.core.fs.Attributes;
import org.echofs.core.fs.FsException;
import org.echofs.core.fs.FsStat;
import org.echofs.core.fs.VolumeInfo;
import org.echofs.gateway.xdr.XdrDecoder;
import org.echofs.gateway.xdr.XdrException;

import java.util.concurrent.CompletableFuture;

/** FSSTAT, FSINFO and PATHCONF (RFC 1813 sections 3.3.18-3.3.20). Failure arm: post_op_attr. */
final class FsHandlers {

    /** FSINFO properties bits. */
    static final int FSF3_LINK = 0x1, FSF3_SYMLINK = 0x2, FSF3_HOMOGENEOUS = 0x8, FSF3_CANSETTIME = 0x10;

    private FsHandlers() { }

    abstract static class FsQuery extends Handler<Args.Fh> {
        FsQuery(Nfs3Proc proc) { super(proc); }

        @Override Args.Fh decode(XdrDecoder in) throws XdrException { return Args.Fh.decode(in); }

        @Override
        final Nfs3Reply failure(Nfs3Request req, Args.Fh args, NfsStat3 status) {
            Attributes a = req.postOp(args.fh());
            return new Nfs3Reply(status, out -> Nfs3Xdr.postOpAttr(out, a));
        }
    }

    /** FSSTAT: space and file counts from the volume; invarsec 0 (they change any time). */
    static final class Fsstat extends FsQuery {
        Fsstat() { super(Nfs3Proc.FSSTAT); }

        @Override
        CompletableFuture<Nfs3Reply> handle(Nfs3Request req, Args.Fh args) throws FsException {
            Attributes a = req.target(args.fh()).attrs();
            FsStat s = req.volume().fsstat();
            return done(Nfs3Reply.ok(out -> {
                Nfs3Xdr.postOpAttr(out, a);
                out.writeLong(s.totalBytes());
                out.writeLong(s.freeBytes());
                out.writeLong(s.availableBytes());
                out.writeLong(s.totalFiles());
                out.writeLong(s.freeFiles());
                out.writeLong(s.availableFiles());
                out.writeInt(0);
            }));
        }
    }

    /** FSINFO: transfer sizes from {@link Nfs3Config}, limits and time granularity from the volume. */
    static final class Fsinfo extends FsQuery {
        Fsinfo() { super(Nfs3Proc.FSINFO); }

        @Override
        CompletableFuture<Nfs3Reply> handle(Nfs3Request req, Args.Fh args) throws FsException {
            Attributes a = req.target(args.fh()).attrs();
            Nfs3Config c = req.services().config();
            VolumeInfo info = req.services().info();
            return done(Nfs3Reply.ok(out -> {
                Nfs3Xdr.postOpAttr(out, a);
                out.writeInt(c.readMax());
                out.writeInt(c.readMax());
                out.writeInt(Nfs3Config.BLOCK);
                out.writeInt(c.writeMax());
                out.writeInt(c.writeMax());
                out.writeInt(Nfs3Config.BLOCK);
                out.writeInt(c.dirPreferred());
                out.writeLong(info.maxFileSize());
                Nfs3Xdr.time(out, info.timeDeltaNanos());
                out.writeInt(FSF3_LINK | FSF3_SYMLINK | FSF3_HOMOGENEOUS | FSF3_CANSETTIME);
            }));
        }
    }

    /** PATHCONF: link and name limits from the volume; no truncation, chown restricted, case kept. */
    static final class Pathconf extends FsQuery {
        Pathconf() { super(Nfs3Proc.PATHCONF); }

        @Override
        CompletableFuture<Nfs3Reply> handle(Nfs3Request req, Args.Fh args) throws FsException {
            Attributes a = req.target(args.fh()).attrs();
            VolumeInfo info = req.services().info();
            return done(Nfs3Reply.ok(out -> {
                Nfs3Xdr.postOpAttr(out, a);
                out.writeInt(info.linkMax());
                out.writeInt(info.maxNameLength());
                out.writeBoolean(true); // no_trunc
                out.writeBoolean(true); // chown_restricted
                out.writeBoolean(false); // case_insensitive
                out.writeBoolean(true); // case_preserving
            }));
        }
    }
}
