package org.echofs.gateway.client;

import java.util.List;

/**
 * The results of NFSv3 and MOUNT v3 calls as {@link Nfs3Client} decodes them: plain records,
 * independent of the server's own encoders so that tests cross-check the wire format. Every
 * result carries the nfsstat3 (or mountstat3) {@code status}; the other fields are those the
 * reply holds for that status (absent optional parts are null). Times are nanoseconds since the
 * epoch.
 */
public final class Nfs3Types {

    private Nfs3Types() { }

    /** fattr3. {@code type} is the ftype3 number, {@code mode} the permission bits as sent. */
    public record Fattr(int type, int mode, int nlink, int uid, int gid, long size, long used, int rdevMajor,
                        int rdevMinor, long fsid, long fileId, long atime, long mtime, long ctime) { }

    /** wcc_attr (pre-operation attributes). */
    public record PreOp(long size, long mtime, long ctime) { }

    /** wcc_data: pre-operation attributes and post-operation attributes, either may be null. */
    public record Wcc(PreOp before, Fattr after) { }

    /** sattr3: null fields are not set; a time of {@link #SERVER_TIME} means SET_TO_SERVER_TIME. */
    public record Sattr(Integer mode, Integer uid, Integer gid, Long size, Long atime, Long mtime) {
        public static final long SERVER_TIME = Long.MIN_VALUE;
        public static final Sattr NONE = new Sattr(null, null, null, null, null, null);

        public static Sattr mode(int mode) { return new Sattr(mode, null, null, null, null, null); }

        public static Sattr size(long size) { return new Sattr(null, null, null, size, null, null); }
    }

    public record MountResult(int status, byte[] handle, int[] flavors) { }

    public record MountEntry(String hostname, String directory) { }

    public record ExportEntry(String directory, List<String> groups) { }

    public record AttrResult(int status, Fattr attributes) { }

    public record WccResult(int status, Wcc wcc) { }

    public record LookupResult(int status, byte[] handle, Fattr object, Fattr directory) { }

    public record AccessResult(int status, Fattr attributes, int access) { }

    public record ReadlinkResult(int status, Fattr attributes, String target) { }

    public record ReadResult(int status, Fattr attributes, int count, boolean eof, byte[] data) { }

    public record WriteResult(int status, Wcc wcc, int count, int committed, long verifier) { }

    /** CREATE, MKDIR, SYMLINK and MKNOD: the new handle and attributes (either may be null), and the directory's wcc. */
    public record CreateResult(int status, byte[] handle, Fattr attributes, Wcc directory) { }

    public record RenameResult(int status, Wcc from, Wcc to) { }

    public record LinkResult(int status, Fattr file, Wcc directory) { }

    public record DirEntry(long fileId, String name, long cookie) { }

    public record ReaddirResult(int status, Fattr directory, long verifier, List<DirEntry> entries, boolean eof) { }

    public record DirEntryPlus(long fileId, String name, long cookie, Fattr attributes, byte[] handle) { }

    public record ReaddirPlusResult(int status, Fattr directory, long verifier, List<DirEntryPlus> entries,
                                    boolean eof) { }

    public record FsStatResult(int status, Fattr attributes, long totalBytes, long freeBytes, long availBytes,
                               long totalFiles, long freeFiles, long availFiles, int invarsec) { }

    public record FsInfoResult(int status, Fattr attributes, int rtmax, int rtpref, int rtmult, int wtmax, int wtpref,
                               int wtmult, int dtpref, long maxFileSize, long timeDelta, int properties) { }

    public record PathconfResult(int status, Fattr attributes, int linkMax, int nameMax, boolean noTrunc,
                                 boolean chownRestricted, boolean caseInsensitive, boolean casePreserving) { }

    public record CommitResult(int status, Wcc wcc, long verifier) { }
}
