package org.echofs.gateway.nfs3;

import org.echofs.gateway.xdr.XdrDecoder;
import org.echofs.gateway.xdr.XdrException;

/** Argument shapes several procedures share. */
final class Args {

    private Args() { }

    /** A lone nfs_fh3 (GETATTR, READLINK, FSSTAT, FSINFO, PATHCONF). */
    record Fh(byte[] fh) {
        static Fh decode(XdrDecoder in) throws XdrException {
            return new Fh(Nfs3Xdr.fh(in));
        }
    }

    /** diropargs3: a directory handle and a name (raw bytes, judged later). */
    record DirOp(byte[] dir, byte[] name) {
        static DirOp decode(XdrDecoder in) throws XdrException {
            byte[] dir = Nfs3Xdr.fh(in);
            return new DirOp(dir, Nfs3Xdr.rawString(in));
        }
    }
}
