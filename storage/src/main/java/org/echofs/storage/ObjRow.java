package org.echofs.storage;

import org.echofs.core.fs.FileType;

/**
 * One row of the {@code objects} table: the committed state of an object. Immutable; changes
 * make new rows. {@code parent} is the parent directory of a directory (0 for other types),
 * {@code nextCookie} the next entry cookie of a directory, {@code target} a symbolic link's
 * target and {@code verifier} the exclusive-create verifier of a regular file as
 * {@code StorageEngine.storedVerifier} keeps it (never 0), or 0 for a file not made by an
 * exclusive create.
 */
record ObjRow(long id, int gen, FileType type, int mode, int nlink, int uid, int gid, long size, int rdevMajor,
              int rdevMinor, long atime, long mtime, long ctime, long parent, long nextCookie, String target,
              long verifier) {

    boolean isDir() { return type == FileType.DIRECTORY; }

    boolean isFile() { return type == FileType.REGULAR; }

    ObjRow withNlink(int n) {
        return new ObjRow(id, gen, type, mode, n, uid, gid, size, rdevMajor, rdevMinor, atime, mtime, ctime, parent,
                nextCookie, target, verifier);
    }

    ObjRow withCtime(long t) {
        return new ObjRow(id, gen, type, mode, nlink, uid, gid, size, rdevMajor, rdevMinor, atime, mtime, t, parent,
                nextCookie, target, verifier);
    }

    /** mtime and ctime set to {@code t}, as a directory gets when its entries change. */
    ObjRow modified(long t) {
        return new ObjRow(id, gen, type, mode, nlink, uid, gid, size, rdevMajor, rdevMinor, atime, t, t, parent,
                nextCookie, target, verifier);
    }

    ObjRow withNextCookie(long c) {
        return new ObjRow(id, gen, type, mode, nlink, uid, gid, size, rdevMajor, rdevMinor, atime, mtime, ctime, parent,
                c, target, verifier);
    }

    ObjRow withParent(long p) {
        return new ObjRow(id, gen, type, mode, nlink, uid, gid, size, rdevMajor, rdevMinor, atime, mtime, ctime, p,
                nextCookie, target, verifier);
    }

    ObjRow withSizeTimes(long s, long m, long c) {
        return new ObjRow(id, gen, type, mode, nlink, uid, gid, s, rdevMajor, rdevMinor, atime, m, c, parent,
                nextCookie, target, verifier);
    }

    ObjRow withAttrs(int newMode, int newUid, int newGid, long newSize, long newAtime, long newMtime, long newCtime) {
        return new ObjRow(id, gen, type, newMode, nlink, newUid, newGid, newSize, rdevMajor, rdevMinor, newAtime,
                newMtime, newCtime, parent, nextCookie, target, verifier);
    }
}
