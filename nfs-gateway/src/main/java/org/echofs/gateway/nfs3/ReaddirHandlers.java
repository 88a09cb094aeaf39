package org.echofs.gateway.nfs3;

import org.echofs.core.fs.Attributes;
import org.echofs.core.fs.DirEntry;
import org.echofs.core.fs.DirListing;
import org.echofs.core.fs.FsError;
import org.echofs.core.fs.FsException;
import org.echofs.gateway.xdr.XdrDecoder;
import org.echofs.gateway.xdr.XdrEncoder;
import org.echofs.gateway.xdr.XdrException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * READDIR and READDIRPLUS (RFC 1813 sections 3.3.16, 3.3.17), with exact size accounting:
 *
 * <ul>
 *   <li>READDIR {@code count} bounds the whole reply body: status, dir post_op_attr,
 *       cookieverf, every entry (with its "value follows" word) and the closing list word and eof.</li>
 *   <li>READDIRPLUS {@code maxcount} bounds the whole reply body likewise (entries with their
 *       attributes and handles); {@code dircount} bounds the sum over entries of their fileid,
 *       name (length word, bytes, padding) and cookie.</li>
 *   <li>Both limits are capped at rtmax. Entries are added while they fit; eof is set only when
 *       every entry of the listing was sent and the volume said the listing ended. When not even
 *       the first entry (or the empty reply) fits: NFS3ERR_TOOSMALL.</li>
 * </ul>
 *
 * ".." in an export's root directory is reported as the root itself.
 */
final class ReaddirHandlers {

    /** Bytes of the reply around the entries, without the directory's attributes. */
    static final int FIXED = 4 /* status */ + Nfs3Xdr.VERIFIER + 4 /* no more entries */ + 4 /* eof */;

    /** The smallest entry: value-follows word, fileid, a name of 1..4 bytes, cookie. */
    static final int MIN_ENTRY = 4 + 8 + 4 + 4 + 8;

    private ReaddirHandlers() { }

    /** The dircount part of an entry: fileid, name, cookie. */
    static int entryInfoSize(byte[] name) {
        return 8 + 4 + Nfs3Xdr.padded(name.length) + 8;
    }

    /** One entry to send; attributes and handle only for READDIRPLUS. */
    private record Out(long fileId, byte[] name, long cookie, Attributes attrs, byte[] fh) { }

    record ReaddirArgs(byte[] fh, long cookie, long verifier, long count) { }

    record ReaddirplusArgs(byte[] fh, long cookie, long verifier, long dircount, long maxcount) { }

    /** The listing with ".." of an export root replaced by the root, names as UTF-8. */
    private static List<Out> entries(Nfs3Request req, Target dir, DirListing l, boolean plus) {
        List<Out> out = new ArrayList<>(l.entries().size());
        boolean root = dir.id() == req.exportRoot();
        for (DirEntry e : l.entries()) {
            long fileId = e.fileId();
            Attributes a = e.attributes();
            if (root && e.name().equals("..")) {
                fileId = dir.attrs().fileId();
                a = l.directory() != null ? l.directory() : dir.attrs();
            }
            byte[] fh = plus && a != null ? req.handleOf(a) : null;
            out.add(new Out(fileId, e.name().getBytes(StandardCharsets.UTF_8), e.cookie(), plus ? a : null, fh));
        }
        return out;
    }

    private static int maxEntries(long budget) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, budget / MIN_ENTRY + 1));
    }

    private static Nfs3Reply ok(Attributes dir, long verifier, List<Out> entries, boolean eof, boolean plus) {
        return Nfs3Reply.ok(out -> {
            Nfs3Xdr.postOpAttr(out, dir);
            out.writeLong(verifier);
            for (Out e : entries) {
                out.writeBoolean(true);
                out.writeLong(e.fileId());
                out.writeOpaque(e.name());
                out.writeLong(e.cookie());
                if (plus) {
                    Nfs3Xdr.postOpAttr(out, e.attrs());
                    Nfs3Xdr.postOpFh(out, e.fh());
                }
            }
            out.writeBoolean(false);
            out.writeBoolean(eof);
        });
    }

    private static Nfs3Reply failure(Nfs3Request req, byte[] fh, NfsStat3 status) {
        Attributes a = req.postOp(fh);
        return new Nfs3Reply(status, (XdrEncoder out) -> Nfs3Xdr.postOpAttr(out, a));
    }

    private static FsException tooSmall() {
        return new FsException(FsError.TOOSMALL, "not even one entry fits");
    }

    static final class Readdir extends Handler<ReaddirArgs> {
        Readdir() { super(Nfs3Proc.READDIR); }

        @Override
        ReaddirArgs decode(XdrDecoder in) throws XdrException {
            byte[] fh = Nfs3Xdr.fh(in);
            long cookie = in.readLong();
            long verifier = Nfs3Xdr.verifier(in);
            return new ReaddirArgs(fh, cookie, verifier, in.readUnsignedInt());
        }

        @Override
        CompletableFuture<Nfs3Reply> handle(Nfs3Request req, ReaddirArgs args) throws FsException {
            Target dir = req.target(args.fh());
            long budget = Math.min(args.count(), req.services().config().readMax());
            DirListing l = req.volume().readdir(req.caller(), dir.id(), args.cookie(), args.verifier(),
                    maxEntries(budget), false);
            long used = FIXED + Nfs3Xdr.postOpAttrSize(l.directory());
            if (used > budget) throw tooSmall();
            List<Out> all = entries(req, dir, l, false);
            List<Out> sent = new ArrayList<>();
            for (Out e : all) {
                long size = 4 + entryInfoSize(e.name());
                if (used + size > budget) break;
                used += size;
                sent.add(e);
            }
            if (sent.isEmpty() && !all.isEmpty()) throw tooSmall();
            boolean eof = sent.size() == all.size() && l.eof();
            return done(ok(l.directory(), l.verifier(), sent, eof, false));
        }

        @Override
        Nfs3Reply failure(Nfs3Request req, ReaddirArgs args, NfsStat3 status) {
            return ReaddirHandlers.failure(req, args.fh(), status);
        }
    }

    static final class Readdirplus extends Handler<ReaddirplusArgs> {
        Readdirplus() { super(Nfs3Proc.READDIRPLUS); }

        @Override
        ReaddirplusArgs decode(XdrDecoder in) throws XdrException {
            byte[] fh = Nfs3Xdr.fh(in);
            long cookie = in.readLong();
            long verifier = Nfs3Xdr.verifier(in);
            long dircount = in.readUnsignedInt();
            return new ReaddirplusArgs(fh, cookie, verifier, dircount, in.readUnsignedInt());
        }

        @Override
        CompletableFuture<Nfs3Reply> handle(Nfs3Request req, ReaddirplusArgs args) throws FsException {
            Target dir = req.target(args.fh());
            int cap = req.services().config().readMax();
            long maxcount = Math.min(args.maxcount(), cap);
            long dircount = Math.min(args.dircount(), cap);
            int max = Math.min(maxEntries(maxcount), maxEntries(dircount));
            DirListing l = req.volume().readdir(req.caller(), dir.id(), args.cookie(), args.verifier(), max, true);
            long used = FIXED + Nfs3Xdr.postOpAttrSize(l.directory());
            if (used > maxcount) throw tooSmall();
            long dirUsed = 0;
            List<Out> all = entries(req, dir, l, true);
            List<Out> sent = new ArrayList<>();
            for (Out e : all) {
                int info = entryInfoSize(e.name());
                long size = 4 + info + Nfs3Xdr.postOpAttrSize(e.attrs()) + Nfs3Xdr.postOpFhSize(e.fh());
                if (used + size > maxcount || dirUsed + info > dircount) break;
                used += size;
                dirUsed += info;
                sent.add(e);
            }
            if (sent.isEmpty() && !all.isEmpty()) throw tooSmall();
            boolean eof = sent.size() == all.size() && l.eof();
            return done(ok(l.directory(), l.verifier(), sent, eof, true));
        }

        @Override
        Nfs3Reply failure(Nfs3Request req, ReaddirplusArgs args, NfsStat3 status) {
            return ReaddirHandlers.failure(req, args.fh(), status);
        }
    }
}
