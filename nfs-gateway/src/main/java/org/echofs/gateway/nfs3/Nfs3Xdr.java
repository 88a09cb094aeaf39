package org.echofs.gateway.nfs3;

import org.echofs.core.fs.Attributes;
import org.echofs.core.fs.SetAttributes;
import org.echofs.core.fs.TimeChange;
import org.echofs.core.fs.Wcc;
import org.echofs.core.fs.WccAttr;
import org.echofs.gateway.xdr.XdrDecoder;
import org.echofs.gateway.xdr.XdrEncoder;
import org.echofs.gateway.xdr.XdrException;

/**
 * The XDR types NFSv3 procedures share (RFC 1813 section 2.5/2.6): file handles, names,
 * sattr3 on the way in; fattr3, post_op_attr, wcc_data, post_op_fh3, nfstime3 on the way out;
 * and their sizes for READDIR accounting. Pure functions.
 */
final class Nfs3Xdr {

    static final long NANOS = 1_000_000_000L;

    /** Bytes of an encoded fattr3. */
    static final int FATTR3 = 84;

    /** Bytes of the 8-byte verifiers (cookieverf3, createverf3, writeverf3). */
    static final int VERIFIER = 8;

    private Nfs3Xdr() { }

    // ---- decoding

    /**
     * An nfs_fh3's bytes. Any length whose bytes are present decodes; {@code HandleCodec} later
     * turns a wrong length into BADHANDLE (a clearer answer than GARBAGE_ARGS for a foreign handle).
     */
    static byte[] fh(XdrDecoder in) throws XdrException {
        return in.readOpaque(Integer.MAX_VALUE);
    }

    /** A filename3 or nfspath3 as raw bytes; {@link Nfs3Request#name} and friends judge them. */
    static byte[] rawString(XdrDecoder in) throws XdrException {
        return in.readOpaque(Integer.MAX_VALUE);
    }

    static long verifier(XdrDecoder in) throws XdrException {
        return in.readLong();
    }

    /** An nfstime3 as nanoseconds since the epoch (seconds and nanoseconds are unsigned). */
    static long time(XdrDecoder in) throws XdrException {
        long seconds = in.readUnsignedInt();
        long nanos = in.readUnsignedInt();
        return seconds * NANOS + nanos;
    }

    /** An sattr3; mode keeps its permission bits only (07777). An unknown time_how is garbage. */
    static SetAttributes sattr3(XdrDecoder in) throws XdrException {
        Integer mode = in.readBoolean() ? (int) (in.readUnsignedInt() & 07777) : null;
        Integer uid = in.readBoolean() ? in.readInt() : null;
        Integer gid = in.readBoolean() ? in.readInt() : null;
        Long size = null;
        if (in.readBoolean()) {
            size = in.readLong();
            if (size < 0) size = Long.MAX_VALUE; // over 2^63-1: the volume answers FBIG
        }
        TimeChange atime = timeHow(in);
        TimeChange mtime = timeHow(in);
        return new SetAttributes(mode, uid, gid, size, atime, mtime);
    }

    private static TimeChange timeHow(XdrDecoder in) throws XdrException {
        int how = in.readInt();
        return switch (how) {
            case 0 -> null; // DONT_CHANGE
            case 1 -> TimeChange.SERVER; // SET_TO_SERVER_TIME
            case 2 -> new TimeChange.ClientTime(time(in)); // SET_TO_CLIENT_TIME
            default -> throw new XdrException("bad time_how " + how);
        };
    }

    // ---- encoding

    static void time(XdrEncoder out, long nanos) {
        out.writeUnsignedInt(Math.floorDiv(nanos, NANOS));
        out.writeUnsignedInt(Math.floorMod(nanos, NANOS));
    }

    static void fattr3(XdrEncoder out, Attributes a) {
        out.writeInt(a.type().code());
        out.writeInt(a.mode() & 07777);
        out.writeInt(a.nlink());
        out.writeInt(a.uid());
        out.writeInt(a.gid());
        out.writeLong(a.size());
        out.writeLong(a.used());
        out.writeInt(a.rdevMajor());
        out.writeInt(a.rdevMinor());
        out.writeLong(a.fsid());
        out.writeLong(a.fileId());
        time(out, a.atimeNanos());
        time(out, a.mtimeNanos());
        time(out, a.ctimeNanos());
    }

    static void postOpAttr(XdrEncoder out, Attributes a) {
        out.writeBoolean(a != null);
        if (a != null) fattr3(out, a);
    }

    static int postOpAttrSize(Attributes a) {
        return a == null ? 4 : 4 + FATTR3;
    }

    static void preOpAttr(XdrEncoder out, WccAttr w) {
        out.writeBoolean(w != null);
        if (w != null) {
            out.writeLong(w.size());
            time(out, w.mtimeNanos());
            time(out, w.ctimeNanos());
        }
    }

    static void wcc(XdrEncoder out, WccAttr before, Attributes after) {
        preOpAttr(out, before);
        postOpAttr(out, after);
    }

    static void wcc(XdrEncoder out, Wcc w) {
        if (w == null) {
            wcc(out, null, null);
        } else {
            wcc(out, w.before(), w.after());
        }
    }

    static void postOpFh(XdrEncoder out, byte[] fh) {
        out.writeBoolean(fh != null);
        if (fh != null) out.writeOpaque(fh);
    }

    static int postOpFhSize(byte[] fh) {
        return fh == null ? 4 : 8 + padded(fh.length);
    }

    /** Bytes of an XDR opaque body of {@code len} bytes, padding included (no length word). */
    static int padded(int len) {
        return (len + 3) & ~3;
    }
}
