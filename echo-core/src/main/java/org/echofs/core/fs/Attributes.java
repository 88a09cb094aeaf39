package org.echofs.core.fs;

/**
 * The full attributes of one object, as NFSv3 {@code fattr3} needs them.
 *
 * @param fileId     the object id (never reused)
 * @param generation the object's generation, checked against the one a handle carries
 * @param mode       permission bits only (07777), no type bits
 * @param used       bytes of storage the object uses
 * @param fsid       the volume's file system id
 * @param atimeNanos nanoseconds since the epoch; likewise mtime and ctime
 */
public record Attributes(long fileId, int generation, FileType type, int mode, int nlink, int uid, int gid,
                         long size, long used, int rdevMajor, int rdevMinor, long fsid,
                         long atimeNanos, long mtimeNanos, long ctimeNanos) {

    /** The pre-operation part of weak cache consistency data. */
    public WccAttr wcc() {
        return new WccAttr(size, mtimeNanos, ctimeNanos);
    }

    public boolean isDirectory() { return type == FileType.DIRECTORY; }
}
