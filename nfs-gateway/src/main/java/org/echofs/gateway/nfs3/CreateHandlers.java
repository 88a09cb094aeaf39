package org.echofs.gateway.nfs3;

import org.echofs.core.fs.Attributes;
import org.echofs.core.fs.CreateHow;
import org.echofs.core.fs.Created;
import org.echofs.core.fs.FileType;
import org.echofs.core.fs.FsError;
import org.echofs.core.fs.FsException;
import org.echofs.core.fs.SetAttributes;
import org.echofs.gateway.xdr.XdrDecoder;
import org.echofs.gateway.xdr.XdrException;

import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * CREATE, MKDIR, SYMLINK and MKNOD (RFC 1813 sections 3.3.8-3.3.11). They share the reply:
 * post_op_fh3, post_op_attr and the directory's wcc_data on success, the directory's wcc_data on
 * failure.
 */
final class CreateHandlers {

    private CreateHandlers() { }

    /** The shared part: resolve the directory and name, make the object, answer. */
    abstract static class Maker<A> extends Handler<A> {
        Maker(Nfs3Proc proc) { super(proc); }

        abstract Args.DirOp where(A args);

        abstract CompletableFuture<Created> make(Nfs3Request req, long dir, String name, A args) throws FsException;

        @Override
        final CompletableFuture<Nfs3Reply> handle(Nfs3Request req, A args) throws FsException {
            Target dir = req.target(where(args).dir());
            String name = req.name(where(args).name());
            Function<Attributes, byte[]> handles = req.handleMaker();
            return make(req, dir.id(), name, args).thenApply(c -> {
                byte[] fh = handles.apply(c.object());
                return Nfs3Reply.ok(out -> {
                    Nfs3Xdr.postOpFh(out, fh);
                    Nfs3Xdr.postOpAttr(out, c.object());
                    Nfs3Xdr.wcc(out, c.dir());
                });
            });
        }

        @Override
        final Nfs3Reply failure(Nfs3Request req, A args, NfsStat3 status) {
            Attributes dir = req.postOp(where(args).dir());
            return new Nfs3Reply(status, out -> Nfs3Xdr.wcc(out, null, dir));
        }
    }

    record CreateArgs(Args.DirOp where, CreateHow how, SetAttributes attributes, long verifier) { }

    /** CREATE: UNCHECKED and GUARDED with sattr3, EXCLUSIVE with the createverf3. */
    static final class Create extends Maker<CreateArgs> {
        Create() { super(Nfs3Proc.CREATE); }

        @Override
        CreateArgs decode(XdrDecoder in) throws XdrException {
            Args.DirOp where = Args.DirOp.decode(in);
            int mode = in.readInt();
            return switch (mode) {
                case 0 -> new CreateArgs(where, CreateHow.UNCHECKED, Nfs3Xdr.sattr3(in), 0);
                case 1 -> new CreateArgs(where, CreateHow.GUARDED, Nfs3Xdr.sattr3(in), 0);
                case 2 -> new CreateArgs(where, CreateHow.EXCLUSIVE, SetAttributes.NONE, Nfs3Xdr.verifier(in));
                default -> throw new XdrException("bad createmode3 " + mode);
            };
        }

        @Override Args.DirOp where(CreateArgs a) { return a.where(); }

        @Override
        CompletableFuture<Created> make(Nfs3Request req, long dir, String name, CreateArgs a) {
            return req.volume().create(req.caller(), dir, name, a.how(), a.attributes(), a.verifier());
        }
    }

    record MkdirArgs(Args.DirOp where, SetAttributes attributes) { }

    static final class Mkdir extends Maker<MkdirArgs> {
        Mkdir() { super(Nfs3Proc.MKDIR); }

        @Override
        MkdirArgs decode(XdrDecoder in) throws XdrException {
            Args.DirOp where = Args.DirOp.decode(in);
            return new MkdirArgs(where, Nfs3Xdr.sattr3(in));
        }

        @Override Args.DirOp where(MkdirArgs a) { return a.where(); }

        @Override
        CompletableFuture<Created> make(Nfs3Request req, long dir, String name, MkdirArgs a) {
            return req.volume().mkdir(req.caller(), dir, name, a.attributes());
        }
    }

    record SymlinkArgs(Args.DirOp where, SetAttributes attributes, byte[] target) { }

    /** SYMLINK: symlinkdata3 is the link's sattr3 and its target (at most 4096 bytes of UTF-8). */
    static final class Symlink extends Maker<SymlinkArgs> {
        Symlink() { super(Nfs3Proc.SYMLINK); }

        @Override
        SymlinkArgs decode(XdrDecoder in) throws XdrException {
            Args.DirOp where = Args.DirOp.decode(in);
            SetAttributes s = Nfs3Xdr.sattr3(in);
            return new SymlinkArgs(where, s, Nfs3Xdr.rawString(in));
        }

        @Override Args.DirOp where(SymlinkArgs a) { return a.where(); }

        @Override
        CompletableFuture<Created> make(Nfs3Request req, long dir, String name, SymlinkArgs a) throws FsException {
            String target = req.path(a.target());
            return req.volume().symlink(req.caller(), dir, name, target, a.attributes());
        }
    }

    record MknodArgs(Args.DirOp where, FileType type, SetAttributes attributes, int major, int minor) { }

    /**
     * MKNOD: character and block devices (sattr3 and specdata3), sockets and FIFOs (sattr3);
     * regular files, directories and links are NFS3ERR_BADTYPE. An ftype3 outside 1..7 is
     * GARBAGE_ARGS.
     */
    static final class Mknod extends Maker<MknodArgs> {
        Mknod() { super(Nfs3Proc.MKNOD); }

        @Override
        MknodArgs decode(XdrDecoder in) throws XdrException {
            Args.DirOp where = Args.DirOp.decode(in);
            int code = in.readInt();
            FileType type = FileType.fromCode(code);
            if (type == null) throw new XdrException("bad ftype3 " + code);
            return switch (type) {
                case CHAR, BLOCK -> {
                    SetAttributes s = Nfs3Xdr.sattr3(in);
                    int major = in.readInt();
                    yield new MknodArgs(where, type, s, major, in.readInt());
                }
                case SOCKET, FIFO -> new MknodArgs(where, type, Nfs3Xdr.sattr3(in), 0, 0);
                case REGULAR, DIRECTORY, SYMLINK -> new MknodArgs(where, type, SetAttributes.NONE, 0, 0);
            };
        }

        @Override Args.DirOp where(MknodArgs a) { return a.where(); }

        @Override
        CompletableFuture<Created> make(Nfs3Request req, long dir, String name, MknodArgs a) throws FsException {
            if (a.type() == FileType.REGULAR || a.type() == FileType.DIRECTORY || a.type() == FileType.SYMLINK) {
                throw new FsException(FsError.BADTYPE, "MKNOD of " + a.type());
            }
            return req.volume().mknod(req.caller(), dir, name, a.type(), a.attributes(), a.major(), a.minor());
        }
    }
}
