package org.echofs.gateway.nfs3;

/** The NFSv3 procedures (RFC 1813 section 3), numbered as on the wire. */
enum Nfs3Proc {
    NULL(false, false), GETATTR(false, false), SETATTR(true, true), LOOKUP(false, false), ACCESS(false, false),
    READLINK(false, false), READ(false, false), WRITE(true, true), CREATE(true, true), MKDIR(true, true),
    SYMLINK(true, true), MKNOD(true, true), REMOVE(true, true), RMDIR(true, true), RENAME(true, true),
    LINK(true, true), READDIR(false, false), READDIRPLUS(false, false), FSSTAT(false, false),
    FSINFO(false, false), PATHCONF(false, false), COMMIT(true, false);

    /** {@link #values()} once: that method copies the array on every call. */
    private static final Nfs3Proc[] ALL = values();

    private final boolean modifies;
    private final boolean nonIdempotent;

    Nfs3Proc(boolean modifies, boolean nonIdempotent) {
        this.modifies = modifies;
        this.nonIdempotent = nonIdempotent;
    }

    /** Refused with ROFS on a read-only export. */
    boolean modifies() { return modifies; }

    /**
     * Replies kept by the duplicate-request cache. As in Linux nfsd, WRITE is among them (a
     * replayed WRITE after a later truncate would otherwise write again); COMMIT is not.
     */
    boolean nonIdempotent() { return nonIdempotent; }

    static Nfs3Proc of(int procedure) {
        return procedure >= 0 && procedure < ALL.length ? ALL[procedure] : null;
    }
}
