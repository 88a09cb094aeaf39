package org.echofs.gateway.nfs3;

import org.echofs.core.fs.FsError;

/**
 * NFSv3 {@code nfsstat3} (RFC 1813 section 2.6), and THE table from {@link FsError} to it. The
 * numbers agree by design, but the mapping is written out so that a new FsError fails to
 * compile here instead of leaking an unknown number to clients.
 */
public enum NfsStat3 {
    NFS3_OK(0), NFS3ERR_PERM(1), NFS3ERR_NOENT(2), NFS3ERR_IO(5), NFS3ERR_NXIO(6), NFS3ERR_ACCES(13),
    NFS3ERR_EXIST(17), NFS3ERR_XDEV(18), NFS3ERR_NODEV(19), NFS3ERR_NOTDIR(20), NFS3ERR_ISDIR(21),
    NFS3ERR_INVAL(22), NFS3ERR_FBIG(27), NFS3ERR_NOSPC(28), NFS3ERR_ROFS(30), NFS3ERR_MLINK(31),
    NFS3ERR_NAMETOOLONG(63), NFS3ERR_NOTEMPTY(66), NFS3ERR_DQUOT(69), NFS3ERR_STALE(70), NFS3ERR_REMOTE(71),
    NFS3ERR_BADHANDLE(10001), NFS3ERR_NOT_SYNC(10002), NFS3ERR_BAD_COOKIE(10003), NFS3ERR_NOTSUPP(10004),
    NFS3ERR_TOOSMALL(10005), NFS3ERR_SERVERFAULT(10006), NFS3ERR_BADTYPE(10007), NFS3ERR_JUKEBOX(10008);

    private final int code;

    NfsStat3(int code) { this.code = code; }

    /** The number on the wire. */
    public int code() { return code; }

    /** The status a client sees for a refused file system operation. */
    public static NfsStat3 of(FsError e) {
        return switch (e) {
            case PERM -> NFS3ERR_PERM;
            case NOENT -> NFS3ERR_NOENT;
            case IO -> NFS3ERR_IO;
            case NXIO -> NFS3ERR_NXIO;
            case ACCES -> NFS3ERR_ACCES;
            case EXIST -> NFS3ERR_EXIST;
            case XDEV -> NFS3ERR_XDEV;
            case NODEV -> NFS3ERR_NODEV;
            case NOTDIR -> NFS3ERR_NOTDIR;
            case ISDIR -> NFS3ERR_ISDIR;
            case INVAL -> NFS3ERR_INVAL;
            case FBIG -> NFS3ERR_FBIG;
            case NOSPC -> NFS3ERR_NOSPC;
            case ROFS -> NFS3ERR_ROFS;
            case MLINK -> NFS3ERR_MLINK;
            case NAMETOOLONG -> NFS3ERR_NAMETOOLONG;
            case NOTEMPTY -> NFS3ERR_NOTEMPTY;
            case DQUOT -> NFS3ERR_DQUOT;
            case STALE -> NFS3ERR_STALE;
            case REMOTE -> NFS3ERR_REMOTE;
            case BADHANDLE -> NFS3ERR_BADHANDLE;
            case NOT_SYNC -> NFS3ERR_NOT_SYNC;
            case BAD_COOKIE -> NFS3ERR_BAD_COOKIE;
            case NOTSUPP -> NFS3ERR_NOTSUPP;
            case TOOSMALL -> NFS3ERR_TOOSMALL;
            case SERVERFAULT -> NFS3ERR_SERVERFAULT;
            case BADTYPE -> NFS3ERR_BADTYPE;
            case JUKEBOX -> NFS3ERR_JUKEBOX;
        };
    }
}
