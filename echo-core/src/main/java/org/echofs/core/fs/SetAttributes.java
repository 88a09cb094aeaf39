package org.echofs.core.fs;

/**
 * Attributes to change; a null field is left as it is (NFSv3 {@code sattr3}).
 * {@code mode} holds permission bits only (07777).
 */
public record SetAttributes(Integer mode, Integer uid, Integer gid, Long size, TimeChange atime, TimeChange mtime) {

    public static final SetAttributes NONE = new SetAttributes(null, null, null, null, null, null);

    public boolean isEmpty() {
        return mode == null && uid == null && gid == null && size == null && atime == null && mtime == null;
    }

    public SetAttributes withMode(Integer m) { return new SetAttributes(m, uid, gid, size, atime, mtime); }

    public SetAttributes withSize(Long s) { return new SetAttributes(mode, uid, gid, s, atime, mtime); }
}
