package org.echofs.cli.bench;

import java.util.Map;

/** Names of nfsstat3 values (RFC 1813 section 2.6) for messages. Stateless. */
final class NfsStatus {

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(0, "NFS3_OK"), Map.entry(1, "NFS3ERR_PERM"), Map.entry(2, "NFS3ERR_NOENT"),
            Map.entry(5, "NFS3ERR_IO"), Map.entry(6, "NFS3ERR_NXIO"), Map.entry(13, "NFS3ERR_ACCES"),
            Map.entry(17, "NFS3ERR_EXIST"), Map.entry(18, "NFS3ERR_XDEV"), Map.entry(19, "NFS3ERR_NODEV"),
            Map.entry(20, "NFS3ERR_NOTDIR"), Map.entry(21, "NFS3ERR_ISDIR"), Map.entry(22, "NFS3ERR_INVAL"),
            Map.entry(27, "NFS3ERR_FBIG"), Map.entry(28, "NFS3ERR_NOSPC"), Map.entry(30, "NFS3ERR_ROFS"),
            Map.entry(31, "NFS3ERR_MLINK"), Map.entry(63, "NFS3ERR_NAMETOOLONG"), Map.entry(66, "NFS3ERR_NOTEMPTY"),
            Map.entry(69, "NFS3ERR_DQUOT"), Map.entry(70, "NFS3ERR_STALE"), Map.entry(71, "NFS3ERR_REMOTE"),
            Map.entry(10001, "NFS3ERR_BADHANDLE"), Map.entry(10002, "NFS3ERR_NOT_SYNC"),
            Map.entry(10003, "NFS3ERR_BAD_COOKIE"), Map.entry(10004, "NFS3ERR_NOTSUPP"),
            Map.entry(10005, "NFS3ERR_TOOSMALL"), Map.entry(10006, "NFS3ERR_SERVERFAULT"),
            Map.entry(10007, "NFS3ERR_BADTYPE"), Map.entry(10008, "NFS3ERR_JUKEBOX"));

    static final int NOENT = 2, EXIST = 17, NOTSUPP = 10004;

    private NfsStatus() {
    }

    static String name(int status) {
        String n = NAMES.get(status);
        return n != null ? n : "nfsstat3 " + status;
    }
}
