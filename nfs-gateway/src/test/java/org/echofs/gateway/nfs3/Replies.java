package org.echofs.gateway.nfs3;

import org.echofs.gateway.xdr.XdrDecoder;
import org.echofs.gateway.xdr.XdrException;

/** Decoders for NFSv3 reply parts, written independently of the production encoders. For tests. */
public final class Replies {

    private Replies() { }

    /** fattr3, field by field. */
    public record Fattr(int type, int mode, int nlink, int uid, int gid, long size, long used, int rdevMajor,
                        int rdevMinor, long fsid, long fileId, long atimeSec, long atimeNsec, long mtimeSec,
                        long mtimeNsec, long ctimeSec, long ctimeNsec) {
        public long ctimeNanos() { return ctimeSec * 1_000_000_000L + ctimeNsec; }

        public long mtimeNanos() { return mtimeSec * 1_000_000_000L + mtimeNsec; }
    }

    public record PreOp(long size, long mtimeSec, long mtimeNsec, long ctimeSec, long ctimeNsec) { }

    public record WccData(PreOp before, Fattr after) { }

    public static Fattr fattr(XdrDecoder in) throws XdrException {
        return new Fattr(in.readInt(), in.readInt(), in.readInt(), in.readInt(), in.readInt(), in.readLong(),
                in.readLong(), in.readInt(), in.readInt(), in.readLong(), in.readLong(),
                in.readUnsignedInt(), in.readUnsignedInt(), in.readUnsignedInt(), in.readUnsignedInt(),
                in.readUnsignedInt(), in.readUnsignedInt());
    }

    public static Fattr postOpAttr(XdrDecoder in) throws XdrException {
        return in.readBoolean() ? fattr(in) : null;
    }

    public static PreOp preOp(XdrDecoder in) throws XdrException {
        if (!in.readBoolean()) return null;
        return new PreOp(in.readLong(), in.readUnsignedInt(), in.readUnsignedInt(), in.readUnsignedInt(),
                in.readUnsignedInt());
    }

    public static WccData wcc(XdrDecoder in) throws XdrException {
        PreOp before = preOp(in);
        return new WccData(before, postOpAttr(in));
    }

    public static byte[] postOpFh(XdrDecoder in) throws XdrException {
        return in.readBoolean() ? in.readOpaque(64) : null;
    }
}
