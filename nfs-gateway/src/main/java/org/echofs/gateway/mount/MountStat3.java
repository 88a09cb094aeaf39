package org.echofs.gateway.mount;

import org.echofs.core.fs.FsError;

/** MOUNT v3 {@code mountstat3} (RFC 1813 appendix I), and the table from {@link FsError} to it. */
public enum MountStat3 {
    MNT3_OK(0), MNT3ERR_PERM(1), MNT3ERR_NOENT(2), MNT3ERR_IO(5), MNT3ERR_ACCES(13), MNT3ERR_NOTDIR(20),
    MNT3ERR_INVAL(22), MNT3ERR_NAMETOOLONG(63), MNT3ERR_NOTSUPP(10004), MNT3ERR_SERVERFAULT(10006);

    private final int code;

    MountStat3(int code) { this.code = code; }

    public int code() { return code; }

    /**
     * The status for a refused look-up while walking a mount path. mountstat3 has fewer values
     * than nfsstat3: an object that vanished (STALE) reads as NOENT, PERM as ACCES would hide the
     * reason so it keeps PERM, and anything without a counterpart is SERVERFAULT.
     */
    public static MountStat3 of(FsError e) {
        return switch (e) {
            case PERM -> MNT3ERR_PERM;
            case NOENT, STALE -> MNT3ERR_NOENT;
            case IO -> MNT3ERR_IO;
            case ACCES -> MNT3ERR_ACCES;
            case NOTDIR -> MNT3ERR_NOTDIR;
            case INVAL -> MNT3ERR_INVAL;
            case NAMETOOLONG -> MNT3ERR_NAMETOOLONG;
            case NOTSUPP -> MNT3ERR_NOTSUPP;
            case NXIO, EXIST, XDEV, NODEV, ISDIR, FBIG, NOSPC, ROFS, MLINK, NOTEMPTY, DQUOT, REMOTE, BADHANDLE,
                    NOT_SYNC, BAD_COOKIE, TOOSMALL, SERVERFAULT, BADTYPE, JUKEBOX -> MNT3ERR_SERVERFAULT;
        };
    }
}
